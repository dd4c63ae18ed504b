#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace pgha::svc {

// What kind of failure an error is, so a caller can decide (offer another lab flavour, ask for a
// password, retry later) without matching message text. The text stays for people.
enum class ErrorKind {
    Other,        // none of the below, or not yet classified
    NotFound,     // a binary, file, key, member or endpoint that does not exist
    Refused,      // the peer refused the connection (nothing listens there)
    Unreachable,  // no route, name not resolved, network down
    Timeout,      // no answer within the deadline
    Auth,         // missing or wrong credentials, or a server that refused them
    Permission,   // the operating system denied access
    Parse,        // an answer that could not be understood
    Rejected,     // the peer answered but declined (HTTP 4xx/5xx, Patroni 412, an SQL error)
    Busy,         // taken port, held lock, a lab already running
    Cancelled,    // stopped on purpose
    ProcessFailed,// a program crashed, could not start or exited with a failure status
    Unavailable,  // a required service or engine is not available (e.g. the Docker daemon)
    Tls,          // certificate or handshake failure
};

// An error travels as a value. `message` names what failed; `hint` says what to do next.
struct Error {
    QString message;
    QString hint;
    ErrorKind kind = ErrorKind::Other;

    bool is(ErrorKind k) const { return kind == k; }

    QString toString() const { return hint.isEmpty() ? message : message + QStringLiteral(" — ") + hint; }
};

template <typename T>
class Result {
public:
    Result(T value) : m_data(std::move(value)) {}                 // NOLINT: implicit by design
    Result(Error error) : m_data(std::move(error)) {}             // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_data); }
    T &value() & { return std::get<T>(m_data); }
    T &&value() && { return std::get<T>(std::move(m_data)); }
    const Error &error() const { return std::get<Error>(m_data); }

private:
    std::variant<T, Error> m_data;
};

inline Error makeError(QString message, QString hint = {})
{
    return Error{std::move(message), std::move(hint), ErrorKind::Other};
}

inline Error makeError(ErrorKind kind, QString message, QString hint = {})
{
    return Error{std::move(message), std::move(hint), kind};
}

inline QString errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Other: return QStringLiteral("other");
    case ErrorKind::NotFound: return QStringLiteral("not found");
    case ErrorKind::Refused: return QStringLiteral("refused");
    case ErrorKind::Unreachable: return QStringLiteral("unreachable");
    case ErrorKind::Timeout: return QStringLiteral("timeout");
    case ErrorKind::Auth: return QStringLiteral("authentication");
    case ErrorKind::Permission: return QStringLiteral("permission");
    case ErrorKind::Parse: return QStringLiteral("parse");
    case ErrorKind::Rejected: return QStringLiteral("rejected");
    case ErrorKind::Busy: return QStringLiteral("busy");
    case ErrorKind::Cancelled: return QStringLiteral("cancelled");
    case ErrorKind::ProcessFailed: return QStringLiteral("process failed");
    case ErrorKind::Unavailable: return QStringLiteral("unavailable");
    case ErrorKind::Tls: return QStringLiteral("tls");
    }
    return QStringLiteral("other");
}

} // namespace pgha::svc

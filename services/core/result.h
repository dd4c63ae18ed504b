#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace pgha::svc {

// An error travels as a value. `message` names what failed; `hint` says what to do next.
struct Error {
    QString message;
    QString hint;

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
    return Error{std::move(message), std::move(hint)};
}

} // namespace pgha::svc

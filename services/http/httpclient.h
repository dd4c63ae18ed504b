#pragma once

#include "core/result.h"
#include "http/httpsecurity.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QList>
#include <QPointer>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace pgha::svc {

class HttpStream;

struct HttpResult {
    // Why no usable answer came (a 4xx/5xx answer is Failure::None: the status says it).
    enum class Failure { None, Timeout, Refused, Unreachable, Tls, Setup, TooLarge, Other };

    QUrl url;
    int status = 0;          // HTTP status; 0 when no answer came
    QString error;           // empty on a transport-level success (any status)
    QByteArray body;
    qint64 elapsedMs = 0;
    Failure failure = Failure::None;

    bool transportOk() const { return error.isEmpty(); }
    bool isSuccess() const { return transportOk() && status >= 200 && status < 300; }
};

// What goes out for one request (HttpExchange sends it). Limits are HttpClient's unless set.
struct HttpRequest {
    static constexpr int kDefaultTimeoutMs = 2000;
    static constexpr qint64 kMaxBodyBytes = 16 * 1024 * 1024;

    QByteArray verb;
    QUrl url;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QSslConfiguration ssl;    // https only
    int timeoutMs = kDefaultTimeoutMs;
    qint64 maxBodyBytes = kMaxBodyBytes;
    // An answer without an end (etcd's watch): the deadline covers the exchange until the head
    // of a 2xx answer; from then on its body goes out as it comes.
    bool streaming = false;
};

// "host:port" of `url` as it goes into a Host header and into messages: never its user info
// (profiles refuse credentials in URLs; a URL from elsewhere might carry them).
QString authorityOf(const QUrl &url, QUrl::ComponentFormattingOptions options = QUrl::PrettyDecoded);

// One sentence for people on why `r` is not a success, naming `who` ("pg2's REST API") and
// what to do: "401 from pg2's REST API — check the Patroni REST credentials". Empty on success.
QString explainHttpFailure(const HttpResult &r, const QString &who,
                           const QString &credentialsName = QStringLiteral("the Patroni REST credentials"));

// What kind of failure `r` is (ErrorKind::Other on success): refused, timeout, tls, auth (401/403),
// rejected (any other 4xx/5xx), parse-free by design — the body is the caller's to judge.
ErrorKind httpErrorKind(const HttpResult &r);

// explainHttpFailure as an Error that carries its kind.
Error httpError(const HttpResult &r, const QString &who,
                const QString &credentialsName = QStringLiteral("the Patroni REST credentials"));

// Why a request missed its deadline: "no answer from HOST within N ms", or that an answer had begun
// (a server dripping bytes is as useless as a silent one, and harder to recognise).
QString deadlineError(const QUrl &url, int timeoutMs, bool answerBegun);

// Async HTTP/1.1 on the calling thread, each request over a connection of its own (HttpExchange): every request has a total
// deadline (`timeoutMs`, from the request to the last byte, however the bytes trickle in) and a body cap, and
// completes exactly once through its callback (also on error).
class HttpClient : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = HttpRequest::kDefaultTimeoutMs;
    static constexpr qint64 kMaxBodyBytes = HttpRequest::kMaxBodyBytes;

    explicit HttpClient(QObject *parent = nullptr);

    using Callback = std::function<void(const HttpResult &)>;

    // `context` guards the callback: if it is destroyed first, the callback is not called.
    void get(const QUrl &url, int timeoutMs, QObject *context, Callback callback);
    // POST with a JSON body (etcd's v3 gateway takes every read as a POST).
    void postJson(const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context, Callback callback);
    // Any verb (OPTIONS, PATCH, DELETE …); a non-empty body is sent as JSON.
    void send(const QByteArray &verb, const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context,
              Callback callback);

    // A request whose answer streams (see HttpStream), POSTed with a JSON body (etcd's watch).
    // The stream belongs to `parent`; it ends through HttpStream::ended, or by being deleted.
    HttpStream *openStream(const QUrl &url, const QByteArray &jsonBody, int openTimeoutMs, QObject *parent);

    // Credentials and TLS trust for every request to `origin`'s scheme://host:port, whichever
    // method sends it (the pollers need no change). An empty HttpSecurity removes the entry.
    // Files are read on the first request and kept until the entry changes; a file that cannot
    // be read fails that request with an HttpResult naming the file (and is tried again next time).
    void setSecurity(const QUrl &origin, const HttpSecurity &security);
    // TLS trust (CA, client certificate, verifyPeer) for every https URL without an entry of its
    // own, e.g. members found by discovery. Its username/password are ignored: credentials go
    // only to the origins they were given for.
    void setDefaultSecurity(const HttpSecurity &security);
    void clearSecurity();
    bool hasSecurity(const QUrl &url) const;

private:
    struct SecurityEntry {
        HttpSecurity security;
        std::shared_ptr<QSslConfiguration> ssl;   // loaded on first use
        bool warnedInsecure = false;
        bool warnedPlainHttp = false;
    };
    // Adds the Authorization header (where the request's verb needs it) and the TLS configuration;
    // an error text when a file fails or the credentials would cross a network in clear text (refused).
    QString applySecurity(HttpRequest &request, HttpSecurity *used);
    void sendRequest(const QByteArray &verb, const QUrl &url, const QByteArray &body, bool json, int timeoutMs,
                     QObject *context, Callback callback);
    void failEarly(const QUrl &url, const QString &error, QObject *context, Callback callback);

    QHash<QString, SecurityEntry> m_security;   // by originKey()
    std::optional<SecurityEntry> m_defaultSecurity;
};

} // namespace pgha::svc

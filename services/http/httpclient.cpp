#include "httpclient.h"

#include "core/logging.h"
#include "core/result.h"
#include "http/httpstream.h"
#include "http/httpexchange.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>

#include <memory>

namespace pgha::svc {

namespace {
constexpr int kMaxExplainedBody = 200;   // characters of an error body quoted in explanations

// The request for `verb` on `url`, before applySecurity adds credentials and TLS trust.
HttpRequest makeRequest(const QByteArray &verb, const QUrl &url, const QByteArray &body, bool json,
                                  int timeoutMs)
{
    HttpRequest r;
    r.verb = verb;
    r.url = url;
    r.headers.append(std::pair{QByteArray("Accept"), QByteArray("application/json, text/plain, */*")});
    if (json)
        r.headers.append(std::pair{QByteArray("Content-Type"), QByteArray("application/json")});
    r.body = body;
    r.timeoutMs = timeoutMs > 0 ? timeoutMs : HttpClient::kDefaultTimeoutMs;
    return r;
}

QString settingsOf(const HttpSecurity &s)
{
    return s.settingsName.isEmpty() ? QStringLiteral("the TLS settings") : s.settingsName;
}

Result<QByteArray> readPem(const QString &path, const QString &what, const HttpSecurity &s)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read the %1 %2: %3").arg(what, path, f.errorString()),
                         QStringLiteral("fix the path in %1 or make the file readable by this user").arg(settingsOf(s)));
    return f.readAll();
}

// The QSslConfiguration `s` asks for: only its CA is trusted when it names one.
Result<QSslConfiguration> loadTls(const HttpSecurity &s)
{
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    if (!s.caFile.isEmpty()) {
        auto pem = readPem(s.caFile, QStringLiteral("CA file"), s);
        if (!pem)
            return pem.error();
        const auto certs = QSslCertificate::fromData(pem.value(), QSsl::Pem);
        if (certs.isEmpty())
            return makeError(QStringLiteral("the CA file %1 holds no PEM certificate").arg(s.caFile),
                             QStringLiteral("point %1 at the CA certificate (-----BEGIN CERTIFICATE-----)").arg(settingsOf(s)));
        c.setCaCertificates(certs);
    }
    if (s.certFile.isEmpty() != s.keyFile.isEmpty())
        return makeError(QStringLiteral("a client certificate needs both a certificate file and a key file (got only %1)")
                                 .arg(s.certFile.isEmpty() ? s.keyFile : s.certFile),
                         QStringLiteral("set both, or neither, in %1").arg(settingsOf(s)));
    if (!s.certFile.isEmpty()) {
        auto certPem = readPem(s.certFile, QStringLiteral("client certificate"), s);
        if (!certPem)
            return certPem.error();
        const auto certs = QSslCertificate::fromData(certPem.value(), QSsl::Pem);
        if (certs.isEmpty())
            return makeError(QStringLiteral("the client certificate file %1 holds no PEM certificate").arg(s.certFile),
                             QStringLiteral("fix the path in %1").arg(settingsOf(s)));
        auto keyPem = readPem(s.keyFile, QStringLiteral("client key"), s);
        if (!keyPem)
            return keyPem.error();
        QSslKey key;
        for (auto algorithm : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
            key = QSslKey(keyPem.value(), algorithm, QSsl::Pem, QSsl::PrivateKey);
            if (!key.isNull())
                break;
        }
        if (key.isNull())
            return makeError(QStringLiteral("the client key file %1 holds no unencrypted PEM private key").arg(s.keyFile),
                             QStringLiteral("fix the path in %1 (encrypted keys are not supported)").arg(settingsOf(s)));
        c.setLocalCertificate(certs.front());
        c.setPrivateKey(key);
    }
    if (!s.verifyPeer)
        c.setPeerVerifyMode(QSslSocket::VerifyNone);
    return c;
}

bool isTrustError(QSslError::SslError e)
{
    switch (e) {
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::CertificateUntrusted:
    case QSslError::CertificateRejected:
    case QSslError::CertificateSignatureFailed:
    case QSslError::InvalidCaCertificate:
        return true;
    default:
        return false;
    }
}

QString tlsErrorText(const QUrl &url, const QList<QSslError> &errors, const QString &fallback, const HttpSecurity &s)
{
    const QString where = authorityOf(url);
    QStringList reasons;
    bool trust = false;
    bool hostMismatch = false;
    bool expired = false;
    for (const auto &e : errors) {
        reasons.append(e.errorString());
        trust = trust || isTrustError(e.error());
        hostMismatch = hostMismatch || e.error() == QSslError::HostNameMismatch;
        expired = expired || e.error() == QSslError::CertificateExpired || e.error() == QSslError::CertificateNotYetValid;
    }
    reasons.removeDuplicates();
    const QString why = reasons.isEmpty() ? fallback : reasons.join(QStringLiteral("; "));
    if (trust && !s.caFile.isEmpty())
        return QStringLiteral("TLS: certificate of %1 is not trusted by CA file %2 (%3) — check %4's CA file")
                .arg(where, s.caFile, why, settingsOf(s));
    if (trust)
        return QStringLiteral("TLS: certificate of %1 is not trusted by the system's CA certificates (%2) — set the "
                              "CA file of its issuer in %3").arg(where, why, settingsOf(s));
    if (hostMismatch)
        return QStringLiteral("TLS: certificate of %1 does not name host %2 (%3) — use the host name the certificate "
                              "was issued for, or reissue it with that name").arg(where, url.host(), why);
    if (expired)
        return QStringLiteral("TLS: certificate of %1 is expired or not yet valid (%2) — renew it, or check the clock")
                .arg(where, why);
    return QStringLiteral("TLS handshake with %1 failed (%2) — does it serve https on that port, and does it want a "
                          "client certificate? check %3").arg(where, why, settingsOf(s));
}
} // namespace

QString deadlineError(const QUrl &url, int timeoutMs, bool answerBegun)
{
    if (!answerBegun)
        return QStringLiteral("no answer from %1 within %2 ms").arg(authorityOf(url)).arg(timeoutMs);
    return QStringLiteral("no complete answer from %1 within %2 ms (it began answering, but too slowly or without an end)")
            .arg(authorityOf(url)).arg(timeoutMs);
}

QString authorityOf(const QUrl &url, QUrl::ComponentFormattingOptions options)
{
    QUrl bare = url;
    bare.setUserInfo(QString());
    return bare.authority(options);
}

QString explainHttpFailure(const HttpResult &r, const QString &who, const QString &credentialsName)
{
    if (r.isSuccess())
        return {};
    if (r.transportOk()) {
        if (r.status == 401)
            return QStringLiteral("401 from %1 — check %2 (the user name in the profile, the password in the keychain)")
                    .arg(who, credentialsName);
        if (r.status == 403)
            return QStringLiteral("403 from %1 — access denied although the request arrived: check %2 and whether the "
                                  "API admits this client (restapi allowlist, client certificate)").arg(who, credentialsName);
        QString body = QString::fromUtf8(r.body).simplified();
        if (body.size() > kMaxExplainedBody)
            body = body.left(kMaxExplainedBody) + QStringLiteral("…");
        return body.isEmpty() ? QStringLiteral("%1 from %2").arg(r.status).arg(who)
                              : QStringLiteral("%1 from %2: %3").arg(r.status).arg(who, body);
    }
    switch (r.failure) {
    case HttpResult::Failure::Refused:
        return QStringLiteral("%1 at %2 refused the connection — is it running, and is the port right?")
                .arg(who, authorityOf(r.url));
    case HttpResult::Failure::Timeout:
        return QStringLiteral("%1 did not answer: %2 — is the host reachable, or is it overloaded?").arg(who, r.error);
    case HttpResult::Failure::Unreachable:
        // Typically a member that /cluster lists by a name of the cluster's own DNS.
        return QStringLiteral("%1: the host %2 does not resolve from this machine (%3) — a name only the cluster's own DNS "
                              "knows (Docker Compose, Kubernetes)? Give its URL in the profile by an address this machine "
                              "reaches, or add the name to /etc/hosts")
                .arg(who, r.url.host(), r.error);
    case HttpResult::Failure::Tls:
    case HttpResult::Failure::Setup:
    case HttpResult::Failure::TooLarge:
    case HttpResult::Failure::Other:
    case HttpResult::Failure::None:
        break;
    }
    return QStringLiteral("%1: %2").arg(who, r.error);
}

ErrorKind httpErrorKind(const HttpResult &r)
{
    if (r.isSuccess())
        return ErrorKind::Other;
    if (r.transportOk())
        return r.status == 401 || r.status == 403 ? ErrorKind::Auth : ErrorKind::Rejected;
    switch (r.failure) {
    case HttpResult::Failure::Refused: return ErrorKind::Refused;
    case HttpResult::Failure::Timeout: return ErrorKind::Timeout;
    case HttpResult::Failure::Unreachable: return ErrorKind::Unreachable;
    case HttpResult::Failure::Tls:
    case HttpResult::Failure::Setup: return ErrorKind::Tls;   // CA/certificate files the TLS set-up needs
    case HttpResult::Failure::TooLarge: return ErrorKind::Parse;
    case HttpResult::Failure::Other:
    case HttpResult::Failure::None:
        break;
    }
    return ErrorKind::Other;
}

Error httpError(const HttpResult &r, const QString &who, const QString &credentialsName)
{
    return makeError(httpErrorKind(r), explainHttpFailure(r, who, credentialsName));
}

HttpClient::HttpClient(QObject *parent)
    : QObject(parent)
{
}

void HttpClient::setSecurity(const QUrl &origin, const HttpSecurity &security)
{
    const QString key = originKey(origin);
    if (security.isEmpty()) {
        m_security.remove(key);
        return;
    }
    auto it = m_security.find(key);
    if (it != m_security.end() && it->security == security)
        return;   // keep what was loaded
    m_security.insert(key, SecurityEntry{security, {}, false});
}

void HttpClient::setDefaultSecurity(const HttpSecurity &security)
{
    HttpSecurity tlsOnly = security;
    tlsOnly.username.clear();
    tlsOnly.password.clear();
    if (tlsOnly.isEmpty()) {
        m_defaultSecurity.reset();
        return;
    }
    if (m_defaultSecurity && m_defaultSecurity->security == tlsOnly)
        return;
    m_defaultSecurity = SecurityEntry{tlsOnly, {}, false};
}

void HttpClient::clearSecurity()
{
    m_security.clear();
    m_defaultSecurity.reset();
}

bool HttpClient::hasSecurity(const QUrl &url) const
{
    return m_security.contains(originKey(url)) || (m_defaultSecurity && url.scheme() == u"https");
}

bool isLoopbackHost(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

QString HttpClient::applySecurity(HttpRequest &request, HttpSecurity *used)
{
    const QUrl &url = request.url;
    SecurityEntry *entry = nullptr;
    auto it = m_security.find(originKey(url));
    if (it != m_security.end())
        entry = &*it;
    else if (m_defaultSecurity && url.scheme() == u"https")
        entry = &*m_defaultSecurity;
    if (!entry)
        return {};
    const HttpSecurity &s = entry->security;
    *used = s;
    const bool credentials = sendsCredentials(s, request.verb);
    if (credentials && url.scheme() != u"https" && !isLoopbackHost(url.host())) {
        if (s.refusePlainHttpCredentials)
            return QStringLiteral("refused to send the password of \"%1\" to %2 over plain http: anyone on the network path "
                                  "could read it, and this is a production profile — serve the API over https "
                                  "(Patroni: restapi.certfile) and use an https:// URL, or, for a test cluster, set kind: staging")
                    .arg(s.username, originKey(url));
        if (!entry->warnedPlainHttp) {
            entry->warnedPlainHttp = true;
            qCWarning(lcHttp).noquote() << "the password of" << s.username << "goes to" << originKey(url)
                                        << "over plain http, readable by anyone on the network path — use https (" << settingsOf(s) << ")";
        }
    }
    if (credentials)
        request.headers.append(std::pair{QByteArray("Authorization"),
                                         "Basic " + (s.username + QLatin1Char(':') + s.password).toUtf8().toBase64()});
    if (url.scheme() != u"https")
        return {};
    if (!entry->ssl) {
        auto loaded = loadTls(s);
        if (!loaded)
            return loaded.error().toString();   // not cached: the file may appear (a lab starting)
        entry->ssl = std::make_shared<QSslConfiguration>(loaded.value());
    }
    if (!s.verifyPeer && !entry->warnedInsecure) {
        entry->warnedInsecure = true;
        qCWarning(lcHttp).noquote() << "TLS certificate verification is OFF for" << originKey(url)
                                    << "— anyone on the path can impersonate it (" << settingsOf(s) << ")";
    }
    request.ssl = *entry->ssl;
    return {};
}

void HttpClient::failEarly(const QUrl &url, const QString &error, QObject *context, Callback callback)
{
    // Still asynchronous: callers rely on the callback never running inside get()/send().
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    QTimer::singleShot(0, this, [url, error, guard, guarded, cb = std::move(callback)] {
        if (guarded && guard.isNull())
            return;
        HttpResult r;
        r.url = url;
        r.error = error;
        r.failure = HttpResult::Failure::Setup;
        cb(r);
    });
}

void HttpClient::sendRequest(const QByteArray &verb, const QUrl &url, const QByteArray &body, bool json, int timeoutMs,
                             QObject *context, Callback callback)
{
    HttpRequest request = makeRequest(verb, url, body, json, timeoutMs);
    HttpSecurity used;
    if (const QString err = applySecurity(request, &used); !err.isEmpty())
        return failEarly(url, err, context, std::move(callback));
    auto *exchange = new HttpExchange(std::move(request), this);
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    connect(exchange, &HttpExchange::finished, this,
            [exchange, guard, guarded, timer, caFile = used.caFile, settingsName = used.settingsName, cb = std::move(callback)] {
                exchange->deleteLater();
                HttpResult result = exchange->result();
                result.elapsedMs = timer->elapsed();
                if (result.failure == HttpResult::Failure::Tls) {
                    HttpSecurity s;
                    s.caFile = caFile;
                    s.settingsName = settingsName;
                    result.error = tlsErrorText(result.url, exchange->tlsErrors(), result.error, s);
                }
                // The URL never carries credentials (they travel in a header this never logs).
                qCDebug(lcHttp) << result.url << result.status << result.error << result.elapsedMs << "ms";
                if (guarded && guard.isNull())
                    return;
                cb(result);
            });
    exchange->start();
}

void HttpClient::get(const QUrl &url, int timeoutMs, QObject *context, Callback callback)
{
    sendRequest("GET", url, {}, false, timeoutMs, context, std::move(callback));
}

void HttpClient::postJson(const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context, Callback callback)
{
    sendRequest("POST", url, body, true, timeoutMs, context, std::move(callback));
}

void HttpClient::send(const QByteArray &verb, const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context,
                      Callback callback)
{
    sendRequest(verb, url, body, !body.isEmpty(), timeoutMs, context, std::move(callback));
}

HttpStream *HttpClient::openStream(const QUrl &url, const QByteArray &jsonBody, int openTimeoutMs, QObject *parent)
{
    auto *stream = new HttpStream(url, openTimeoutMs, parent);
    HttpRequest request = makeRequest("POST", url, jsonBody, true, openTimeoutMs);
    request.streaming = true;
    HttpSecurity used;
    if (const QString err = applySecurity(request, &used); !err.isEmpty()) {
        stream->failToOpen(err);
        return stream;
    }
    stream->attach(new HttpExchange(std::move(request)));
    return stream;
}

} // namespace pgha::svc

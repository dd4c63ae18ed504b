#include "httpclient.h"

#include "core/logging.h"
#include "core/result.h"
#include "http/httpstream.h"
#include "http/tlsexchange.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
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

// No transfer timeout here: Qt's restarts with every byte, so track() sets a total deadline instead.
QNetworkRequest makeRequest(const QUrl &url)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Accept", "application/json, text/plain, */*");
    return request;
}

// The request TlsExchange sends for `request` (whose Authorization header and TLS configuration
// applySecurity filled in).
TlsExchange::Request tlsRequest(const QByteArray &verb, const QUrl &url, const QByteArray &body, bool json,
                                const QNetworkRequest &request, int timeoutMs)
{
    TlsExchange::Request r;
    r.verb = verb;
    r.url = url;
    r.headers.append(std::pair{QByteArray("Accept"), QByteArray("application/json, text/plain, */*")});
    if (json)
        r.headers.append(std::pair{QByteArray("Content-Type"), QByteArray("application/json")});
    if (request.hasRawHeader("Authorization"))
        r.headers.append(std::pair{QByteArray("Authorization"), request.rawHeader("Authorization")});
    r.body = body;
    r.ssl = request.sslConfiguration();
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
    const QString where = url.authority();
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
        return QStringLiteral("no answer from %1 within %2 ms").arg(url.authority()).arg(timeoutMs);
    return QStringLiteral("no complete answer from %1 within %2 ms (it began answering, but too slowly or without an end)")
            .arg(url.authority()).arg(timeoutMs);
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
                .arg(who, r.url.authority());
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
    : QObject(parent), m_nam(new QNetworkAccessManager(this))
{
    // Polling loopback services: no proxy, ever (a system proxy would turn 127.0.0.1 into a hop).
    m_nam->setProxy(QNetworkProxy::NoProxy);
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

QString HttpClient::applySecurity(QNetworkRequest &request, const QByteArray &verb, const QUrl &url, HttpSecurity *used)
{
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
    const bool credentials = sendsCredentials(s, verb);
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
        request.setRawHeader("Authorization",
                             "Basic " + (s.username + QLatin1Char(':') + s.password).toUtf8().toBase64());
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
    request.setSslConfiguration(*entry->ssl);
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

void HttpClient::sendTls(const QByteArray &verb, const QUrl &url, const QByteArray &body, bool json, int timeoutMs,
                         QObject *context, Callback callback)
{
    QNetworkRequest request(url);   // carries the Authorization header and TLS configuration
    HttpSecurity used;
    if (const QString err = applySecurity(request, verb, url, &used); !err.isEmpty())
        return failEarly(url, err, context, std::move(callback));
    auto *exchange = new TlsExchange(tlsRequest(verb, url, body, json, request, timeoutMs), this);
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    connect(exchange, &TlsExchange::finished, this,
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
                qCDebug(lcHttp) << result.url << result.status << result.error << result.elapsedMs << "ms";
                if (guarded && guard.isNull())
                    return;
                cb(result);
            });
    exchange->start();
}

void HttpClient::get(const QUrl &url, int timeoutMs, QObject *context, Callback callback)
{
    if (url.scheme() == u"https")
        return sendTls("GET", url, {}, false, timeoutMs, context, std::move(callback));
    QNetworkRequest request = makeRequest(url);
    HttpSecurity used;
    if (const QString err = applySecurity(request, "GET", url, &used); !err.isEmpty())
        return failEarly(url, err, context, std::move(callback));
    track(m_nam->get(request), url, timeoutMs, used, context, std::move(callback));
}

void HttpClient::postJson(const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context, Callback callback)
{
    if (url.scheme() == u"https")
        return sendTls("POST", url, body, true, timeoutMs, context, std::move(callback));
    QNetworkRequest request = makeRequest(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    HttpSecurity used;
    if (const QString err = applySecurity(request, "POST", url, &used); !err.isEmpty())
        return failEarly(url, err, context, std::move(callback));
    track(m_nam->post(request, body), url, timeoutMs, used, context, std::move(callback));
}

void HttpClient::send(const QByteArray &verb, const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context,
                      Callback callback)
{
    if (url.scheme() == u"https")
        return sendTls(verb, url, body, !body.isEmpty(), timeoutMs, context, std::move(callback));
    QNetworkRequest request = makeRequest(url);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    HttpSecurity used;
    if (const QString err = applySecurity(request, verb, url, &used); !err.isEmpty())
        return failEarly(url, err, context, std::move(callback));
    track(m_nam->sendCustomRequest(request, verb, body), url, timeoutMs, used, context, std::move(callback));
}

HttpStream *HttpClient::openStream(const QUrl &url, const QByteArray &jsonBody, int openTimeoutMs, QObject *parent)
{
    auto *stream = new HttpStream(url, openTimeoutMs, parent);
    QNetworkRequest request = makeRequest(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    HttpSecurity used;
    if (const QString err = applySecurity(request, "POST", url, &used); !err.isEmpty()) {
        stream->failToOpen(err);
        return stream;
    }
    if (url.scheme() == u"https") {
        TlsExchange::Request r = tlsRequest("POST", url, jsonBody, true, request, openTimeoutMs);
        r.streaming = true;
        stream->attach(new TlsExchange(std::move(r)));
        return stream;
    }
    // No transfer timeout: the stream's own deadline covers opening it, and then it may idle.
    request.setTransferTimeout(0);
    stream->attach(m_nam->post(request, jsonBody));
    return stream;
}

void HttpClient::track(QNetworkReply *reply, const QUrl &url, int timeoutMs, const HttpSecurity &security,
                       QObject *context, Callback callback)
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    auto sslErrors = std::make_shared<QList<QSslError>>();
    auto received = std::make_shared<qint64>(0);
    auto deadlineMissed = std::make_shared<bool>(false);
    timeoutMs = timeoutMs > 0 ? timeoutMs : kDefaultTimeoutMs;

    // The whole exchange must fit in timeoutMs; the reply as context cancels this once it is gone.
    // Precise: a coarse timer may fire up to 5 % early, before the deadline the caller asked for.
    QTimer::singleShot(timeoutMs, Qt::PreciseTimer, reply, [reply, deadlineMissed] {
        if (reply->isFinished())
            return;
        *deadlineMissed = true;
        reply->abort();
    });
    // An answer announcing more than the cap fails at its head, not after 16 MiB within the deadline.
    connect(reply, &QNetworkReply::metaDataChanged, reply, [reply] {
        if (reply->header(QNetworkRequest::ContentLengthHeader).toLongLong() > kMaxBodyBytes) {
            reply->setProperty("pghaTooLarge", true);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, received](qint64 bytes, qint64) {
        *received = bytes;
        if (bytes > kMaxBodyBytes) {
            reply->setProperty("pghaTooLarge", true);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::sslErrors, reply, [sslErrors](const QList<QSslError> &errors) {
        *sslErrors = errors;   // not ignored: the handshake fails and `finished` explains why
    });
    connect(reply, &QNetworkReply::finished, this,
            [reply, timer, guard, guarded, url, timeoutMs, sslErrors, received, deadlineMissed, caFile = security.caFile,
             settingsName = security.settingsName, cb = std::move(callback)] {
        reply->deleteLater();
        HttpResult result;
        result.url = url;
        result.elapsedMs = timer->elapsed();
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto netError = reply->error();
        // 4xx/5xx are answers, not transport failures: the caller judges the status.
        const bool answered = result.status != 0;
        if (reply->property("pghaTooLarge").toBool()) {
            result.error = QStringLiteral("answer from %1 is larger than %2 MiB")
                                   .arg(url.authority()).arg(kMaxBodyBytes / (1024 * 1024));
            result.failure = HttpResult::Failure::TooLarge;
        } else if (*deadlineMissed || netError == QNetworkReply::OperationCanceledError || netError == QNetworkReply::TimeoutError) {
            result.error = deadlineError(url, timeoutMs, answered || *received > 0);
            result.failure = HttpResult::Failure::Timeout;
            result.status = 0;
        } else if (netError == QNetworkReply::SslHandshakeFailedError || (!sslErrors->isEmpty() && !answered)) {
            HttpSecurity s;
            s.caFile = caFile;
            s.settingsName = settingsName;
            result.error = tlsErrorText(url, *sslErrors, reply->errorString(), s);
            result.failure = HttpResult::Failure::Tls;
        } else if (netError != QNetworkReply::NoError && !answered) {
            result.error = reply->errorString();
            result.failure = netError == QNetworkReply::ConnectionRefusedError ? HttpResult::Failure::Refused
                             : netError == QNetworkReply::HostNotFoundError  ? HttpResult::Failure::Unreachable
                                                                             : HttpResult::Failure::Other;
            if (netError == QNetworkReply::RemoteHostClosedError && url.scheme() == u"http")
                result.error += QStringLiteral(" (if it serves https, use an https:// URL)");
        }
        if (result.error.isEmpty())
            result.body = reply->readAll();
        // The URL never carries credentials (they travel in a header this never logs).
        qCDebug(lcHttp) << url << result.status << result.error << result.elapsedMs << "ms";
        if (guarded && guard.isNull())
            return;
        cb(result);
    });
}

} // namespace pgha::svc

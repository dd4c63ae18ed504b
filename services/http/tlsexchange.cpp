#include "tlsexchange.h"

#include <QNetworkProxy>
#include <QSslSocket>

namespace pgha::svc {

namespace {
constexpr qsizetype kMaxHeadBytes = 64 * 1024;

QByteArray requestTarget(const QUrl &url)
{
    QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (url.hasQuery())
        target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    return target;
}
} // namespace

TlsExchange::TlsExchange(Request request, QObject *parent)
    : QObject(parent), m_request(std::move(request)), m_socket(new QSslSocket(this))
{
    m_result.url = m_request.url;
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        fail(HttpResult::Failure::Timeout,
             QStringLiteral("no answer from %1 within %2 ms").arg(m_request.url.authority()).arg(m_request.timeoutMs));
    });
    m_socket->setProxy(QNetworkProxy::NoProxy);
    m_socket->setSslConfiguration(m_request.ssl);
    connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
    connect(m_socket, &QSslSocket::encrypted, this, [this] {
        QByteArray head = m_request.verb + ' ' + requestTarget(m_request.url) + " HTTP/1.1\r\nHost: "
                + m_request.url.authority(QUrl::FullyEncoded).toUtf8() + "\r\nConnection: close\r\n";
        for (const auto &[name, value] : std::as_const(m_request.headers))
            head += name + ": " + value + "\r\n";
        if (!m_request.body.isEmpty() || m_request.verb != "GET")
            head += "Content-Length: " + QByteArray::number(m_request.body.size()) + "\r\n";
        m_socket->write(head + "\r\n" + m_request.body);
    });
    connect(m_socket, &QSslSocket::readyRead, this, &TlsExchange::onReadable);
    connect(m_socket, &QSslSocket::disconnected, this, &TlsExchange::onClosed);
    connect(m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        m_socketError = m_socket->errorString();
        switch (e) {
        case QAbstractSocket::RemoteHostClosedError:   // also a TLS close_notify: the answer's end
            onClosed();
            break;
        case QAbstractSocket::SslHandshakeFailedError:
            fail(HttpResult::Failure::Tls, m_socketError);
            break;
        case QAbstractSocket::ConnectionRefusedError:
            fail(HttpResult::Failure::Refused, QStringLiteral("Connection refused"));
            break;
        default:
            fail(HttpResult::Failure::Other, m_socketError);
            break;
        }
    });
}

void TlsExchange::start()
{
    m_timeout.start(m_request.timeoutMs > 0 ? m_request.timeoutMs : HttpClient::kDefaultTimeoutMs);
    m_socket->connectToHostEncrypted(m_request.url.host(), quint16(m_request.url.port(443)));
}

bool TlsExchange::parseHead()
{
    const qsizetype end = m_buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    m_result.status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        const QByteArray value = lines[i].mid(colon + 1).trimmed();
        if (name == "content-length")
            m_contentLength = value.toLongLong();
        else if (name == "transfer-encoding" && value.toLower().contains("chunked"))
            m_chunked = true;
    }
    m_bodyStart = end + 4;
    return true;
}

// True when the body is known to be complete without waiting for the connection's end.
bool TlsExchange::bodyComplete()
{
    const qsizetype have = m_buffer.size() - m_bodyStart;
    if (m_chunked) {
        m_decoded.clear();
        qsizetype pos = m_bodyStart;
        for (;;) {
            const qsizetype lineEnd = m_buffer.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const qint64 size = m_buffer.mid(pos, lineEnd - pos).split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok)
                return false;
            if (size == 0)
                return true;
            if (m_buffer.size() < lineEnd + 2 + size + 2)
                return false;
            m_decoded += m_buffer.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
    }
    if (m_contentLength >= 0)
        return have >= m_contentLength;
    return m_result.status == 204 || m_result.status == 304 || m_request.verb == "HEAD";
}

void TlsExchange::onReadable()
{
    if (m_done)
        return;
    m_buffer += m_socket->readAll();
    if (m_bodyStart < 0) {
        if (!parseHead()) {
            if (m_buffer.size() > kMaxHeadBytes)
                fail(HttpResult::Failure::Other, QStringLiteral("the answer of %1 has no end of headers").arg(m_request.url.authority()));
            return;
        }
    }
    if (m_buffer.size() - m_bodyStart > m_request.maxBodyBytes) {
        fail(HttpResult::Failure::TooLarge, QStringLiteral("answer from %1 is larger than %2 MiB")
                                                    .arg(m_request.url.authority()).arg(m_request.maxBodyBytes / (1024 * 1024)));
        return;
    }
    if (bodyComplete())
        succeed();
}

void TlsExchange::onClosed()
{
    if (m_done)
        return;
    m_buffer += m_socket->readAll();
    if (m_bodyStart < 0 && !parseHead()) {
        fail(HttpResult::Failure::Other, QStringLiteral("%1 closed the connection before answering%2")
                                                 .arg(m_request.url.authority(),
                                                      m_socketError.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_socketError)));
        return;
    }
    if (m_chunked && !bodyComplete()) {
        fail(HttpResult::Failure::Other, QStringLiteral("%1 closed the connection in the middle of its answer").arg(m_request.url.authority()));
        return;
    }
    if (m_contentLength >= 0 && m_buffer.size() - m_bodyStart < m_contentLength) {
        fail(HttpResult::Failure::Other, QStringLiteral("%1 closed the connection in the middle of its answer").arg(m_request.url.authority()));
        return;
    }
    succeed();   // close-delimited: the end of the connection is the end of the body
}

void TlsExchange::succeed()
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    if (m_chunked)
        m_result.body = m_decoded;
    else
        m_result.body = m_contentLength >= 0 ? m_buffer.mid(m_bodyStart, m_contentLength) : m_buffer.mid(m_bodyStart);
    m_socket->abort();   // releases a server waiting for our close_notify
    emit finished();
}

void TlsExchange::fail(HttpResult::Failure failure, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    m_timeout.stop();
    m_result.failure = failure;
    m_result.error = error;
    m_result.status = 0;
    m_socket->abort();
    emit finished();
}

} // namespace pgha::svc

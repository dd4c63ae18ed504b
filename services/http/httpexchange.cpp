#include "httpexchange.h"

#include <QNetworkProxy>
#include <QSslSocket>
#include <QTcpSocket>

namespace pgha::svc {

namespace {
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

HttpExchange::HttpExchange(HttpRequest request, QObject *parent)
    : QObject(parent), m_request(std::move(request)),
      m_socket(m_request.url.scheme() == u"https" ? new QSslSocket(this) : new QTcpSocket(this)),
      m_decoder(m_request.maxBodyBytes, m_request.verb == "HEAD")
{
    m_result.url = m_request.url;
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);   // a coarse one may fire 5 % before the deadline
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(HttpResult::Failure::Timeout, deadlineError(m_request.url, m_request.timeoutMs, m_decoder.bytesFed() > 0));
    });
    // Polling loopback services: no proxy, ever (a system proxy would turn 127.0.0.1 into a hop).
    m_socket->setProxy(QNetworkProxy::NoProxy);
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket)) {
        tls->setSslConfiguration(m_request.ssl);
        connect(tls, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) { m_sslErrors = errors; });
        connect(tls, &QSslSocket::encrypted, this, &HttpExchange::sendRequest);
    } else {
        connect(m_socket, &QTcpSocket::connected, this, &HttpExchange::sendRequest);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpExchange::onReadable);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpExchange::onClosed);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
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
        case QAbstractSocket::HostNotFoundError:
            fail(HttpResult::Failure::Unreachable, m_socketError);
            break;
        default:
            fail(HttpResult::Failure::Other, m_socketError);
            break;
        }
    });
}

bool HttpExchange::isTls() const
{
    return qobject_cast<const QSslSocket *>(m_socket) != nullptr;
}

void HttpExchange::sendRequest()
{
    QByteArray head = m_request.verb + ' ' + requestTarget(m_request.url) + " HTTP/1.1\r\nHost: "
            + authorityOf(m_request.url, QUrl::FullyEncoded).toUtf8() + "\r\nConnection: close\r\n";
    for (const auto &[name, value] : std::as_const(m_request.headers))
        head += name + ": " + value + "\r\n";
    if (!m_request.body.isEmpty() || m_request.verb != "GET")
        head += "Content-Length: " + QByteArray::number(m_request.body.size()) + "\r\n";
    m_socket->write(head + "\r\n" + m_request.body);
}

void HttpExchange::start()
{
    if (m_request.timeoutMs <= 0)
        m_request.timeoutMs = HttpClient::kDefaultTimeoutMs;
    m_deadline.start(m_request.timeoutMs);
    if (auto *tls = qobject_cast<QSslSocket *>(m_socket))
        tls->connectToHostEncrypted(m_request.url.host(), quint16(m_request.url.port(443)));
    else
        m_socket->connectToHost(m_request.url.host(), quint16(m_request.url.port(80)));
}

void HttpExchange::onReadable()
{
    if (m_done)
        return;
    const auto state = m_decoder.feed(m_socket->readAll());
    if (m_request.streaming && state != HttpResponseDecoder::State::Error && m_decoder.headComplete()) {
        if (!m_streamOpen) {
            m_streamOpen = true;
            m_result.status = m_decoder.status();
            if (m_decoder.status() >= 200 && m_decoder.status() < 300)
                m_deadline.stop();
            emit headArrived(m_decoder.status());
        }
        if (m_decoder.status() >= 200 && m_decoder.status() < 300 && !m_decoder.body().isEmpty())
            emit bodyArrived(m_decoder.takeArrivedBody());
        if (m_done)   // a receiver may have ended the exchange
            return;
    }
    judge(state);
}

void HttpExchange::onClosed()
{
    if (m_done)
        return;
    m_decoder.feed(m_socket->readAll());
    if (m_streamOpen && m_decoder.status() >= 200 && m_decoder.status() < 300 && !m_decoder.body().isEmpty())
        emit bodyArrived(m_decoder.takeArrivedBody());
    if (m_done)
        return;
    if (m_decoder.state() == HttpResponseDecoder::State::NeedMore && m_decoder.bytesFed() == 0) {
        // A server that wants TLS typically drops a plain request without a word.
        fail(HttpResult::Failure::Other, QStringLiteral("%1 closed the connection before answering%2%3")
                                                 .arg(authorityOf(m_request.url),
                                                      m_socketError.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_socketError),
                                                      isTls() ? QString() : QStringLiteral(" — if it serves https, use an https:// URL")));
        return;
    }
    judge(m_decoder.finish());   // the end of a close-delimited body, or an answer cut short
}

void HttpExchange::judge(HttpResponseDecoder::State state)
{
    const QString where = authorityOf(m_request.url);
    switch (state) {
    case HttpResponseDecoder::State::NeedMore:
        return;
    case HttpResponseDecoder::State::Done:
        succeed();
        return;
    case HttpResponseDecoder::State::Error:
        break;
    }
    switch (m_decoder.failure()) {
    case HttpResponseDecoder::Failure::TooLarge:
        fail(HttpResult::Failure::TooLarge, QStringLiteral("answer from %1 is too large: %2").arg(where, m_decoder.error()));
        break;
    case HttpResponseDecoder::Failure::Truncated:
        fail(HttpResult::Failure::Other, QStringLiteral("%1 ended its answer early: %2").arg(where, m_decoder.error()));
        break;
    case HttpResponseDecoder::Failure::Malformed:
    case HttpResponseDecoder::Failure::None:
        fail(HttpResult::Failure::Other, QStringLiteral("malformed HTTP answer from %1: %2 — is that port serving the "
                                                        "service you meant?").arg(where, m_decoder.error()));
        break;
    }
}

void HttpExchange::succeed()
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    m_result.status = m_decoder.status();
    m_result.body = m_decoder.takeBody();
    m_socket->abort();   // releases a server waiting for our close_notify (https)
    emit finished();
}

void HttpExchange::fail(HttpResult::Failure failure, const QString &error)
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    m_result.failure = failure;
    m_result.error = error;
    m_result.status = 0;
    m_socket->abort();
    emit finished();
}

} // namespace pgha::svc

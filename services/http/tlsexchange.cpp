#include "tlsexchange.h"

#include <QNetworkProxy>
#include <QSslSocket>

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

TlsExchange::TlsExchange(Request request, QObject *parent)
    : QObject(parent), m_request(std::move(request)), m_socket(new QSslSocket(this)),
      m_decoder(m_request.maxBodyBytes, m_request.verb == "HEAD")
{
    m_result.url = m_request.url;
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);   // a coarse one may fire 5 % before the deadline
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(HttpResult::Failure::Timeout, deadlineError(m_request.url, m_request.timeoutMs, m_decoder.bytesFed() > 0));
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
    if (m_request.timeoutMs <= 0)
        m_request.timeoutMs = HttpClient::kDefaultTimeoutMs;
    m_deadline.start(m_request.timeoutMs);
    m_socket->connectToHostEncrypted(m_request.url.host(), quint16(m_request.url.port(443)));
}

void TlsExchange::onReadable()
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

void TlsExchange::onClosed()
{
    if (m_done)
        return;
    m_decoder.feed(m_socket->readAll());
    if (m_streamOpen && m_decoder.status() >= 200 && m_decoder.status() < 300 && !m_decoder.body().isEmpty())
        emit bodyArrived(m_decoder.takeArrivedBody());
    if (m_done)
        return;
    if (m_decoder.state() == HttpResponseDecoder::State::NeedMore && m_decoder.bytesFed() == 0) {
        fail(HttpResult::Failure::Other, QStringLiteral("%1 closed the connection before answering%2")
                                                 .arg(m_request.url.authority(),
                                                      m_socketError.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_socketError)));
        return;
    }
    judge(m_decoder.finish());   // the end of a close-delimited body, or an answer cut short
}

void TlsExchange::judge(HttpResponseDecoder::State state)
{
    const QString where = m_request.url.authority();
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

void TlsExchange::succeed()
{
    if (m_done)
        return;
    m_done = true;
    m_deadline.stop();
    m_result.status = m_decoder.status();
    m_result.body = m_decoder.takeBody();
    m_socket->abort();   // releases a server waiting for our close_notify
    emit finished();
}

void TlsExchange::fail(HttpResult::Failure failure, const QString &error)
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

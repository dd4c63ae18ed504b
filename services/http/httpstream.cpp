#include "httpstream.h"

#include "http/tlsexchange.h"

#include <QNetworkReply>

#include <utility>

namespace pgha::svc {

namespace {
bool is2xx(int status) { return status >= 200 && status < 300; }
} // namespace

HttpStream::HttpStream(const QUrl &url, int openTimeoutMs, QObject *parent)
    : QObject(parent), m_url(url), m_openTimeoutMs(openTimeoutMs > 0 ? openTimeoutMs : HttpClient::kDefaultTimeoutMs)
{
    m_clock.start();
    m_openDeadline.setSingleShot(true);
    m_openDeadline.setTimerType(Qt::PreciseTimer);
    connect(&m_openDeadline, &QTimer::timeout, this, [this] {
        m_deadlineMissed = true;
        if (m_reply)
            m_reply->abort();   // finished() follows and reports the deadline
        else
            finish({m_url, 0, deadlineError(m_url, m_openTimeoutMs, false), {}, m_clock.elapsed(), HttpResult::Failure::Timeout});
    });
    m_openDeadline.start(m_openTimeoutMs);
}

HttpStream::~HttpStream()
{
    abort();
}

void HttpStream::abort()
{
    m_done = true;
    m_openDeadline.stop();
    if (QNetworkReply *reply = std::exchange(m_reply, nullptr)) {
        reply->disconnect(this);
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        reply->deleteLater();
    }
    if (TlsExchange *exchange = std::exchange(m_exchange, nullptr)) {
        exchange->disconnect(this);
        exchange->deleteLater();
    }
}

void HttpStream::attach(QNetworkReply *reply)
{
    // The reply stays the manager's child: a manager destroyed first (the application closing)
    // takes its replies along, and this stream must then not touch it.
    m_reply = reply;
    connect(reply, &QObject::destroyed, this, [this] { m_reply = nullptr; });
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (is2xx(status) && !m_open) {
            m_open = true;
            m_openDeadline.stop();
            emit opened();
        }
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply] {
        const QByteArray bytes = reply->readAll();
        if (m_open) {
            emit bytesArrived(bytes);
        } else if (m_errorBody.size() < kMaxErrorBodyBytes) {
            m_errorBody += bytes.left(kMaxErrorBodyBytes - m_errorBody.size());
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        HttpResult r;
        r.url = m_url;
        r.elapsedMs = m_clock.elapsed();
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto error = reply->error();
        if (m_deadlineMissed) {
            r.error = deadlineError(m_url, m_openTimeoutMs, r.status != 0);
            r.failure = HttpResult::Failure::Timeout;
            r.status = 0;
        } else if (error != QNetworkReply::NoError && (r.status == 0 || m_open)) {
            // A 4xx/5xx is an answer (its status says it); a break after a 2xx head is the stream's end.
            r.error = m_open ? QStringLiteral("the stream from %1 broke: %2").arg(m_url.authority(), reply->errorString())
                             : reply->errorString();
            r.failure = error == QNetworkReply::ConnectionRefusedError ? HttpResult::Failure::Refused
                        : error == QNetworkReply::HostNotFoundError    ? HttpResult::Failure::Unreachable
                                                                       : HttpResult::Failure::Other;
        }
        if (!is2xx(r.status))
            r.body = m_errorBody;
        finish(r);
    });
}

void HttpStream::attach(TlsExchange *exchange)
{
    m_exchange = exchange;
    exchange->setParent(this);
    connect(exchange, &TlsExchange::headArrived, this, [this](int status) {
        if (is2xx(status)) {
            m_open = true;
            m_openDeadline.stop();
            emit opened();
        }
    });
    connect(exchange, &TlsExchange::bodyArrived, this, &HttpStream::bytesArrived);
    connect(exchange, &TlsExchange::finished, this, [this, exchange] {
        HttpResult r = exchange->result();
        r.elapsedMs = m_clock.elapsed();
        if (!r.error.isEmpty() && m_open)
            r.error = QStringLiteral("the stream from %1 broke: %2").arg(m_url.authority(), r.error);
        finish(r);
    });
    exchange->start();
}

void HttpStream::failToOpen(const QString &error)
{
    // Still asynchronous: the owner connects to ended() after openStream() returns.
    QTimer::singleShot(0, this, [this, error] {
        finish({m_url, 0, error, {}, m_clock.elapsed(), HttpResult::Failure::Setup});
    });
}

void HttpStream::finish(HttpResult result)
{
    if (m_done)
        return;
    m_done = true;
    m_open = false;
    m_openDeadline.stop();
    if (QNetworkReply *reply = std::exchange(m_reply, nullptr))
        reply->deleteLater();
    if (TlsExchange *exchange = std::exchange(m_exchange, nullptr))
        exchange->deleteLater();
    emit ended(result);
}

} // namespace pgha::svc

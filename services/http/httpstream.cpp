#include "httpstream.h"

#include "http/httpexchange.h"

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
    if (HttpExchange *exchange = std::exchange(m_exchange, nullptr)) {
        exchange->disconnect(this);
        exchange->deleteLater();
    }
}

void HttpStream::attach(HttpExchange *exchange)
{
    m_exchange = exchange;
    exchange->setParent(this);
    connect(exchange, &HttpExchange::headArrived, this, [this](int status) {
        if (is2xx(status)) {
            m_open = true;
            m_openDeadline.stop();
            emit opened();
        }
    });
    connect(exchange, &HttpExchange::bodyArrived, this, &HttpStream::bytesArrived);
    connect(exchange, &HttpExchange::finished, this, [this, exchange] {
        HttpResult r = exchange->result();
        r.elapsedMs = m_clock.elapsed();
        if (!r.error.isEmpty() && m_open)
            r.error = QStringLiteral("the stream from %1 broke: %2").arg(authorityOf(m_url), r.error);
        if (!is2xx(r.status))
            r.body.truncate(kMaxErrorBodyBytes);
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
    if (HttpExchange *exchange = std::exchange(m_exchange, nullptr))
        exchange->deleteLater();
    emit ended(result);
}

} // namespace pgha::svc

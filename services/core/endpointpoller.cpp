#include "endpointpoller.h"

#include <QDateTime>

#include <algorithm>
#include <utility>

namespace pgha::svc {

namespace {
constexpr int kMinTimeoutMs = 300;
constexpr int kMaxTimeoutMs = 3000;
constexpr int kTimeoutMarginMs = 100;
}

EndpointPoller::EndpointPoller(HttpClient *http, QString sourceKind, QObject *parent)
    : QObject(parent), m_http(http), m_kind(std::move(sourceKind))
{
    m_timer.setInterval(kDefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &EndpointPoller::startRound);
}

void EndpointPoller::setEndpoints(const QList<Endpoint> &endpoints)
{
    ++m_generation;   // late replies for the old list are dropped
    m_endpointList = endpoints;
    const QList<State> previous = std::exchange(m_states, {});
    m_roundErrors.clear();
    m_pending = 0;
    for (const auto &e : endpoints) {
        const auto kept = std::find_if(previous.cbegin(), previous.cend(), [&e](const State &p) {
            return p.endpoint.label == e.label && p.endpoint.baseUrl == e.baseUrl;
        });
        if (kept != previous.cend()) {
            State s = *kept;
            s.inFlight = false;
            m_states.append(s);
            continue;
        }
        State s;
        s.endpoint = e;
        s.health.id = m_kind + QLatin1Char(':') + e.label;
        s.health.label = displayLabel(e.label);
        s.health.url = e.baseUrl;
        s.health.intervalMs = m_timer.interval();
        m_states.append(s);
    }
    endpointsChanged();
}

void EndpointPoller::setMinimumIntervalMs(int ms)
{
    m_minIntervalMs = ms;
    setIntervalMs(m_timer.interval());
}

void EndpointPoller::setIntervalMs(int ms)
{
    ms = std::max(ms, m_minIntervalMs);
    m_timer.setInterval(ms);
    for (auto &s : m_states)
        s.health.intervalMs = ms;
}

void EndpointPoller::start()
{
    m_timer.start();
    startRound();
}

void EndpointPoller::stop()
{
    m_timer.stop();
    ++m_generation;
    m_pending = 0;
    for (auto &s : m_states)
        s.inFlight = false;
}

void EndpointPoller::pollOnce()
{
    startRound();
}

QList<SourceHealth> EndpointPoller::health() const
{
    QList<SourceHealth> out;
    for (const auto &s : m_states)
        out.append(s.health);
    return out;
}

int EndpointPoller::timeoutMs() const
{
    return std::clamp(m_timer.interval() - kTimeoutMarginMs, kMinTimeoutMs, kMaxTimeoutMs);
}

void EndpointPoller::startRound()
{
    if (m_pending > 0)
        return;   // the previous round is still out: never overlap
    m_roundErrors.clear();
    m_answered = 0;
    if (m_states.isEmpty()) {
        emit roundFinished(false, QStringLiteral("no %1 endpoint is configured").arg(m_kind));
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<int> due;
    for (int i = 0; i < m_states.size(); ++i)
        if (!m_states[i].inFlight && now >= m_states[i].nextAllowedMs)
            due.append(i);
    roundStarting();
    if (due.isEmpty()) {
        roundComplete();
        emit roundFinished(false, QStringLiteral("every %1 endpoint is backing off after failures").arg(m_kind));
        return;
    }
    m_pending = static_cast<int>(due.size());
    for (int i : due) {
        m_states[i].inFlight = true;
        fetch(i, m_generation);
    }
}

void EndpointPoller::finishEndpoint(int index, quint64 generation, qint64 latencyMs, const QString &error)
{
    if (generation != m_generation || index < 0 || index >= m_states.size())
        return;
    auto &s = m_states[index];
    s.inFlight = false;
    s.health.everPolled = true;
    s.health.latencyMs = latencyMs;
    if (error.isEmpty()) {
        s.health.reachable = true;
        s.health.lastError.clear();
        s.health.lastSuccessMs = QDateTime::currentMSecsSinceEpoch();
        s.health.consecutiveFailures = 0;
        s.nextAllowedMs = 0;
        ++m_answered;
    } else {
        s.health.reachable = false;
        s.health.lastError = error;
        ++s.health.consecutiveFailures;
        // Back off: 1, 2, 4 … intervals, capped, so a dead endpoint is not hammered.
        const int shift = std::min(s.health.consecutiveFailures - 1, 6);
        const qint64 delay = std::min<qint64>(qint64(m_timer.interval()) << shift, kMaxBackoffMs);
        s.nextAllowedMs = QDateTime::currentMSecsSinceEpoch() + delay - m_timer.interval() / 2;
        m_roundErrors.append(s.endpoint.label + QStringLiteral(": ") + error);
    }
    emit healthChanged(s.health);
    if (--m_pending == 0) {
        roundComplete();
        emit roundFinished(m_answered > 0, m_roundErrors.join(QStringLiteral("; ")));
    }
}

} // namespace pgha::svc

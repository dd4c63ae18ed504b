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
    m_clock.start();
    connect(&m_timer, &QTimer::timeout, this, &EndpointPoller::onTick);
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
            s.countedInRound = false;
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
    for (auto &s : m_states) {
        s.inFlight = false;
        s.countedInRound = false;
    }
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

void EndpointPoller::onTick()
{
    if (m_pending > 0) {
        // A round pollOnce() started just before this tick is still inside its requests' deadline.
        if (m_clock.elapsed() - m_roundStartedMs < timeoutMs())
            return;
        closeRound(m_clock.elapsed());
    }
    startRound();
}

void EndpointPoller::closeRound(qint64 nowMs)
{
    for (auto &s : m_states) {
        if (!s.countedInRound)
            continue;
        s.countedInRound = false;   // its answer, when it comes, updates its health only
        m_roundErrors.append(QStringLiteral("%1: no answer in this round (%2 ms)").arg(s.endpoint.label).arg(nowMs - s.fetchStartedMs));
    }
    m_pending = 0;
    emitRoundFinished();
}

void EndpointPoller::reportStillBusy(State &s, qint64 nowMs)
{
    s.health.everPolled = true;
    s.health.reachable = false;
    s.health.lastError = QStringLiteral("still answering the previous request after %1 ms").arg(nowMs - s.fetchStartedMs);
    ++s.health.consecutiveFailures;   // too slow for the interval: the backoff polls it less often
    m_roundErrors.append(s.endpoint.label + QStringLiteral(": ") + s.health.lastError);
    emit healthChanged(s.health);
}

void EndpointPoller::emitRoundFinished()
{
    roundComplete();
    emit roundFinished(m_answered > 0, m_roundErrors.join(QStringLiteral("; ")));
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
    m_roundStartedMs = m_clock.elapsed();
    QList<int> due;
    for (int i = 0; i < m_states.size(); ++i) {
        State &s = m_states[i];
        if (s.inFlight)
            reportStillBusy(s, m_roundStartedMs);   // left out: one slow endpoint never holds up the others
        else if (now >= s.nextAllowedMs)
            due.append(i);
    }
    roundStarting();
    if (due.isEmpty()) {
        roundComplete();
        emit roundFinished(false, m_roundErrors.isEmpty()
                                   ? QStringLiteral("every %1 endpoint is backing off after failures").arg(m_kind)
                                   : m_roundErrors.join(QStringLiteral("; ")));
        return;
    }
    m_pending = static_cast<int>(due.size());
    for (int i : due) {
        m_states[i].inFlight = true;
        m_states[i].countedInRound = true;
        m_states[i].fetchStartedMs = m_clock.elapsed();
        fetch(i, m_generation);
    }
}

void EndpointPoller::finishEndpoint(int index, quint64 generation, qint64 latencyMs, const QString &error)
{
    if (generation != m_generation || index < 0 || index >= m_states.size())
        return;
    auto &s = m_states[index];
    // False for an answer that comes after its round finished without it.
    const bool counted = std::exchange(s.countedInRound, false);
    s.inFlight = false;
    s.health.everPolled = true;
    s.health.latencyMs = latencyMs;
    if (error.isEmpty()) {
        s.health.reachable = true;
        s.health.lastError.clear();
        s.health.lastSuccessMs = QDateTime::currentMSecsSinceEpoch();
        s.health.consecutiveFailures = 0;
        s.nextAllowedMs = 0;
        m_answered += counted ? 1 : 0;
    } else {
        s.health.reachable = false;
        s.health.lastError = error;
        ++s.health.consecutiveFailures;
        // Back off: 1, 2, 4 … intervals, capped, so a dead endpoint is not hammered.
        const int shift = std::min(s.health.consecutiveFailures - 1, 6);
        const qint64 delay = std::min<qint64>(qint64(m_timer.interval()) << shift, kMaxBackoffMs);
        s.nextAllowedMs = QDateTime::currentMSecsSinceEpoch() + delay - m_timer.interval() / 2;
        if (counted)
            m_roundErrors.append(s.endpoint.label + QStringLiteral(": ") + error);
    }
    emit healthChanged(s.health);
    if (counted && --m_pending == 0)
        emitRoundFinished();
}

} // namespace pgha::svc

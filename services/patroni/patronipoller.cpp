#include "patronipoller.h"

#include "core/logging.h"
#include "http/httpclient.h"
#include "patroni/patroniparser.h"

#include <QDateTime>

#include <algorithm>

namespace pgha::svc {

namespace {
constexpr int kMinTimeoutMs = 300;
constexpr int kMaxTimeoutMs = 3000;
}

PatroniPoller::PatroniPoller(HttpClient *http, QObject *parent)
    : QObject(parent), m_http(http)
{
    m_timer.setInterval(kDefaultIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &PatroniPoller::startRound);
}

void PatroniPoller::setEndpoints(const QList<Endpoint> &endpoints)
{
    ++m_generation;   // late replies for the old list are dropped
    m_endpoints.clear();
    m_answers.clear();
    m_roundErrors.clear();
    m_pending = 0;
    for (const auto &e : endpoints) {
        EndpointState s;
        s.endpoint = e;
        s.health.id = QStringLiteral("patroni:") + e.label;
        s.health.label = e.label + QStringLiteral(" REST");
        s.health.url = e.baseUrl;
        s.health.intervalMs = m_timer.interval();
        m_endpoints.append(s);
    }
}

void PatroniPoller::setIntervalMs(int ms)
{
    m_timer.setInterval(ms);
    for (auto &s : m_endpoints)
        s.health.intervalMs = ms;
}

void PatroniPoller::start()
{
    m_timer.start();
    startRound();
}

void PatroniPoller::stop()
{
    m_timer.stop();
    ++m_generation;
    m_pending = 0;
    for (auto &s : m_endpoints)
        s.inFlight = false;
}

void PatroniPoller::pollOnce()
{
    startRound();
}

QList<SourceHealth> PatroniPoller::health() const
{
    QList<SourceHealth> out;
    for (const auto &s : m_endpoints)
        out.append(s.health);
    return out;
}

int PatroniPoller::timeoutMs() const
{
    return std::clamp(m_timer.interval() - 100, kMinTimeoutMs, kMaxTimeoutMs);
}

void PatroniPoller::startRound()
{
    if (m_pending > 0)
        return;   // the previous round is still out: never overlap
    m_answers.clear();
    m_roundErrors.clear();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const quint64 generation = m_generation;
    QList<int> due;
    for (int i = 0; i < m_endpoints.size(); ++i)
        if (!m_endpoints[i].inFlight && now >= m_endpoints[i].nextAllowedMs)
            due.append(i);
    if (due.isEmpty()) {
        if (m_endpoints.isEmpty())
            emit roundFinished(false, QStringLiteral("no Patroni REST endpoint is configured in the profile"));
        else
            finishRound();
        return;
    }
    m_pending = static_cast<int>(due.size());
    for (int i : due) {
        m_endpoints[i].inFlight = true;
        QUrl url = m_endpoints[i].endpoint.baseUrl;
        url.setPath(QStringLiteral("/cluster"));
        m_http->get(url, timeoutMs(), this, [this, i, generation](const HttpResult &r) {
            if (generation != m_generation || i >= m_endpoints.size())
                return;
            auto &s = m_endpoints[i];
            s.inFlight = false;
            s.health.everPolled = true;
            s.health.latencyMs = r.elapsedMs;
            QString error;
            if (!r.transportOk()) {
                error = r.error;
            } else if (!r.isSuccess()) {
                error = QStringLiteral("HTTP %1 from %2/cluster").arg(r.status).arg(r.url.authority());
            } else {
                auto parsed = parsePatroniCluster(r.body);
                if (parsed) {
                    ClusterSnapshot snap = std::move(parsed).value();
                    snap.sourceUrl = r.url.toString();
                    snap.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
                    m_answers.append({s.endpoint.label, std::move(snap)});
                } else {
                    error = parsed.error().toString();
                }
            }
            if (error.isEmpty()) {
                s.health.reachable = true;
                s.health.lastError.clear();
                s.health.lastSuccessMs = QDateTime::currentMSecsSinceEpoch();
                s.health.consecutiveFailures = 0;
                s.nextAllowedMs = 0;
            } else {
                s.health.reachable = false;
                s.health.lastError = error;
                ++s.health.consecutiveFailures;
                // Back off: 1, 2, 4 … intervals, capped, so a dead member is not hammered.
                const int shift = std::min(s.health.consecutiveFailures - 1, 6);
                const qint64 delay = std::min<qint64>(qint64(m_timer.interval()) << shift, kMaxBackoffMs);
                s.nextAllowedMs = QDateTime::currentMSecsSinceEpoch() + delay - m_timer.interval() / 2;
                m_roundErrors.append(s.endpoint.label + QStringLiteral(": ") + error);
                qCDebug(lcPatroni) << s.endpoint.label << error;
            }
            emit healthChanged(s.health);
            if (--m_pending == 0)
                finishRound();
        });
    }
}

void PatroniPoller::finishRound()
{
    if (m_answers.isEmpty()) {
        emit roundFinished(false, m_roundErrors.isEmpty()
                                   ? QStringLiteral("every Patroni REST API is backing off after failures")
                                   : m_roundErrors.join(QStringLiteral("; ")));
        return;
    }
    // Prefer the account of a member that says it is the leader itself: it holds the leader key.
    const Answer *best = &m_answers.front();
    for (const auto &a : m_answers) {
        const PatroniMember *l = a.snapshot.leader();
        if (l && l->name == a.label) {
            best = &a;
            break;
        }
    }
    emit snapshotReady(best->snapshot);
    emit roundFinished(true, m_roundErrors.join(QStringLiteral("; ")));
}

} // namespace pgha::svc

#include "readprobe.h"

namespace pgha::svc {

ReadProbe::ReadProbe(PgEndpoint endpoint, QObject *parent) : QObject(parent), m_endpoint(std::move(endpoint))
{
    m_endpoint.applicationName = QStringLiteral("pgha-read-probe");
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ReadProbe::tick);
}

ReadProbe::~ReadProbe()
{
    stop();
}

qint64 ReadProbe::nowMs() const
{
    return m_clock && m_clock->isValid() ? m_clock->elapsed() : 0;
}

void ReadProbe::start(const QElapsedTimer *clock)
{
    if (m_running)
        return;
    m_running = true;
    if (clock) {
        m_clock = clock;
    } else {
        m_ownClock.start();
        m_clock = &m_ownClock;
    }
    m_answers.clear();
    m_timer.start(m_intervalMs);
    tick();
}

void ReadProbe::stop()
{
    m_running = false;
    m_timer.stop();
    discardQuery(m_query, this);
    m_busy = false;
}

void ReadProbe::tick()
{
    if (!m_running || m_busy)
        return;
    if (!m_query) {
        m_query = new PgQuery(m_endpoint, QStringLiteral("SELECT inet_server_port(), pg_is_in_recovery(), coalesce(host(inet_server_addr()), '')"), kReadTimeoutMs, this);
        // A new connection for every read, as a client of a pool does: HAProxy spreads them over
        // the replicas, so a dead one shows until HAProxy marks it DOWN. (A kept connection would
        // stay on one replica and never see the other one fail.)
        m_query->setKeepOpen(false);
        connect(m_query, &PgQuery::finished, this, &ReadProbe::onFinished);
    }
    m_busy = true;
    m_query->start();
}

void ReadProbe::onFinished(const PgResult &r)
{
    m_busy = false;
    Answer a;
    a.atMs = nowMs();
    a.ok = r.ok && !r.rows.isEmpty();
    if (a.ok) {
        a.serverPort = r.rows.front().value(0).toInt();
        a.serverAddress = r.rows.front().value(2);
        a.inRecovery = r.rows.front().value(1) == u"t";
    } else {
        a.error = r.ok ? QStringLiteral("no row") : r.error;
    }
    m_answers.append(a);
    emit answered(a);
}

int ReadProbe::okCount() const
{
    return static_cast<int>(std::count_if(m_answers.cbegin(), m_answers.cend(), [](const Answer &a) { return a.ok; }));
}

qint64 ReadProbe::longestGapMs(qint64 sinceMs) const
{
    qint64 longest = -1;
    qint64 lastOk = -1;
    for (const Answer &a : m_answers) {
        if (lastOk >= 0 && a.atMs >= sinceMs)
            longest = std::max(longest, a.atMs - lastOk);
        if (a.ok)
            lastOk = a.atMs;
    }
    return longest;
}

} // namespace pgha::svc

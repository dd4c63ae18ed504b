#include "writeprobe.h"

#include "core/logging.h"

#include <QDateTime>

#include <algorithm>

namespace pgha::svc {

WriteProbe::WriteProbe(PgEndpoint endpoint, QObject *parent) : QObject(parent), m_endpoint(std::move(endpoint))
{
    m_endpoint.applicationName = QStringLiteral("pgha-write-probe");
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &WriteProbe::tick);
}

WriteProbe::~WriteProbe()
{
    stop();
}

void WriteProbe::start()
{
    if (m_running)
        return;
    m_running = true;
    m_clock.start();
    // Ids stay unique across runs on the same table: they start at the wall clock in ms.
    m_idBase = QDateTime::currentMSecsSinceEpoch() * 1000;
    m_nextId = 1;
    m_acked = m_failed = 0;
    m_lastAckMs = -1;
    m_acks.clear();
    m_timer.start(m_intervalMs);
    tick();
}

void WriteProbe::stop()
{
    m_running = false;
    m_timer.stop();
    discardQuery(m_query, this);
    m_busy = false;
}

void WriteProbe::tick()
{
    if (!m_running || m_busy)
        return;   // one write in flight at a time: a stuck write delays the next, as for a client
    if (!m_query) {
        m_query = new PgQuery(m_endpoint, QString(), kWriteTimeoutMs, this);
        m_query->setKeepOpen(true);
        // No server-side statement_timeout: when it fires while a commit waits for a synchronous
        // standby, PostgreSQL reports the commit as done (with a warning) although no standby has
        // it, and the probe would count a write as acknowledged that a failover may lose. The
        // client-side deadline alone abandons a stuck write without ever seeing it succeed.
        m_query->setSendStatementTimeout(false);
        connect(m_query, &PgQuery::finished, this, &WriteProbe::onFinished);
    }
    m_sentId = m_idBase + m_nextId++;
    m_sentAtMs = nowMs();
    const QString insert = QStringLiteral("INSERT INTO %1 (id) VALUES (%2) ON CONFLICT (id) DO NOTHING "
                                          "RETURNING pg_current_wal_lsn()::text")
                               .arg(QLatin1String(kTable)).arg(m_sentId);
    QStringList queries;
    if (!m_tableReady)
        queries << QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (id bigint PRIMARY KEY, "
                                  "at timestamptz NOT NULL DEFAULT clock_timestamp())").arg(QLatin1String(kTable));
    queries << insert;
    m_query->setQueries(queries);
    m_busy = true;
    m_query->start();
}

void WriteProbe::onFinished(const PgResult &r)
{
    m_busy = false;
    const qint64 at = nowMs();
    if (r.ok) {
        m_tableReady = true;
        ++m_acked;
        m_lastAckMs = at;
        m_acks.append({m_sentId, at, r.rows.isEmpty() ? QString() : r.rows.front().value(0), m_sentAtMs});
        emit acknowledged(m_sentId, at);
    } else {
        ++m_failed;
        m_lastError = r.error;
        qCDebug(lcActions) << "write probe:" << r.error;
        // A read-only answer or a broken session: start over on a new connection next time.
        discardQuery(m_query, this);
        emit writeFailed(m_sentId, at, r.error);
    }
}

qint64 WriteProbe::longestGapMs(qint64 sinceMs) const
{
    if (m_acks.isEmpty())
        return -1;
    qint64 longest = 0;
    for (qsizetype i = 1; i < m_acks.size(); ++i)
        if (m_acks[i].atMs >= sinceMs)
            longest = std::max(longest, m_acks[i].atMs - m_acks[i - 1].atMs);
    if (m_running)
        longest = std::max(longest, nowMs() - m_acks.back().atMs);
    return longest;
}

const WriteProbe::Ack *WriteProbe::firstAckFrom(qint64 ms) const
{
    const auto it = std::lower_bound(m_acks.cbegin(), m_acks.cend(), ms,
                                     [](const Ack &a, qint64 t) { return a.atMs < t; });
    return it == m_acks.cend() ? nullptr : &*it;
}

const WriteProbe::Ack *WriteProbe::lastAckBefore(qint64 ms) const
{
    const auto it = std::lower_bound(m_acks.cbegin(), m_acks.cend(), ms,
                                     [](const Ack &a, qint64 t) { return a.atMs < t; });
    return it == m_acks.cbegin() ? nullptr : &*std::prev(it);
}

} // namespace pgha::svc

#include "writeprobe.h"

#include "core/logging.h"

#include <QDateTime>

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
    m_ackTimes.clear();
    m_timer.start(m_intervalMs);
    tick();
}

void WriteProbe::stop()
{
    m_running = false;
    m_timer.stop();
    if (m_query) {
        m_query->disconnect(this);
        m_query->cancel();
        m_query->deleteLater();
        m_query = nullptr;
    }
    m_busy = false;
}

void WriteProbe::tick()
{
    if (!m_running || m_busy)
        return;   // one write in flight at a time: a stuck write delays the next, as for a client
    if (!m_query) {
        m_query = new PgQuery(m_endpoint, QString(), kWriteTimeoutMs, this);
        m_query->setKeepOpen(true);
        connect(m_query, &PgQuery::finished, this, &WriteProbe::onFinished);
    }
    m_sentId = m_idBase + m_nextId++;
    const QString insert = QStringLiteral("INSERT INTO %1 (id) VALUES (%2) ON CONFLICT (id) DO NOTHING")
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
        m_ackTimes.append(at);
        emit acknowledged(m_sentId, at);
    } else {
        ++m_failed;
        m_lastError = r.error;
        qCDebug(lcActions) << "write probe:" << r.error;
        // A read-only answer or a broken session: start over on a new connection next time.
        m_query->disconnect(this);
        m_query->deleteLater();
        m_query = nullptr;
        emit writeFailed(m_sentId, at, r.error);
    }
}

qint64 WriteProbe::longestGapMs(qint64 sinceMs) const
{
    if (m_ackTimes.isEmpty())
        return -1;
    qint64 longest = 0;
    for (qsizetype i = 1; i < m_ackTimes.size(); ++i)
        if (m_ackTimes[i] >= sinceMs)
            longest = std::max(longest, m_ackTimes[i] - m_ackTimes[i - 1]);
    if (m_running)
        longest = std::max(longest, nowMs() - m_ackTimes.back());
    return longest;
}

} // namespace pgha::svc

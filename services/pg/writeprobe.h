#pragma once

#include "pg/pgquery.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace pgha::svc {

// Writes one row with a monotonic id through a read-write entry point (HAProxy, Pgpool, a
// PgBouncer …) every interval, on one kept connection that is replaced when it breaks, and
// times every acknowledgement on one monotonic clock. What a client of the cluster sees while
// an action or a fault runs: the longest time between two acknowledged writes is the write gap.
class WriteProbe : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 100;
    static constexpr int kWriteTimeoutMs = 1000;   // a write stuck longer is abandoned and retried
    static constexpr const char *kTable = "pgha_probe";

    explicit WriteProbe(PgEndpoint endpoint, QObject *parent = nullptr);
    ~WriteProbe() override;

    void setIntervalMs(int ms) { m_intervalMs = ms; }
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    // Figures since start(), on the probe's clock (ms since start()).
    qint64 nowMs() const { return m_clock.isValid() ? m_clock.elapsed() : 0; }
    const QElapsedTimer *clock() const { return &m_clock; }
    int acknowledgedCount() const { return m_acked; }
    int failedCount() const { return m_failed; }
    qint64 lastAckMs() const { return m_lastAckMs; }
    // Longest interval between two consecutive acknowledged writes after `sinceMs` (the interval
    // that contains `sinceMs` counts); an unanswered tail counts up to now. -1 before any ack.
    qint64 longestGapMs(qint64 sinceMs = 0) const;
    QString lastError() const { return m_lastError; }

    // Every acknowledged write: its id, when the acknowledgement came (probe clock) and the
    // primary's WAL position at the insert. What a client was told is durable.
    struct Ack {
        qint64 id = 0;
        qint64 atMs = 0;
        QString lsn;
        qint64 sentMs = 0;   // when the write was sent: atMs − sentMs is how long it waited
    };
    const QList<Ack> &acks() const { return m_acks; }
    // The first acknowledgement at or after `ms`, and the last one before it (nullptr if none).
    const Ack *firstAckFrom(qint64 ms) const;
    const Ack *lastAckBefore(qint64 ms) const;
    // Writes sent (answered or not) since start().
    int sentCount() const { return static_cast<int>(m_nextId - 1); }

signals:
    void acknowledged(qint64 id, qint64 atMs);
    void writeFailed(qint64 id, qint64 atMs, const QString &error);

private:
    void tick();
    void onFinished(const PgResult &r);

    PgEndpoint m_endpoint;
    PgQuery *m_query = nullptr;
    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_intervalMs = kDefaultIntervalMs;
    bool m_running = false;
    bool m_busy = false;
    bool m_tableReady = false;
    qint64 m_nextId = 1;
    qint64 m_sentId = 0;
    qint64 m_sentAtMs = 0;
    qint64 m_idBase = 0;
    int m_acked = 0;
    int m_failed = 0;
    qint64 m_lastAckMs = -1;
    QList<Ack> m_acks;           // every ack, in order: gaps after any point in time, RPO
    QString m_lastError;
};

} // namespace pgha::svc

#pragma once

#include "pg/pgquery.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace pgha::svc {

// Reads through a read-only entry point every interval, each time on a new connection, and records which server answered (its port) and whether it was in recovery. What a
// reporting client sees while a fault runs: read availability.
class ReadProbe : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 100;
    static constexpr int kReadTimeoutMs = 1000;

    struct Answer {
        qint64 atMs = 0;
        bool ok = false;
        int serverPort = 0;        // inet_server_port() of the PostgreSQL that answered
        QString serverAddress;     // inet_server_addr() of it ("" over a Unix socket)
        bool inRecovery = false;
        QString error;
    };

    explicit ReadProbe(PgEndpoint endpoint, QObject *parent = nullptr);
    ~ReadProbe() override;

    void setIntervalMs(int ms) { m_intervalMs = ms; }
    // The probe's clock starts at `clock` (one monotonic clock with a write probe), or now.
    void start(const QElapsedTimer *clock = nullptr);
    void stop();

    const QList<Answer> &answers() const { return m_answers; }
    int okCount() const;
    // Longest time without a successful read after `sinceMs` (an unanswered tail counts up to
    // the last attempt). -1 before any successful read.
    qint64 longestGapMs(qint64 sinceMs = 0) const;

signals:
    void answered(const pgha::svc::ReadProbe::Answer &answer);

private:
    void tick();
    void onFinished(const PgResult &r);
    qint64 nowMs() const;

    PgEndpoint m_endpoint;
    PgQuery *m_query = nullptr;
    QTimer m_timer;
    QElapsedTimer m_ownClock;
    const QElapsedTimer *m_clock = nullptr;
    int m_intervalMs = kDefaultIntervalMs;
    bool m_running = false;
    bool m_busy = false;
    QList<Answer> m_answers;
};

} // namespace pgha::svc

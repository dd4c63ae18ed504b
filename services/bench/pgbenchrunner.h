#pragma once

#include "bench/benchrun.h"
#include "process/processrunner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>

namespace pgha::svc {

// Finds pgbench: next to the newest PostgreSQL server programs, else on PATH. Empty with a
// message naming the package when there is none.
Result<QString> locatePgbench();

// Runs the real pgbench asynchronously (never waits on the GUI thread): `-P 1` progress lines
// become samples as they come, the per-transaction `-l` files are read as they grow and merged
// into exact percentiles, and the summary is read at the end. When pgbench exits 2 (its clients
// lost their server: a switchover, a crash) and time remains, it is started again for the rest
// of the duration. stop() ends it with SIGINT and keeps every figure gathered so far.
class PgbenchRunner : public QObject {
    Q_OBJECT
public:
    // Progress lines come every second; the log files are read this often.
    static constexpr int kLogReadIntervalMs = 500;
    // A segment shorter than this is not started again (pgbench needs a second to connect).
    static constexpr int kMinRestartS = 2;
    // A restarted segment that found no server is tried again after this pause.
    static constexpr int kRetryDelayMs = 500;
    // After SIGINT, pgbench gets this long to exit before it is killed.
    static constexpr int kStopGraceMs = 5000;
    // The -l logs are refused a start (and a run is stopped) with less free disk than this.
    static constexpr qint64 kMinFreeDiskBytes = 64 * 1024 * 1024;
    // Bytes one transaction takes in a -l log, measured on pgbench 15 here (31.5 on average).
    static constexpr double kLogBytesPerTransaction = 31.5;
    // pgbench is saturating its threads above this share of threads × one core.
    static constexpr double kSaturatedShare = 0.9;

    explicit PgbenchRunner(QObject *parent = nullptr);
    ~PgbenchRunner() override;

    // `pgbench` is its path (locatePgbench()); `workDir` holds the -l files while the run lasts
    // (they are deleted at the end).
    void run(const QString &pgbench, const BenchTarget &target, const BenchWorkload &workload, const QString &workDir,
             const QString &label = {});
    // pgbench -i -s SCALE into the target's database.
    void init(const QString &pgbench, const BenchTarget &target, int scale, const QString &workDir);
    void stop();
    bool isRunning() const;

signals:
    void sample(const pgha::svc::BenchSample &sample);
    // One second's p50/p95/p99 from the -l logs, once every log has moved past that second.
    void latencySecond(const pgha::svc::BenchLatencySecond &second);
    void initProgress(double fraction, const QString &text);
    void finished(const pgha::svc::BenchResult &result);
    // pgbench's own CPU over the last second in % of one core (Linux), and its thread count.
    void loadGeneratorCpu(double percentOfCore, int threads);

private:
    void startSegment(int durationS);
    void onStderrLine(const QByteArray &line);
    void onSegmentDone(const proc::ProcessResult &segment);
    void readLogs(bool final);
    void measureCpu();
    void emitLatencySeconds(const QList<RecentLatencies::Second> &seconds);
    void finish(const QString &error = {});
    QStringList segmentArguments(int durationS) const;
    QProcessEnvironment environment() const;

    QString m_pgbench;
    QString m_workDir;
    QString m_logPrefix;
    bool m_initMode = false;
    int m_scale = 0;
    std::unique_ptr<proc::ProcessRunner> m_process;   // the running segment
    QByteArray m_stderr;
    QElapsedTimer m_clock;
    QTimer m_logTimer;
    BenchResult m_result;
    std::unique_ptr<TxLogAccumulator> m_log;
    std::unique_ptr<RecentLatencies> m_recent;
    struct LogFile {
        qint64 offset = 0;
        qint64 released = 0;       // bytes before this were given back to the file system
        std::unique_ptr<TxLogReader> reader;
    };
    QHash<QString, std::shared_ptr<LogFile>> m_logFiles;
    bool m_running = false;
    // pgbench's CPU: the reading a second ago, and the sum over the run.
    double m_cpuLastS = -1;
    qint64 m_cpuLastMs = 0;
    double m_cpuPercentSum = 0;
    int m_cpuReadings = 0;
    qint64 m_processedTotal = 0;   // pgbench's own "processed" summed over finished segments
};

} // namespace pgha::svc

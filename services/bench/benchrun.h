#pragma once

#include "bench/pgbenchoutput.h"
#include "bench/txlog.h"
#include "pg/pgquery.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// What a benchmark run is asked to do and what it found: value types the runner fills, the CLI
// prints and the store keeps (docs/bench.md).
namespace pgha::svc {

// Where the load goes: an entry point of the profile under the name used everywhere
// ("rw", "ro", "pgpool", "direct", "member:pg2").
struct BenchTarget {
    QString name;
    PgEndpoint endpoint;       // its password never reaches pgbench's command line
    QString passFile;          // a 0600 libpq password file for pgbench (PGPASSFILE); may be empty
    QString path;              // in words: "HAProxy :5000 → PgBouncer → primary"
};

struct BenchWorkload {
    QString builtin = QStringLiteral("select-only");   // tpcb-like, simple-update, select-only; empty with scripts
    QStringList scripts;       // FILE or FILE@WEIGHT
    int clients = 1;
    int threads = 1;
    int durationS = 10;
    std::optional<double> rate;            // -R, transactions per second
    std::optional<double> latencyLimitMs;  // -L
    QString queryMode;                     // -M: simple, extended, prepared ("" = pgbench's default)
    // --sampling-rate: the share of transactions written to the -l logs (0 < r ≤ 1). Percentiles
    // then come from that sample; counts and TPS from pgbench's own totals.
    std::optional<double> samplingRate;

    static bool isBuiltin(const QString &name);
    // Why these settings cannot run, "" when they can.
    QString problem() const;
};

// Latency percentiles of one second, from the -l logs as they grow (t as BenchSample's: the
// end of that second, from the run's start).
struct BenchLatencySecond {
    double t = 0;
    qint64 count = 0;
    double p50Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
};

// One second of a run, t from the run's start (restarted segments joined on the clock).
struct BenchSample {
    double t = 0;
    double tps = 0;
    double latAvgMs = 0;
    double latStddevMs = 0;
    qint64 failed = 0;
};

// Per-second samples kept with a stored run; longer runs keep means over several seconds.
inline constexpr qsizetype kMaxStoredSamples = 3600;

struct BenchResult {
    QString id;                // run id: UTC start time + a random suffix
    QString label;
    QString series;            // the session's id: runs of one `--repeat`/`--clients` session share it
    int repetition = 0;        // 0-based within its configuration
    int warmupS = 0;           // the warm-up run before this configuration (not part of the figures)
    bool cold = false;         // servers restarted (and page cache dropped where possible) before the run
    BenchTarget target;
    BenchWorkload workload;
    QString commandLine;       // as run, never with a password
    QString pgbenchVersion;
    qint64 startedMs = 0;      // UTC epoch ms
    qint64 endedMs = 0;
    QList<BenchSample> samples;
    QList<BenchLatencySecond> latencySeconds;   // from the -l logs (sampled ones with --sampling-rate)
    TxLogStats log;            // exact figures from the -l files
    struct HistogramBin {
        double upToMs = 0;     // latencies ≤ this (and above the previous bin's bound)
        qint64 count = 0;
    };
    QList<HistogramBin> latencyHistogram;   // log-spaced bins from the -l files
    std::optional<PgbenchSummary> lastSummary;   // of the last segment
    double tps = 0;            // see tpsSource
    // "pgbench" (its summary, without connection time: what a shell user reads) for one whole
    // segment; "log" (committed transactions in the -l logs over the time run) when pgbench was
    // restarted or stopped.
    QString tpsSource;
    qint64 transactions = 0;
    qint64 failed = 0;
    int abortedClients = 0;
    int restarts = 0;          // segments started again after pgbench exited 2
    bool stopped = false;      // stopped by the user: figures so far, marked as such
    QString error;             // why the run failed; empty on success
    QStringList answeredBy;    // "127.0.0.1:5433 (primary)" … as the servers said
    QStringList warnings;
    QJsonObject manifest;      // BenchManifest::toJson(): versions, cluster settings, machine
    double loadGenCpuAvg = 0;  // pgbench's CPU, % of one core, over the run (0 = not measured)
    double loadGenCpuMax = 0;  // the busiest second
    qint64 logBytesMax = 0;    // the most disk the -l files held at once

    bool ok() const { return error.isEmpty(); }
    QJsonObject toJson() const;
    // A stored run back (what toJson wrote; the -l figures only as their percentiles).
    static BenchResult fromJson(const QJsonObject &o);
    // Runs that measured the same thing: target, workload, clients, threads, duration, rate,
    // mode, cache state. Repetitions of one configuration share it.
    QString configurationKey() const;
    // In words for tables: "rw · select-only · c8 j2 · 20 s".
    QString configurationText() const;
};

} // namespace pgha::svc

#pragma once

#include "bench/benchrun.h"
#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace pgha::svc {

struct Profile;

// A chaos fault under load: the pgbench workload (the Bench module's) that runs from `leadS`
// before the fault until `tailS` after the cluster is healthy again, beside the probes.
struct ChaosLoad {
    static constexpr int kDefaultLeadS = 10;
    static constexpr int kDefaultTailS = 10;
    // pgbench is asked for this long and stopped (SIGINT) once the tail is over.
    static constexpr int kMaxDurationS = 1800;
    BenchWorkload workload;
    BenchTarget target;        // where pgbench connects (the profile's read-write entry by default)
    int leadS = kDefaultLeadS;
    int tailS = kDefaultTailS;
};

// A load as people write it (`pgha chaos --load …`, an experiment's settings), before the
// profile turns its target into a connection.
struct ChaosLoadSpec {
    static constexpr int kMinLeadS = 3;
    static constexpr int kMaxLeadS = 600;
    static constexpr int kMaxTailS = 600;
    static constexpr int kMaxClients = 1000;
    static constexpr int kDefaultClients = 4;
    QString workload;          // tpcb-like, simple-update, select-only, or a script FILE[@W]
    int clients = kDefaultClients;
    std::optional<double> rate;
    QString target = QStringLiteral("rw");
    int leadS = ChaosLoad::kDefaultLeadS;
    int tailS = ChaosLoad::kDefaultTailS;

    // Why it cannot run, in words naming the setting ("" when it can); no profile needed.
    QString problem() const;
};
// The spec on `profile`'s cluster (its target resolved), or why not.
Result<ChaosLoad> resolveChaosLoad(const ChaosLoadSpec &spec, const Profile &profile);

// What the load saw of the fault, on the fault's time axis (ms or s from the injection).
struct ChaosLoadReport {
    // Throughput counts as recovered once a second's commits reach this share of the pre-fault
    // median, and the next kRecoveredSeconds - 1 seconds do too.
    static constexpr double kRecoveredShare = 0.9;
    static constexpr int kRecoveredSeconds = 3;
    // pgbench's first seconds (connecting, caches) are not the steady state.
    static constexpr int kSkipFirstSeconds = 2;
    // Latency after recovery: the per-second p99s of this long after throughput recovered.
    static constexpr int kAfterWindowS = 60;

    QString workload;          // "select-only, 4 clients" / "tpcb-like, 8 clients, -R 500"
    QString target;            // the path, in words
    QString pgbenchVersion;
    struct Second {
        qint64 atMs = 0;       // the second [atMs, atMs + 1000) from the fault
        qint64 committed = 0;  // transactions that ended committed in it (the -l logs)
        qint64 failed = 0;
    };
    QList<Second> seconds;
    struct LatencySecond {
        qint64 atMs = 0;       // as above (pgbench's own seconds: they need not start on the fault's)
        double p99Ms = 0;
    };
    QList<LatencySecond> latency;
    std::optional<double> preFaultTps;         // median of the steady seconds before the fault
    std::optional<qint64> gapMs;               // the longest time without a commit (the -l logs), when it ends after the fault
    std::optional<qint64> gapStartMs;          // its last commit before, from the fault
    std::optional<qint64> throughputRecoveryMs;// fault → the first of kRecoveredSeconds seconds ≥ 90 %
    std::optional<double> p99BeforeMs;         // median per-second p99 before the fault
    std::optional<double> p99AfterMs;          // the same over kAfterWindowS after recovery
    qint64 committed = 0;
    qint64 failed = 0;
    int abortedClients = 0;
    int restarts = 0;          // pgbench started again after its clients lost the server
    // TPC-B (tpcb-like) writes one pgbench_history row per committed transaction: the rows the
    // new primary holds from this run against what pgbench counted as committed.
    std::optional<qint64> historyRows;         // rows added during the run, read on the new primary
    std::optional<qint64> lostTransactions;    // committed by pgbench's count, absent on the new primary
    // Present although pgbench's log has no commit for them: commits whose answer was lost in
    // the crash, and the last ones of a pgbench stopped by SIGINT before it wrote their lines.
    std::optional<qint64> unacknowledgedRows;
    QString error;             // the load's own failure ("" when it ran)

    QJsonObject toJson() const;
    static ChaosLoadReport fromJson(const QJsonObject &o);
    // Lines for the plain-text report card.
    QStringList cardLines() const;
};

// Reads the load's figures from pgbench's result, with the fault at `faultEpochMs` (UTC).
ChaosLoadReport analyzeLoad(const BenchResult &result, qint64 faultEpochMs);
// "select-only, 4 clients, -R 500 tps"
QString describeWorkload(const BenchWorkload &w);

} // namespace pgha::svc

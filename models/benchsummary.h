#pragma once

#include "bench/benchrun.h"
#include "bench/benchstats.h"

#include <QList>
#include <QPointF>
#include <QString>

#include <optional>

// Kept benchmark runs turned into what the Bench tab shows: one summary per configuration
// (repetitions of the same measurement), a comparison against a chosen baseline, and the curves
// of a clients sweep. Pure functions over value types, so the unit tests feed them made-up runs.
namespace pgha::models {

// Above this coefficient of variation the repetitions disagree more than most comparisons can
// bear: the table says so.
inline constexpr double kNoisyCv = 0.05;

// "select-only"; "a.sql@3 + b.sql" for custom scripts (file names, not paths).
QString benchWorkloadText(const svc::BenchWorkload &workload);
// A latency in ms with the digits that matter: "0.412", "12.3", "1520".
QString benchMsText(double ms);
// The run's exact percentile from its -l figures; nullopt when it has none.
enum class Percentile { P50, P95, P99 };
std::optional<double> benchPercentileMs(const svc::BenchResult &run, Percentile which);

struct BenchConfigSummary {
    QString key;                   // BenchResult::configurationKey()
    QString text;                  // configurationText() of its first run
    QString target;
    int clients = 0;
    QList<int> runs;               // indices into the list summarised, in its order
    QList<double> tps;
    svc::SampleSummary tpsSummary; // median, mean, 95 % interval of the mean, cv
    std::optional<double> p95Ms;   // the median of the runs' p95 latencies

    bool noisy() const { return tpsSummary.cv && *tpsSummary.cv > kNoisyCv; }
};

// One entry per configuration, in order of first appearance. Runs that ended in an error are
// left out (their figures measure the failure, not the configuration).
QList<BenchConfigSummary> summarizeConfigurations(const QList<svc::BenchResult> &runs);

struct BenchComparisonEntry {
    BenchConfigSummary config;
    QString label;                                     // what sets it apart from the others
    std::optional<double> percent;                     // its mean TPS against the baseline's
    std::optional<svc::PercentDifference> difference;  // with a 95 % interval: ≥ 2 runs on both sides
};

struct BenchComparison {
    QList<BenchComparisonEntry> entries;
    int baseline = -1;   // index into entries; −1 when there is nothing to compare
};

// `baselineKey`: the configuration to compare against; the first one when it is not there.
BenchComparison compareConfigurations(const QList<svc::BenchResult> &runs, const QString &baselineKey = {});

// TPS and p95 latency against the number of clients, one curve per target and workload; only
// curves with at least two client counts (a sweep) are returned.
struct BenchSweepCurve {
    QString name;                 // "rw · select-only · 10 s"
    QList<QPointF> tps;           // x = clients, y = median TPS of its runs
    QList<QPointF> p95Ms;         // x = clients, y = median p95 latency (runs with -l figures)
};
QList<BenchSweepCurve> sweepCurves(const QList<svc::BenchResult> &runs);

} // namespace pgha::models

#pragma once

#include "bench/benchrun.h"
#include "bench/benchseries.h"

#include <QList>
#include <QPointF>
#include <QString>

#include <optional>

// Kept benchmark runs turned into what the Bench tab shows, on top of the services' own
// grouping (bench/benchseries.h, shared with `pgha bench compare`): a comparison against a
// chosen baseline with labels that say what differs, the curves of a clients sweep, and the
// figures as the tables write them. Pure functions over value types, so unit tests feed them
// made-up runs.
namespace pgha::models {

// A latency in ms with the digits that matter: "0.412", "12.3", "1520".
QString benchMsText(double ms);
// "select-only"; "a.sql@3 + b.sql" for custom scripts (file names, not paths).
QString benchWorkloadText(const svc::BenchWorkload &workload);
// The run's exact percentile from its -l figures; nullopt when it has none.
enum class Percentile { P50, P95, P99 };
std::optional<double> benchPercentileMs(const svc::BenchResult &run, Percentile which);

// One configuration of a comparison (svc::summarizeByConfiguration), labelled by what sets
// it apart from the others ("rw" against "direct", not the same workload twice), and how its
// TPS lies against the baseline's (svc::compareTps).
struct BenchComparisonEntry {
    svc::BenchConfigurationSummary config;
    QString label;
    std::optional<svc::BenchComparison> vsBaseline;   // absent for the baseline itself
};

struct BenchComparison {
    QList<BenchComparisonEntry> entries;
    int baseline = -1;   // index into entries; −1 when there is nothing to compare
};

// `baselineKey`: the configuration (BenchResult::configurationKey()) to compare against; the
// first one when it is not there.
BenchComparison compareConfigurations(const QList<svc::BenchResult> &runs, const QString &baselineKey = {});

// TPS and p95 latency against the number of clients, one curve per target and workload; only
// curves with at least two client counts (a sweep) are returned.
struct BenchSweepCurve {
    QString name;                 // "rw · select-only · 10 s"; only what differs when there are several
    QList<QPointF> tps;           // x = clients, y = median TPS of its runs
    QList<QPointF> p95Ms;         // x = clients, y = median p95 latency (runs with -l figures)
};
QList<BenchSweepCurve> sweepCurves(const QList<svc::BenchResult> &runs);

} // namespace pgha::models

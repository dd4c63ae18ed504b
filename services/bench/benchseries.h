#pragma once

#include "bench/benchrun.h"
#include "bench/benchstats.h"

#include <QList>
#include <QString>

#include <optional>

// Runs grouped by what they measured (BenchResult::configurationKey): the figures of a
// `--repeat` series, a `--clients` sweep and `pgha bench compare`, shared by the CLI and the
// console's Bench tab.
namespace pgha::svc {

// A coefficient of variation above this makes a series too noisy to compare at a glance.
inline constexpr double kNoisyCv = 0.05;

struct BenchConfigurationSummary {
    QString key;
    QString text;                      // configurationText() of its first run
    QList<BenchResult> runs;           // in the order given
    SampleSummary tps;                 // over the runs' TPS
    double medianP95Ms = 0;            // medians over the runs (0 without -l figures)
    double medianP99Ms = 0;
    double medianAvgMs = 0;
    bool noisy() const { return tps.cv && *tps.cv > kNoisyCv; }
};

// One group per configuration, in the order each was first seen; runs that failed without a
// transaction are left out.
QList<BenchConfigurationSummary> summarizeByConfiguration(const QList<BenchResult> &runs);

// A configuration against a baseline: TPS difference in % of the baseline's mean, with Welch's
// 95 % interval when both have ≥ 2 runs (otherwise the plain difference of medians).
struct BenchComparison {
    double percent = 0;
    std::optional<PercentDifference> withInterval;
};
BenchComparison compareTps(const BenchConfigurationSummary &baseline, const BenchConfigurationSummary &candidate);

// "+3.2 % [−1.0, +7.4]" or "+3.2 % (one run each: no interval)".
QString describeComparison(const BenchComparison &c);

} // namespace pgha::svc

#pragma once

// Statistics over repeated benchmark runs (a handful of tps figures per configuration): is B
// faster than A, by how much, and how sure can we be with so few runs.
#include "core/result.h"

#include <QList>

#include <optional>

namespace pgha::svc {

// Two-sided 95 % confidence: Student's t for n − 1 degrees of freedom up to this many, the
// normal distribution's 1.96 beyond (the table's last entry, 2.042 at 30, is within 4 % of it).
inline constexpr int kStudentTableMaxDf = 30;
inline constexpr double kNormalZ975 = 1.96;
// More values than any series of runs; a bound so that a runaway caller gets an error.
inline constexpr qsizetype kMaxBenchSamples = 1'000'000;

// t such that P(|T| ≤ t) = 0.95 for `df` degrees of freedom (df ≥ 1).
double studentT975(int df);

struct SampleSummary {
    qsizetype n = 0;
    double mean = 0;
    double median = 0;
    double stddev = 0;                 // sample standard deviation (n − 1); 0 when n = 1
    std::optional<double> cv;          // stddev / mean; absent when the mean is 0 or n = 1
    std::optional<double> ciHalfWidth; // 95 % CI of the mean is mean ± this; absent when n = 1
    double ciLow() const { return mean - ciHalfWidth.value_or(0); }
    double ciHigh() const { return mean + ciHalfWidth.value_or(0); }
};

// Refuses an empty list and NaN or infinite values.
Result<SampleSummary> summarize(const QList<double> &values);

Result<double> median(const QList<double> &values);
Result<double> mean(const QList<double> &values);
Result<double> sampleStddev(const QList<double> &values);  // needs n ≥ 2

// How much the candidate's mean differs from the baseline's, in percent of the baseline, with
// a 95 % interval from Welch's t (the two series may have different spreads and sizes). The
// interval treats the baseline mean in the denominator as exact, as such comparisons usually do.
struct PercentDifference {
    double percent = 0;
    double ciLowPercent = 0;
    double ciHighPercent = 0;
    double welchDf = 0;                // Welch–Satterthwaite degrees of freedom
    bool significant = false;          // the interval excludes 0
};

// Each series needs at least 2 values; the baseline mean must not be 0.
Result<PercentDifference> percentDifference(const QList<double> &baseline, const QList<double> &candidate);

} // namespace pgha::svc

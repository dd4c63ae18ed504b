#include "benchstats.h"

#include <algorithm>
#include <cmath>

namespace pgha::svc {

namespace {

// Student's t, two-sided 95 % (the 0.975 quantile), for 1..30 degrees of freedom.
constexpr double kStudentT975[kStudentTableMaxDf] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

Error statsError(const QString &what)
{
    return makeError(QStringLiteral("benchmark statistics: ") + what,
                     QStringLiteral("repeat the run to get more figures"));
}

std::optional<Error> checkValues(const QList<double> &values, qsizetype atLeast, const char *name)
{
    if (values.size() < atLeast)
        return statsError(QStringLiteral("%1 needs at least %2 value(s), got %3").arg(QLatin1String(name)).arg(atLeast).arg(values.size()));
    if (values.size() > kMaxBenchSamples)
        return statsError(QStringLiteral("%1: more than %2 values").arg(QLatin1String(name)).arg(kMaxBenchSamples));
    for (const double v : values)
        if (!std::isfinite(v))
            return statsError(QStringLiteral("%1: a value is not a finite number").arg(QLatin1String(name)));
    return std::nullopt;
}

double meanOf(const QList<double> &v)
{
    double sum = 0;
    for (const double x : v)
        sum += x;
    return sum / static_cast<double>(v.size());
}

// Two passes (mean first) rather than a running sum of squares, which cancels badly when the
// spread is small next to the mean — as it is for tps figures (10000 ± 50).
double varianceOf(const QList<double> &v, double m)
{
    double ss = 0;
    for (const double x : v)
        ss += (x - m) * (x - m);
    return ss / static_cast<double>(v.size() - 1);
}

double medianOf(QList<double> v)
{
    std::sort(v.begin(), v.end());
    const qsizetype n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

} // namespace

double studentT975(int df)
{
    if (df < 1)
        df = 1;
    return df <= kStudentTableMaxDf ? kStudentT975[df - 1] : kNormalZ975;
}

Result<double> median(const QList<double> &values)
{
    if (const auto e = checkValues(values, 1, "median"))
        return *e;
    return medianOf(values);
}

Result<double> mean(const QList<double> &values)
{
    if (const auto e = checkValues(values, 1, "mean"))
        return *e;
    return meanOf(values);
}

Result<double> sampleStddev(const QList<double> &values)
{
    if (const auto e = checkValues(values, 2, "standard deviation"))
        return *e;
    return std::sqrt(varianceOf(values, meanOf(values)));
}

Result<SampleSummary> summarize(const QList<double> &values)
{
    if (const auto e = checkValues(values, 1, "a summary"))
        return *e;
    SampleSummary s;
    s.n = values.size();
    s.mean = meanOf(values);
    s.median = medianOf(values);
    if (s.n >= 2) {
        s.stddev = std::sqrt(varianceOf(values, s.mean));
        s.ciHalfWidth = studentT975(static_cast<int>(std::min<qsizetype>(s.n - 1, kStudentTableMaxDf + 1)))
                        * s.stddev / std::sqrt(static_cast<double>(s.n));
    }
    if (s.mean != 0 && s.n >= 2)   // one value has no spread to speak of
        s.cv = s.stddev / std::fabs(s.mean);
    return s;
}

Result<PercentDifference> percentDifference(const QList<double> &baseline, const QList<double> &candidate)
{
    if (const auto e = checkValues(baseline, 2, "the baseline"))
        return *e;
    if (const auto e = checkValues(candidate, 2, "the candidate"))
        return *e;
    const double ma = meanOf(baseline);
    const double mb = meanOf(candidate);
    if (ma == 0)
        return statsError(QStringLiteral("the baseline's mean is 0, so no percentage of it exists"));
    const double na = static_cast<double>(baseline.size());
    const double nb = static_cast<double>(candidate.size());
    const double va = varianceOf(baseline, ma) / na;   // squared standard error of each mean
    const double vb = varianceOf(candidate, mb) / nb;
    const double se = std::sqrt(va + vb);

    PercentDifference d;
    d.percent = (mb - ma) / std::fabs(ma) * 100.0;
    double t = 0;
    if (se > 0) {
        d.welchDf = (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
        // Rounding the degrees of freedom down gives the larger t: the interval errs wide.
        t = studentT975(static_cast<int>(std::min(std::floor(d.welchDf), static_cast<double>(kStudentTableMaxDf + 1))));
    } else {
        d.welchDf = na + nb - 2;               // both series constant: no spread to widen by
    }
    const double half = t * se / std::fabs(ma) * 100.0;
    d.ciLowPercent = d.percent - half;
    d.ciHighPercent = d.percent + half;
    d.significant = d.ciLowPercent > 0 || d.ciHighPercent < 0;
    return d;
}

} // namespace pgha::svc

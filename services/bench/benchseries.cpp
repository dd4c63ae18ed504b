#include "benchseries.h"

#include <QHash>

namespace pgha::svc {

namespace {
double medianOr0(const QList<double> &values)
{
    const auto m = median(values);
    return m ? m.value() : 0;
}

QString signedPercent(double v)
{
    return (v >= 0 ? QStringLiteral("+") : QStringLiteral("−")) + QString::number(std::abs(v), 'f', 1);
}
} // namespace

QList<BenchConfigurationSummary> summarizeByConfiguration(const QList<BenchResult> &runs)
{
    QList<BenchConfigurationSummary> out;
    QHash<QString, qsizetype> index;
    for (const BenchResult &r : runs) {
        if (!r.ok() && r.transactions == 0)
            continue;
        const QString key = r.configurationKey();
        auto it = index.find(key);
        if (it == index.end()) {
            it = index.insert(key, out.size());
            out.append(BenchConfigurationSummary());
            out.last().key = key;
            out.last().text = r.configurationText();
        }
        out[*it].runs.append(r);
    }
    for (BenchConfigurationSummary &s : out) {
        QList<double> tps, p95, p99, avg;
        for (const BenchResult &r : s.runs) {
            tps.append(r.tps);
            if (r.log.latency) {
                p95.append(double(r.log.latency->p95Us) / 1000.0);
                p99.append(double(r.log.latency->p99Us) / 1000.0);
                avg.append(r.log.latency->meanUs / 1000.0);
            }
        }
        if (auto sum = summarize(tps))
            s.tps = sum.value();
        s.medianP95Ms = medianOr0(p95);
        s.medianP99Ms = medianOr0(p99);
        s.medianAvgMs = medianOr0(avg);
    }
    return out;
}

BenchComparison compareTps(const BenchConfigurationSummary &baseline, const BenchConfigurationSummary &candidate)
{
    BenchComparison c;
    QList<double> a, b;
    for (const BenchResult &r : baseline.runs)
        a.append(r.tps);
    for (const BenchResult &r : candidate.runs)
        b.append(r.tps);
    if (a.size() >= 2 && b.size() >= 2)
        if (auto d = percentDifference(a, b)) {
            c.withInterval = d.value();
            c.percent = d.value().percent;
            return c;
        }
    if (baseline.tps.median != 0)
        c.percent = (candidate.tps.median - baseline.tps.median) / baseline.tps.median * 100.0;
    return c;
}

QString describeComparison(const BenchComparison &c)
{
    if (!c.withInterval)
        return signedPercent(c.percent) + QStringLiteral(" % (fewer than 2 runs: no interval)");
    const PercentDifference &d = *c.withInterval;
    return QStringLiteral("%1 % [%2, %3]%4")
        .arg(signedPercent(d.percent), signedPercent(d.ciLowPercent), signedPercent(d.ciHighPercent),
             d.significant ? QString() : QStringLiteral(" (not significant)"));
}

} // namespace pgha::svc

#include "benchsummary.h"

#include <QFileInfo>
#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace pgha::models {

namespace {
const QString kPartSeparator = QStringLiteral(" · ");

std::optional<double> medianOf(const QList<double> &values)
{
    auto m = svc::median(values);
    return m ? std::optional<double>(m.value()) : std::nullopt;
}
} // namespace

QString benchWorkloadText(const svc::BenchWorkload &w)
{
    if (!w.builtin.isEmpty())
        return w.builtin;
    QStringList names;
    for (const QString &s : w.scripts) {
        // FILE or FILE@WEIGHT: the name and its weight, not the folder.
        const qsizetype at = s.lastIndexOf(u'@');
        const bool weighted = at > 0 && at > s.lastIndexOf(u'/');
        names.append(QFileInfo(weighted ? s.left(at) : s).fileName() + (weighted ? s.mid(at) : QString()));
    }
    return names.join(QStringLiteral(" + "));
}

QString benchMsText(double ms)
{
    if (!std::isfinite(ms))
        return QStringLiteral("—");
    if (ms < 10)
        return QString::number(ms, 'f', 3);
    if (ms < 1000)
        return QString::number(ms, 'f', 1);
    return QString::number(ms, 'f', 0);
}

std::optional<double> benchPercentileMs(const svc::BenchResult &run, Percentile which)
{
    if (!run.log.latency)
        return std::nullopt;
    const svc::LatencyPercentiles &l = *run.log.latency;
    const qint64 us = which == Percentile::P50 ? l.p50Us : which == Percentile::P95 ? l.p95Us : l.p99Us;
    return static_cast<double>(us) / 1000.0;
}

QList<BenchConfigSummary> summarizeConfigurations(const QList<svc::BenchResult> &runs)
{
    QList<BenchConfigSummary> out;
    QHash<QString, qsizetype> byKey;
    QList<QList<double>> p95s;
    for (int i = 0; i < runs.size(); ++i) {
        const svc::BenchResult &r = runs[i];
        if (!r.ok() || !std::isfinite(r.tps))
            continue;
        const QString key = r.configurationKey();
        auto it = byKey.constFind(key);
        if (it == byKey.cend()) {
            BenchConfigSummary s;
            s.key = key;
            s.text = r.configurationText();
            s.target = r.target.name;
            s.clients = r.workload.clients;
            it = byKey.insert(key, out.size());
            out.append(s);
            p95s.append(QList<double>());
        }
        out[*it].runs.append(i);
        out[*it].tps.append(r.tps);
        if (const auto p95 = benchPercentileMs(r, Percentile::P95))
            p95s[*it].append(*p95);
    }
    for (qsizetype i = 0; i < out.size(); ++i) {
        if (auto s = svc::summarize(out[i].tps))
            out[i].tpsSummary = s.value();
        out[i].p95Ms = medianOf(p95s[i]);
    }
    return out;
}

BenchComparison compareConfigurations(const QList<svc::BenchResult> &runs, const QString &baselineKey)
{
    BenchComparison c;
    const QList<BenchConfigSummary> configs = summarizeConfigurations(runs);
    if (configs.isEmpty())
        return c;
    c.baseline = 0;
    for (int i = 0; i < configs.size(); ++i)
        if (configs[i].key == baselineKey)
            c.baseline = i;
    // Label each configuration by what differs: "rw" against "direct", not the same workload twice.
    QHash<QString, int> partCount;
    QList<QStringList> parts;
    for (const auto &s : configs) {
        parts.append(s.text.split(kPartSeparator));
        for (const QString &p : QSet<QString>(parts.last().cbegin(), parts.last().cend()))
            ++partCount[p];
    }
    const BenchConfigSummary &base = configs[c.baseline];
    QSet<QString> labels;
    for (int i = 0; i < configs.size(); ++i) {
        BenchComparisonEntry e;
        e.config = configs[i];
        QStringList own;
        for (const QString &p : parts[i])
            if (partCount.value(p) < configs.size())
                own.append(p);
        e.label = own.isEmpty() ? configs[i].text : own.join(kPartSeparator);
        if (labels.contains(e.label))
            e.label = configs[i].text;
        labels.insert(e.label);
        if (base.tpsSummary.mean != 0)
            e.percent = (e.config.tpsSummary.mean - base.tpsSummary.mean) / base.tpsSummary.mean * 100.0;
        if (i != c.baseline)
            if (auto d = svc::percentDifference(base.tps, e.config.tps))
                e.difference = d.value();
        c.entries.append(e);
    }
    return c;
}

QList<BenchSweepCurve> sweepCurves(const QList<svc::BenchResult> &runs)
{
    struct Acc {
        QString name;
        QMap<int, QList<double>> tps;    // by clients
        QMap<int, QList<double>> p95;
    };
    QList<Acc> accs;
    QHash<QString, qsizetype> byKey;
    for (const svc::BenchResult &r : runs) {
        if (!r.ok() || !std::isfinite(r.tps))
            continue;
        const svc::BenchWorkload &w = r.workload;
        // Everything that defines the measurement but the clients (and the threads that follow them).
        const QString key = QStringList{r.target.name, w.builtin, w.scripts.join(u','), QString::number(w.durationS),
                                        w.rate ? QString::number(*w.rate) : QString(),
                                        w.latencyLimitMs ? QString::number(*w.latencyLimitMs) : QString(), w.queryMode,
                                        r.cold ? QStringLiteral("cold") : QString()}
                                    .join(u'|');
        auto it = byKey.constFind(key);
        if (it == byKey.cend()) {
            QStringList name{r.target.name, benchWorkloadText(w), QStringLiteral("%1 s").arg(w.durationS)};
            if (w.rate)
                name.append(QStringLiteral("-R %1").arg(*w.rate));
            if (!w.queryMode.isEmpty())
                name.append(w.queryMode);
            if (r.cold)
                name.append(QStringLiteral("cold"));
            it = byKey.insert(key, accs.size());
            accs.append({name.join(kPartSeparator), {}, {}});
        }
        Acc &a = accs[*it];
        a.tps[w.clients].append(r.tps);
        if (const auto p95 = benchPercentileMs(r, Percentile::P95))
            a.p95[w.clients].append(*p95);
    }
    QList<BenchSweepCurve> out;
    for (const Acc &a : accs) {
        if (a.tps.size() < 2)
            continue;
        BenchSweepCurve curve;
        curve.name = a.name;
        for (auto it = a.tps.cbegin(); it != a.tps.cend(); ++it)
            if (const auto m = medianOf(it.value()))
                curve.tps.append(QPointF(it.key(), *m));
        for (auto it = a.p95.cbegin(); it != a.p95.cend(); ++it)
            if (const auto m = medianOf(it.value()))
                curve.p95Ms.append(QPointF(it.key(), *m));
        out.append(curve);
    }
    return out;
}

} // namespace pgha::models

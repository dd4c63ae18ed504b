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

// Each text without the parts ("rw", "select-only", "c8 j2") that every text shares: what sets
// it apart. The whole text where that leaves nothing, or where two would read the same.
QStringList distinguishing(const QStringList &texts)
{
    QHash<QString, int> partCount;
    QList<QStringList> parts;
    for (const QString &t : texts) {
        parts.append(t.split(kPartSeparator));
        for (const QString &p : QSet<QString>(parts.last().cbegin(), parts.last().cend()))
            ++partCount[p];
    }
    QStringList out;
    for (qsizetype i = 0; i < texts.size(); ++i) {
        QStringList own;
        for (const QString &p : parts[i])
            if (partCount.value(p) < texts.size())
                own.append(p);
        QString label = own.isEmpty() ? texts[i] : own.join(kPartSeparator);
        if (out.contains(label))
            label = texts[i];
        out.append(label);
    }
    return out;
}

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

BenchComparison compareConfigurations(const QList<svc::BenchResult> &runs, const QString &baselineKey)
{
    BenchComparison c;
    const QList<svc::BenchConfigurationSummary> configs = svc::summarizeByConfiguration(runs);
    if (configs.isEmpty())
        return c;
    c.baseline = 0;
    for (int i = 0; i < configs.size(); ++i)
        if (configs[i].key == baselineKey)
            c.baseline = i;
    QStringList texts;
    for (const auto &s : configs)
        texts.append(s.text);
    const QStringList labels = distinguishing(texts);
    for (int i = 0; i < configs.size(); ++i) {
        BenchComparisonEntry e;
        e.config = configs[i];
        e.label = labels[i];
        if (i != c.baseline)
            e.vsBaseline = svc::compareTps(configs[c.baseline], configs[i]);
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
        // As svc::summarizeByConfiguration: a run that failed before any transaction says nothing.
        if ((!r.ok() && r.transactions == 0) || !std::isfinite(r.tps))
            continue;
        const svc::BenchWorkload &w = r.workload;
        // Everything that defines the measurement but the clients (and the threads that follow them).
        const QString key = QStringList{r.target.name, w.builtin, w.scripts.join(u','), QString::number(w.durationS),
                                        w.rate ? QString::number(*w.rate) : QString(),
                                        w.latencyLimitMs ? QString::number(*w.latencyLimitMs) : QString(),
                                        w.samplingRate ? QString::number(*w.samplingRate) : QString(), w.queryMode,
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
    QStringList names;
    for (const Acc &a : accs)
        if (a.tps.size() >= 2)
            names.append(a.name);
    names = names.size() > 1 ? distinguishing(names) : names;
    for (const Acc &a : accs) {
        if (a.tps.size() < 2)
            continue;
        BenchSweepCurve curve;
        curve.name = names[out.size()];
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

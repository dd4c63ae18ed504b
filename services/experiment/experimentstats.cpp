#include "experiment/experimentstats.h"

#include "bench/benchstats.h"
#include "core/safefs.h"
#include "export/csv.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace pgha::svc {

namespace {

constexpr double kMsPerSecond = 1000.0;
constexpr double kP95 = 0.95;

std::optional<double> seconds(const std::optional<qint64> &ms)
{
    return ms ? std::optional<double>(static_cast<double>(*ms) / kMsPerSecond) : std::nullopt;
}

std::optional<double> count(const std::optional<qint64> &n)
{
    return n ? std::optional<double>(static_cast<double>(*n)) : std::nullopt;
}

MetricSummary summarizeValues(const QString &id, const QList<double> &values)
{
    MetricSummary m;
    m.id = id;
    m.values = values;
    m.n = static_cast<int>(values.size());
    auto s = summarize(values);
    if (!s)
        return m;
    QList<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    m.min = sorted.front();
    m.max = sorted.back();
    m.median = s.value().median;
    m.mean = s.value().mean;
    // Nearest rank, as the chaos summary's: the smallest value with 95 % of the runs at or below.
    const auto rank = static_cast<qsizetype>(std::ceil(kP95 * static_cast<double>(sorted.size())));
    m.p95 = sorted[std::clamp<qsizetype>(rank - 1, 0, sorted.size() - 1)];
    if (s.value().ciHalfWidth) {
        m.ciLow = s.value().ciLow();
        m.ciHigh = s.value().ciHigh();
    }
    return m;
}

QString number(double v, int decimals)
{
    return QString::number(v, 'f', decimals);
}

} // namespace

const QList<ExperimentMetric> &experimentMetrics()
{
    static const QList<ExperimentMetric> metrics = {
        {QStringLiteral("rto"), QStringLiteral("RTO (probe)"), QStringLiteral("s"),
         [](const ChaosReport &r) { return seconds(r.rtoMs); }},
        {QStringLiteral("write_gap"), QStringLiteral("Write gap"), QStringLiteral("s"),
         [](const ChaosReport &r) { return seconds(r.writeGapMs); }},
        {QStringLiteral("pgbench_gap"), QStringLiteral("pgbench gap"), QStringLiteral("s"),
         [](const ChaosReport &r) { return r.load ? seconds(r.load->gapMs) : std::nullopt; }},
        {QStringLiteral("throughput_recovery"), QStringLiteral("Throughput back within 10 %"), QStringLiteral("s"),
         [](const ChaosReport &r) { return r.load ? seconds(r.load->throughputRecoveryMs) : std::nullopt; }},
        {QStringLiteral("tps_before"), QStringLiteral("TPS before the fault"), QStringLiteral("tps"),
         [](const ChaosReport &r) { return r.load ? r.load->preFaultTps : std::nullopt; }},
        {QStringLiteral("lost_writes"), QStringLiteral("Lost acknowledged writes (probe)"), QString(),
         [](const ChaosReport &r) { return r.rpo.checked ? std::optional<double>(r.rpo.missing) : std::nullopt; }},
        {QStringLiteral("lost_transactions"), QStringLiteral("Lost transactions (pgbench)"), QString(),
         [](const ChaosReport &r) { return r.load ? count(r.load->lostTransactions) : std::nullopt; }},
        {QStringLiteral("rejoin"), QStringLiteral("Rejoin"), QStringLiteral("s"),
         [](const ChaosReport &r) { return seconds(r.rejoin.ms); }},
    };
    return metrics;
}

const ExperimentMetric *experimentMetric(const QString &id)
{
    for (const auto &m : experimentMetrics())
        if (m.id == id)
            return &m;
    return nullptr;
}

const MetricSummary *CellSummary::metric(const QString &id) const
{
    for (const auto &m : metrics)
        if (m.id == id)
            return &m;
    return nullptr;
}

QList<CellSummary> summarizeExperiment(const ExperimentPlan &plan, const QList<ExperimentRun> &recorded)
{
    const QString fingerprint = plan.fingerprint();
    QList<CellSummary> out;
    for (const auto &cell : plan.cells()) {
        CellSummary c;
        c.key = cell.key;
        c.values = cell.gridValues;
        c.planned = plan.repetitions;
        // A repetition made again (after an ERROR) counts once: its last measurement.
        QHash<int, qsizetype> byRepetition;
        for (const auto &r : recorded) {
            if (r.fingerprint != fingerprint || r.cell != cell.key)
                continue;
            if (!r.counts()) {
                ++c.errors;
                continue;
            }
            if (auto it = byRepetition.find(r.repetition); it != byRepetition.end()) {
                c.measured[*it] = r;
            } else {
                byRepetition.insert(r.repetition, c.measured.size());
                c.measured.append(r);
            }
        }
        QList<ChaosReport> reports;
        for (const auto &r : c.measured)
            reports.append(r.run);
        const CellSummary figures = summarizeCell(c.key, reports);
        c.runs = figures.runs;
        c.passed = figures.passed;
        c.metrics = figures.metrics;
        out.append(c);
    }
    return out;
}

CellSummary summarizeCell(const QString &key, const QList<ChaosReport> &runs)
{
    CellSummary c;
    c.key = key;
    QList<ChaosReport> measured;
    for (const auto &r : runs) {
        if (r.verdict == u"ERROR") {
            ++c.errors;
            continue;
        }
        measured.append(r);
        ++c.runs;
        c.passed += r.passed() ? 1 : 0;
    }
    c.planned = static_cast<int>(runs.size());
    for (const auto &m : experimentMetrics()) {
        QList<double> values;
        for (const auto &r : measured)
            if (auto v = m.value(r))
                values.append(*v);
        if (!values.isEmpty())
            c.metrics.append(summarizeValues(m.id, values));
    }
    return c;
}

QString formatMetricValue(const ExperimentMetric &m, double v)
{
    if (m.unit == u"s")
        return number(v, 2) + QStringLiteral(" s");
    if (m.unit == u"tps")
        return number(v, 0) + QStringLiteral(" tps");
    return std::floor(v) == v ? QString::number(static_cast<qint64>(v)) : number(v, 1);
}

QString metricCellText(const ExperimentMetric &m, const MetricSummary &s)
{
    QString t = formatMetricValue(m, s.median);
    if (s.n > 1)
        t += QStringLiteral(" (%1–%2)").arg(formatMetricValue(m, s.min), formatMetricValue(m, s.max));
    return t;
}

QJsonObject experimentSummaryJson(const ExperimentPlan &plan, const QList<CellSummary> &cells)
{
    QJsonArray cellArray;
    for (const auto &c : cells) {
        QJsonObject values;
        for (const auto &[k, v] : c.values)
            values.insert(k, v);
        QJsonObject metrics;
        for (const auto &m : c.metrics) {
            QJsonArray raw;
            for (double v : m.values)
                raw.append(v);
            QJsonObject o{{QStringLiteral("n"), m.n},           {QStringLiteral("values"), raw},
                          {QStringLiteral("min"), m.min},       {QStringLiteral("median"), m.median},
                          {QStringLiteral("p95"), m.p95},       {QStringLiteral("max"), m.max},
                          {QStringLiteral("mean"), m.mean}};
            if (m.ciLow && m.ciHigh)
                o.insert(QStringLiteral("ci95"), QJsonArray{*m.ciLow, *m.ciHigh});
            if (const ExperimentMetric *def = experimentMetric(m.id))
                o.insert(QStringLiteral("unit"), def->unit);
            metrics.insert(m.id, o);
        }
        QJsonArray runIds;
        for (const auto &r : c.measured)
            runIds.append(r.run.runId);
        cellArray.append(QJsonObject{{QStringLiteral("cell"), c.key},         {QStringLiteral("values"), values},
                                     {QStringLiteral("planned"), c.planned},  {QStringLiteral("runs"), c.runs},
                                     {QStringLiteral("passed"), c.passed},    {QStringLiteral("errors"), c.errors},
                                     {QStringLiteral("run_ids"), runIds},     {QStringLiteral("metrics"), metrics}});
    }
    return QJsonObject{{QStringLiteral("schema"), QStringLiteral("pgha.experiment.summary/1")},
                       {QStringLiteral("experiment"), plan.name},
                       {QStringLiteral("title"), plan.title},
                       {QStringLiteral("fingerprint"), plan.fingerprint()},
                       {QStringLiteral("repetitions"), plan.repetitions},
                       {QStringLiteral("cells"), cellArray}};
}

QString experimentTableText(const ExperimentPlan &plan, const QList<CellSummary> &cells)
{
    QString t = QStringLiteral("%1%2\n").arg(plan.name, plan.title.isEmpty() ? QString() : QStringLiteral(" — ") + plan.title);
    for (const auto &c : cells) {
        t += QStringLiteral("\n%1: %2 of %3 runs measured, %4 passed%5\n")
                     .arg(c.key).arg(c.runs).arg(c.planned).arg(c.passed)
                     .arg(c.errors ? QStringLiteral(", %1 error(s)").arg(c.errors) : QString());
        for (const auto &m : c.metrics) {
            const ExperimentMetric *def = experimentMetric(m.id);
            if (!def)
                continue;
            QString line = QStringLiteral("  %1 median %2, p95 %3, min %4, max %5")
                                   .arg(def->title.leftJustified(34), formatMetricValue(*def, m.median), formatMetricValue(*def, m.p95),
                                        formatMetricValue(*def, m.min), formatMetricValue(*def, m.max));
            if (m.ciLow && m.ciHigh)
                line += QStringLiteral(", mean %1 (95 % CI %2 to %3)")
                                .arg(formatMetricValue(*def, m.mean), formatMetricValue(*def, *m.ciLow), formatMetricValue(*def, *m.ciHigh));
            t += line + QStringLiteral("  [n=%1]\n").arg(m.n);
        }
    }
    return t;
}

Result<bool> exportExperimentCsv(const QString &path, const QList<CellSummary> &cells)
{
    QByteArray out = csvRecord({QStringLiteral("cell"), QStringLiteral("figure"), QStringLiteral("unit"), QStringLiteral("n"),
                                QStringLiteral("median"), QStringLiteral("p95"), QStringLiteral("min"), QStringLiteral("max"),
                                QStringLiteral("mean"), QStringLiteral("ci95_low"), QStringLiteral("ci95_high"), QStringLiteral("values")});
    for (const auto &c : cells)
        for (const auto &m : c.metrics) {
            const ExperimentMetric *def = experimentMetric(m.id);
            QStringList raw;
            for (double v : m.values)
                raw << QString::number(v);
            auto opt = [](const std::optional<double> &v) { return v ? QString::number(*v) : QString(); };
            out += csvRecord({c.key, m.id, def ? def->unit : QString(), QString::number(m.n), QString::number(m.median),
                              QString::number(m.p95), QString::number(m.min), QString::number(m.max), QString::number(m.mean),
                              opt(m.ciLow), opt(m.ciHigh), raw.join(QLatin1Char(' '))});
        }
    return fs::writeFileAtomic(path, out, fs::kOwnerOnlyFile);
}

} // namespace pgha::svc

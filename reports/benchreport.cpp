// The report of benchmark runs (`pgha report --bench-run ID…`): how pgbench was run, against
// what (versions, machine), the figures per run and their throughput over time.
#include "reportdocument.h"

#include "reporthtml.h"

#include <QDateTime>
#include <QSet>

namespace pgha::reports {

namespace {

using html::esc;

constexpr double kUsPerMs = 1000.0;

QString ms(qint64 us)
{
    return QString::number(static_cast<double>(us) / kUsPerMs, 'f', 2);
}

QString methodHtml(const QList<svc::BenchResult> &runs)
{
    QStringList commands;
    QSet<QString> seen;
    for (const auto &r : runs)
        if (!seen.contains(r.commandLine)) {
            seen.insert(r.commandLine);
            commands << QStringLiteral("<code>%1</code> — through %2").arg(esc(r.commandLine), esc(r.target.path.isEmpty() ? r.target.name
                                                                                                                    : r.target.path));
        }
    return QStringLiteral("<h2>Method</h2><h3>How pgbench ran</h3>") + html::list(commands)
           + QStringLiteral("<h3>How each figure is measured</h3>")
           + html::list({QStringLiteral("<b>TPS</b>: pgbench's own figure (without connection time) for a run of one piece; "
                                        "committed transactions in the per-transaction logs over the time run when pgbench was "
                                        "restarted or stopped (the “source” column says which)."),
                         QStringLiteral("<b>Latency percentiles</b>: exact, from every committed transaction in pgbench's "
                                        "<code>-l</code> logs (a sample of them with <code>--sampling-rate</code>), not from "
                                        "pgbench's averages."),
                         QStringLiteral("<b>Longest gap</b>: the longest time between two consecutive commits, all clients merged."),
                         QStringLiteral("<b>Aborted clients, restarts</b>: clients pgbench gave up on; segments started again after "
                                        "pgbench exited because its clients lost the server.")});
}

QString environmentHtml(const QList<svc::BenchResult> &runs)
{
    QString h = QStringLiteral("<h2>Environment</h2>");
    if (runs.isEmpty())
        return h;
    const QJsonObject first = runs.front().manifest;
    QList<QStringList> facts = html::manifestFacts(first);
    const QJsonObject cluster = first.value(QStringLiteral("cluster")).toObject();
    if (const QString timing = cluster.value(QStringLiteral("timing")).toString(); !timing.isEmpty())
        facts.prepend({QStringLiteral("Patroni timings"), esc(timing)});
    if (cluster.contains(QStringLiteral("synchronousMode")))
        facts.prepend({QStringLiteral("synchronous_mode"), cluster.value(QStringLiteral("synchronousMode")).toBool() ? QStringLiteral("on")
                                                                                                                     : QStringLiteral("off")});
    QStringList other;
    for (const auto &r : runs.mid(1))
        if (html::manifestFacts(r.manifest) != html::manifestFacts(first))
            other << esc(r.id);
    if (!other.isEmpty())
        facts.append({QStringLiteral("Other environments"), QStringLiteral("runs %1 were made against other versions or on another machine "
                                                                           "(their JSON has it)").arg(other.join(QStringLiteral(", ")))});
    return h + html::table({QStringLiteral("What"), QStringLiteral("Value (the first run's)")}, facts);
}

QString resultsHtml(const QList<svc::BenchResult> &runs)
{
    QList<QStringList> rows;
    for (const auto &r : runs) {
        const auto &lat = r.log.latency;
        rows.append({esc(r.id), esc(r.configurationText()) + (r.label.isEmpty() ? QString() : QStringLiteral("<br/><i>%1</i>").arg(esc(r.label))),
                     esc(QStringLiteral("%1 (%2)").arg(r.tps, 0, 'f', 1).arg(r.tpsSource)),
                     lat ? ms(lat->p50Us) : QStringLiteral("—"), lat ? ms(lat->p95Us) : QStringLiteral("—"),
                     lat ? ms(lat->p99Us) : QStringLiteral("—"), lat ? ms(lat->maxUs) : QStringLiteral("—"),
                     QString::number(r.log.longestGapMs, 'f', 0), QString::number(r.failed), QString::number(r.abortedClients),
                     QString::number(r.restarts), r.ok() ? (r.stopped ? QStringLiteral("stopped") : QStringLiteral("ok")) : esc(r.error)});
    }
    return QStringLiteral("<h2>Results</h2>")
           + html::table({QStringLiteral("Run"), QStringLiteral("Configuration, label"), QStringLiteral("TPS (source)"),
                          QStringLiteral("p50 ms"), QStringLiteral("p95 ms"), QStringLiteral("p99 ms"), QStringLiteral("max ms"),
                          QStringLiteral("Longest gap ms"), QStringLiteral("Failed"), QStringLiteral("Aborted"),
                          QStringLiteral("Restarts"), QStringLiteral("Outcome")},
                         rows);
}

} // namespace

Report benchRunsReport(const QList<svc::BenchResult> &runs)
{
    Report report;
    report.title = QStringLiteral("Benchmark runs");
    QString span;
    if (!runs.isEmpty())
        span = QStringLiteral(", made %1 to %2")
                       .arg(QDateTime::fromMSecsSinceEpoch(runs.front().startedMs).toUTC().toString(Qt::ISODate),
                            QDateTime::fromMSecsSinceEpoch(runs.back().endedMs).toUTC().toString(Qt::ISODate));
    report.blocks.append({QStringLiteral("<h1>%1</h1><p>%2 run(s) of pgbench%3.</p>").arg(esc(report.title)).arg(runs.size()).arg(esc(span)),
                          std::nullopt});
    report.blocks.append({methodHtml(runs), std::nullopt});
    report.blocks.append({environmentHtml(runs), std::nullopt});
    report.blocks.append({resultsHtml(runs), std::nullopt});
    if (!runs.isEmpty())
        report.blocks.append({runs.size() > kMaxBenchLines
                                      ? QStringLiteral("<p>The figure draws the first %1 runs; the table has them all.</p>").arg(kMaxBenchLines)
                                      : QString(),
                              benchThroughput(runs)});
    return report;
}

} // namespace pgha::reports

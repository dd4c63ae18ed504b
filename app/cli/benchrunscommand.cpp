// `pgha bench runs` and `pgha bench compare`: the kept runs, listed, exported and compared.
#include "benchcli.h"

#include "core/jsonlstore.h"
#include "core/safefs.h"
#include "export/csv.h"
#include "core/utctime.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>

using namespace pgha::svc;

namespace pgha::cli {

namespace {
QString ms3(double v)
{
    return QString::number(v, 'f', 3);
}

} // namespace

Result<QList<BenchResult>> loadBenchRuns(CliContext &ctx)
{
    auto lines = readJsonLines(benchStorePath(), kBenchStoreWhat);
    if (!lines)
        return lines.error();
    if (lines.value().skipped > 0)
        ctx.err << "pgha: " << lines.value().skipped << " unreadable line(s) in " << benchStorePath() << " skipped\n";
    QList<BenchResult> runs;
    for (const QJsonObject &o : lines.value().objects)
        runs.append(BenchResult::fromJson(o));
    return runs;
}

namespace {

QByteArray runsCsv(const QList<BenchResult> &runs)
{
    QByteArray out = csvRecord({QStringLiteral("id"), QStringLiteral("series"), QStringLiteral("label"), QStringLiteral("started_utc"),
                                QStringLiteral("target"), QStringLiteral("workload"), QStringLiteral("clients"), QStringLiteral("threads"),
                                QStringLiteral("duration_s"), QStringLiteral("cache"), QStringLiteral("tps"), QStringLiteral("transactions"),
                                QStringLiteral("failed"), QStringLiteral("lat_avg_ms"), QStringLiteral("lat_p50_ms"), QStringLiteral("lat_p95_ms"),
                                QStringLiteral("lat_p99_ms"), QStringLiteral("lat_p999_ms"), QStringLiteral("lat_max_ms"),
                                QStringLiteral("longest_gap_ms"), QStringLiteral("aborted_clients"), QStringLiteral("restarts"),
                                QStringLiteral("stopped"), QStringLiteral("answered_by"), QStringLiteral("server_version"),
                                QStringLiteral("synchronous_mode")});
    for (const BenchResult &r : runs) {
        const auto &l = r.log.latency;
        auto lat = [&l](qint64 LatencyPercentiles::*field) { return l ? ms3(double((*l).*field) / 1000.0) : QString(); };
        const QJsonObject cluster = r.manifest.value(u"cluster").toObject();
        out += csvRecord({r.id, r.series, r.label, utcFromMs(r.startedMs).toString(Qt::ISODate), r.target.name,
                          r.workload.builtin.isEmpty() ? r.workload.scripts.join(QLatin1Char(' ')) : r.workload.builtin,
                          QString::number(r.workload.clients), QString::number(r.workload.threads), QString::number(r.workload.durationS),
                          r.cold ? QStringLiteral("cold") : QStringLiteral("warm"), QString::number(r.tps, 'f', 2),
                          QString::number(r.transactions), QString::number(r.failed), l ? ms3(l->meanUs / 1000.0) : QString(),
                          lat(&LatencyPercentiles::p50Us), lat(&LatencyPercentiles::p95Us), lat(&LatencyPercentiles::p99Us),
                          lat(&LatencyPercentiles::p999Us), lat(&LatencyPercentiles::maxUs), QString::number(r.log.longestGapMs, 'f', 1),
                          QString::number(r.abortedClients), QString::number(r.restarts), r.stopped ? QStringLiteral("yes") : QStringLiteral("no"),
                          r.answeredBy.join(QStringLiteral("; ")), r.manifest.value(u"versions").toObject().value(u"server").toString(),
                          cluster.contains(u"synchronousMode") ? (cluster.value(u"synchronousMode").toBool() ? QStringLiteral("on") : QStringLiteral("off"))
                                                               : QString()});
    }
    return out;
}
} // namespace

QJsonArray configurationsJson(const QList<BenchConfigurationSummary> &summaries)
{
    QJsonArray groups;
    for (const auto &s : summaries) {
        QJsonObject g{{QStringLiteral("configuration"), s.text},
                      {QStringLiteral("runs"), int(s.runs.size())},
                      {QStringLiteral("tpsMedian"), s.tps.median},
                      {QStringLiteral("tpsMean"), s.tps.mean},
                      {QStringLiteral("tpsCiLow"), s.tps.ciLow()},
                      {QStringLiteral("tpsCiHigh"), s.tps.ciHigh()},
                      {QStringLiteral("p95MsMedian"), s.medianP95Ms},
                      {QStringLiteral("p99MsMedian"), s.medianP99Ms}};
        if (s.tps.cv)
            g.insert(QStringLiteral("cv"), *s.tps.cv);
        if (&s != &summaries.front()) {
            const BenchComparison c = compareTps(summaries.front(), s);
            g.insert(QStringLiteral("percentVsBaseline"), c.percent);
            if (c.withInterval) {
                g.insert(QStringLiteral("percentCiLow"), c.withInterval->ciLowPercent);
                g.insert(QStringLiteral("percentCiHigh"), c.withInterval->ciHighPercent);
                g.insert(QStringLiteral("significant"), c.withInterval->significant);
            }
        }
        groups.append(g);
    }
    return groups;
}

int benchRuns(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The kept benchmark runs (%1).").arg(benchStorePath()));
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("label"), QStringLiteral("Only runs with this label."), QStringLiteral("L")},
                       {QStringLiteral("series"), QStringLiteral("Only the runs of this session (--repeat/--clients)."), QStringLiteral("ID")},
                       {QStringLiteral("export"), QStringLiteral("Write them to FILE.csv or FILE.jsonl (atomically)."), QStringLiteral("FILE")},
                       {QStringLiteral("summary"), QStringLiteral("One line per configuration: median, 95 % CI, CV.")},
                       {QStringLiteral("json"), QStringLiteral("Print JSON lines.")}});
    parser.process(args);
    auto loaded = loadBenchRuns(ctx);
    if (!loaded) {
        ctx.err << "pgha: " << loaded.error().toString() << Qt::endl;
        return Failed;
    }
    const QString label = parser.value(QStringLiteral("label"));
    const QString series = parser.value(QStringLiteral("series"));
    QList<BenchResult> runs;
    for (const BenchResult &r : loaded.value())
        if ((label.isEmpty() || r.label == label) && (series.isEmpty() || r.series == series))
            runs.append(r);
    if (parser.isSet(QStringLiteral("export"))) {
        const QString file = parser.value(QStringLiteral("export"));
        QByteArray data;
        if (file.endsWith(u".csv")) {
            data = runsCsv(runs);
        } else if (file.endsWith(u".jsonl")) {
            for (const BenchResult &r : runs)
                data += QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact) + '\n';
        } else {
            ctx.err << "pgha: --export writes FILE.csv or FILE.jsonl, not " << file << '\n';
            return Usage;
        }
        if (auto w = fs::writeFileAtomic(file, data, 0644); !w) {
            ctx.err << "pgha: " << w.error().toString() << Qt::endl;
            return Failed;
        }
        ctx.out << "wrote " << runs.size() << " run(s) to " << file << Qt::endl;
        return Ok;
    }
    if (parser.isSet(QStringLiteral("summary"))) {
        printBenchSummaries(ctx, summarizeByConfiguration(runs));
        return Ok;
    }
    for (const BenchResult &r : runs) {
        if (parser.isSet(QStringLiteral("json"))) {
            ctx.out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact) << '\n';
            continue;
        }
        ctx.out << padRight(r.id, 22) << padRight(r.target.name, 12)
                << padRight(r.workload.builtin.isEmpty() ? QStringLiteral("script") : r.workload.builtin, 14)
                << padRight(QStringLiteral("c%1").arg(r.workload.clients), 6) << padRight(QString::number(r.tps, 'f', 1) + QStringLiteral(" tps"), 14)
                << "p99 " << (r.log.latency ? ms3(double(r.log.latency->p99Us) / 1000.0) : QStringLiteral("—")) << " ms  "
                << (r.stopped ? QStringLiteral("stopped ") : QString()) << r.label << '\n';
    }
    ctx.out.flush();
    return Ok;
}

int benchCompare(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compares kept runs: each RUN_ID may be a run id or a series id (all its runs). Runs are grouped by configuration; "
        "the first group is the baseline, and every other gets its TPS difference in % with a 95 % confidence interval "
        "(Welch) when both have at least 2 runs."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print the comparison as JSON.")});
    parser.addPositionalArgument(QStringLiteral("RUN_ID"), QStringLiteral("Runs or series, baseline first."), QStringLiteral("RUN_ID…"));
    parser.process(args);
    const QStringList ids = parser.positionalArguments();
    if (ids.isEmpty()) {
        ctx.err << "pgha: name the runs to compare (ids from pgha bench runs; a series id takes all its runs)\n";
        return Usage;
    }
    auto loaded = loadBenchRuns(ctx);
    if (!loaded) {
        ctx.err << "pgha: " << loaded.error().toString() << Qt::endl;
        return Failed;
    }
    QList<BenchResult> chosen;
    for (const QString &id : ids) {
        bool found = false;
        for (const BenchResult &r : loaded.value())
            if (r.id == id || r.series == id) {
                chosen.append(r);
                found = true;
            }
        if (!found) {
            ctx.err << "pgha: no kept run or series \"" << id << "\" in " << benchStorePath() << " (pgha bench runs lists them)\n";
            return Failed;
        }
    }
    const auto summaries = summarizeByConfiguration(chosen);
    if (parser.isSet(QStringLiteral("json"))) {
        ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("baseline"), summaries.isEmpty() ? QString() : summaries.front().text},
                                             {QStringLiteral("configurations"), configurationsJson(summaries)}})
                       .toJson(QJsonDocument::Indented);
        return Ok;
    }
    printBenchSummaries(ctx, summaries);
    return Ok;
}

} // namespace pgha::cli

// `pgha report --experiment NAME | --chaos-run ID… | --bench-run ID… --out FILE.html|FILE.pdf`: a self-contained
// report (method, environment, tables, figures) from the kept runs; nothing is measured again.
#include "clicontext.h"

#include "benchcli.h"

#include "chaos/chaosreport.h"
#include "experiment/experimentstore.h"
#include "reportdocument.h"

#include <QCommandLineParser>

using namespace pgha::svc;

namespace pgha::cli {

namespace {

constexpr int kMinDpi = 72;
constexpr int kMaxDpi = 1200;

QString chaosStorePath(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("store")))
        return parser.value(QStringLiteral("store"));
    const QString env = qEnvironmentVariable("PGHA_CHAOS_STORE");
    return env.isEmpty() ? defaultChaosStorePath() : env;
}

} // namespace

int runReportCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Write a report a thesis can print — method, environment, tables and figures — from kept runs: an experiment "
            "(`pgha experiment run`) or chaos runs by id (`pgha chaos runs --export` lists them). .html embeds its figures "
            "as SVG; .pdf draws them as vectors."));
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("experiment"), QStringLiteral("The experiment's name (or directory)."), QStringLiteral("name")},
                       {QStringLiteral("chaos-run"), QStringLiteral("A chaos run's id; repeat for several (a prefix will do)."),
                        QStringLiteral("id")},
                       {QStringLiteral("bench-run"), QStringLiteral("A benchmark run's id (`pgha bench runs`); repeat for several "
                                                                    "(a prefix will do)."),
                        QStringLiteral("id")},
                       {QStringLiteral("out"), QStringLiteral("The report: FILE.html or FILE.pdf."), QStringLiteral("file")},
                       {QStringLiteral("figures"), QStringLiteral("Also write every figure as SVG and as PNG (--dpi) into DIR, "
                                                                  "for a document of your own (LaTeX, Word)."),
                        QStringLiteral("dir")},
                       {QStringLiteral("dpi"), QStringLiteral("The PNG figures' resolution (default 300)."), QStringLiteral("dpi"),
                        QString::number(reports::kDefaultFigureDpi)},
                       {QStringLiteral("dir"), QStringLiteral("Where experiments are kept (default: $PGHA_EXPERIMENTS_DIR or %1).")
                                                       .arg(defaultExperimentsDir()),
                        QStringLiteral("dir")},
                       {QStringLiteral("store"), QStringLiteral("The chaos run store (default: $PGHA_CHAOS_STORE or %1).")
                                                         .arg(defaultChaosStorePath()),
                        QStringLiteral("file")}});
    if (!parser.parse(args)) {
        ctx.err << "pgha report: " << parser.errorText() << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText();
        return Ok;
    }
    const bool experiment = parser.isSet(QStringLiteral("experiment"));
    const bool chaos = parser.isSet(QStringLiteral("chaos-run"));
    const bool bench = parser.isSet(QStringLiteral("bench-run"));
    if (int(experiment) + int(chaos) + int(bench) != 1 || !parser.isSet(QStringLiteral("out"))) {
        ctx.err << "pgha report: give one of --experiment NAME, --chaos-run ID… or --bench-run ID…, and --out FILE.html|FILE.pdf\n";
        return Usage;
    }
    const QString out = parser.value(QStringLiteral("out"));
    if (!out.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive) && !out.endsWith(QStringLiteral(".html"), Qt::CaseInsensitive)
        && !out.endsWith(QStringLiteral(".htm"), Qt::CaseInsensitive)) {
        ctx.err << "pgha report: --out names FILE.html or FILE.pdf\n";
        return Usage;
    }

    reports::Report report;
    if (experiment) {
        const QString name = parser.value(QStringLiteral("experiment"));
        const QString base = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : defaultExperimentsDir();
        auto kept = loadExperiment(findExperimentDir(base, name));
        if (!kept) {
            ctx.err << "pgha: " << kept.error().toString() << '\n';
            return Failed;
        }
        report = reports::experimentReport(kept.value());
    } else if (bench) {
        auto runs = loadBenchRuns(ctx);
        if (!runs) {
            ctx.err << "pgha: " << runs.error().toString() << '\n';
            return Failed;
        }
        QList<BenchResult> chosen;
        for (const QString &id : parser.values(QStringLiteral("bench-run"))) {
            QList<BenchResult> matches;
            for (const auto &r : runs.value())
                if (r.id.startsWith(id))
                    matches.append(r);
            if (matches.size() != 1) {
                ctx.err << "pgha report: " << (matches.isEmpty() ? "no benchmark run" : "more than one benchmark run") << " with id \""
                        << id << "\" in " << benchStorePath() << " (`pgha bench runs` lists them)\n";
                return Failed;
            }
            chosen.append(matches.front());
        }
        report = reports::benchRunsReport(chosen);
    } else {
        auto runs = loadChaosRuns(chaosStorePath(parser));
        if (!runs) {
            ctx.err << "pgha: " << runs.error().toString() << '\n';
            return Failed;
        }
        QList<ChaosReport> chosen;
        for (const QString &id : parser.values(QStringLiteral("chaos-run"))) {
            QList<ChaosReport> matches;
            for (const auto &r : runs.value())
                if (r.runId.startsWith(id))
                    matches.append(r);
            if (matches.size() != 1) {
                ctx.err << "pgha report: " << (matches.isEmpty() ? "no chaos run" : "more than one chaos run") << " with id \"" << id
                        << "\" in " << chaosStorePath(parser) << " (`pgha chaos runs --export FILE.csv` lists them)\n";
                return Failed;
            }
            chosen.append(matches.front());
        }
        report = reports::chaosRunsReport(chosen);
    }
    if (auto written = reports::writeReport(report, out); !written) {
        ctx.err << "pgha: " << written.error().toString() << '\n';
        return Failed;
    }
    ctx.out << "wrote " << out << '\n';
    if (parser.isSet(QStringLiteral("figures"))) {
        bool okDpi = false;
        const int dpi = parser.value(QStringLiteral("dpi")).toInt(&okDpi);
        if (!okDpi || dpi < kMinDpi || dpi > kMaxDpi) {
            ctx.err << "pgha report: --dpi wants " << kMinDpi << "–" << kMaxDpi << '\n';
            return Usage;
        }
        auto written = reports::writeFigures(report, parser.value(QStringLiteral("figures")), dpi);
        if (!written) {
            ctx.err << "pgha: " << written.error().toString() << '\n';
            return Failed;
        }
        for (const QString &f : written.value())
            ctx.out << "wrote " << f << '\n';
    }
    return Ok;
}

} // namespace pgha::cli

// `pgha experiment run FILE.yaml | show NAME | list`: a fault (under load or not) over a grid of
// settings, repeated, unattended and resumable; the results per cell (median, p95, min/max,
// 95 % CI) as a table, JSON or CSV. The plan's format: docs/experiment-plan.md.
#include "clicontext.h"

#include "chaos/chaosreport.h"
#include "experiment/experimentrunner.h"
#include "experiment/experimentstats.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"
#include "signalwatcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QFile>
#include <QJsonDocument>

using namespace pgha::svc;

namespace pgha::cli {

namespace {

constexpr int kPasswordPromptMs = 10000;

QCommandLineOption dirOption()
{
    return {QStringLiteral("dir"), QStringLiteral("Where experiments are kept (default: $PGHA_EXPERIMENTS_DIR or %1).").arg(defaultExperimentsDir()),
            QStringLiteral("dir")};
}

QString baseDir(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : defaultExperimentsDir();
}

QString chaosStore()
{
    const QString env = qEnvironmentVariable("PGHA_CHAOS_STORE");
    return env.isEmpty() ? defaultChaosStorePath() : env;
}

// "6 min 20 s"
QString durationText(qint64 ms)
{
    const qint64 s = (ms + 500) / 1000;
    return s >= 60 ? QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60) : QStringLiteral("%1 s").arg(s);
}

int runPlan(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Run an experiment: every cell of its grid, each repeated, one after another on a healthy cluster, every run "
            "recorded as it ends. --resume makes only the runs still missing (an interrupted one is made again). Exit "
            "status 0 once every run is recorded (whatever their verdicts), 1 when it stopped before."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("plan"), QStringLiteral("The plan (YAML; docs/experiment-plan.md)."));
    parser.addOptions({dirOption(),
                       {QStringLiteral("resume"), QStringLiteral("Continue an experiment whose runs are already recorded.")},
                       {QStringLiteral("quiet"), QStringLiteral("Only the progress lines and the table.")},
                       {QStringLiteral("json"), QStringLiteral("Print the summary as JSON on stdout at the end (progress on stderr).")}});
    if (!parser.parse(args)) {
        ctx.err << "pgha experiment run: " << parser.errorText() << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText() << "\nPlan settings (in settings: and grid:):\n";
        for (const auto &k : experimentSettingKeys())
            ctx.out << "  " << padRight(QLatin1String(k.key), 13) << k.meaning << '\n';
        return Ok;
    }
    if (parser.positionalArguments().size() != 1) {
        ctx.err << "pgha experiment run: give one plan file (pgha experiment run FILE.yaml)\n";
        return Usage;
    }
    const QString planPath = parser.positionalArguments().front();
    auto plan = loadExperimentPlan(planPath);
    if (!plan) {
        ctx.err << "pgha: " << plan.error().toString() << '\n';
        return plan.error().is(ErrorKind::Parse) ? Usage : Failed;
    }
    QFile planFile(planPath);
    const QByteArray planText = planFile.open(QIODevice::ReadOnly) ? planFile.readAll() : QByteArray();
    auto profile = resolveProfile(plan.value().profile, LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << '\n';
        return Failed;
    }
    for (const auto &cell : plan.value().cells())
        if (auto o = chaosOptionsForCell(cell, profile.value()); !o) {
            ctx.err << "pgha: cell " << cell.key << ": " << o.error().toString() << '\n';
            return Failed;
        }
    const QString dir = experimentDir(baseDir(parser), plan.value().name);
    int skipped = 0;
    auto recorded = loadExperimentRuns(dir, &skipped);
    if (!recorded) {
        ctx.err << "pgha: " << recorded.error().toString() << '\n';
        return Failed;
    }
    if (skipped)
        ctx.err << "pgha: skipped " << skipped << " unreadable line(s) in " << dir << "/runs.jsonl\n";
    if (auto ok = prepareExperimentDir(dir, plan.value(), planText, parser.isSet(QStringLiteral("resume")), recorded.value()); !ok) {
        ctx.err << "pgha: " << ok.error().toString() << '\n';
        return Failed;
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    QTextStream &human = json ? ctx.err : ctx.out;
    HttpClient http;
    Profile target = profile.value();
    ExperimentRunner runner(plan.value(), target, dir, chaosStore(), &http);
    const int planned = plan.value().runCount();
    QObject::connect(&runner, &ExperimentRunner::runStarted, [&](const ExperimentProgress &p) {
        human << QStringLiteral("── run %1 of %2: %3, repetition %4 of %5")
                         .arg(p.alreadyRecorded + p.done + 1).arg(planned).arg(p.cell).arg(p.repetition).arg(plan.value().repetitions);
        if (p.etaMs)
            human << QStringLiteral(" — about %1 left").arg(durationText(*p.etaMs));
        human << Qt::endl;
    });
    QObject::connect(&runner, &ExperimentRunner::stageChanged, [&](const QString &text) {
        if (!quiet)
            human << "   " << text << Qt::endl;
    });
    QObject::connect(&runner, &ExperimentRunner::runFinished, [&](const ExperimentRun &run, const ExperimentProgress &) {
        const ChaosReport &r = run.run;
        human << QStringLiteral("   %1: RTO %2, write gap %3").arg(r.verdict, formatSeconds(r.rtoMs), formatSeconds(r.writeGapMs));
        if (r.load)
            human << QStringLiteral(", pgbench gap %1, throughput back %2")
                             .arg(formatSeconds(r.load->gapMs), formatSeconds(r.load->throughputRecoveryMs));
        if (!r.error.isEmpty())
            human << " — " << r.error;
        human << QStringLiteral(" (%1)").arg(durationText(run.durationMs)) << Qt::endl;
    });
    QObject::connect(&runner, &ExperimentRunner::storeError, [&](const QString &e) { ctx.err << "pgha: " << e << Qt::endl; });
    int exitCode = Ok;
    QObject::connect(&runner, &ExperimentRunner::finished, [&](bool complete, const QString &reason) {
        auto all = loadExperimentRuns(dir);
        const QList<CellSummary> cells = summarizeExperiment(plan.value(), all ? all.value() : QList<ExperimentRun>());
        human << '\n' << experimentTableText(plan.value(), cells);
        if (!complete) {
            const int left = static_cast<int>(remainingRuns(plan.value(), all ? all.value() : QList<ExperimentRun>()).size());
            ctx.err << "pgha: the experiment stopped: " << reason << "; " << left << " run(s) to make — `pgha experiment run "
                    << planPath << " --resume` makes them" << Qt::endl;
            exitCode = Failed;
        } else {
            human << "\nevery run recorded in " << dir << "; `pgha report --experiment " << plan.value().name
                  << " --out FILE.pdf` prints it" << Qt::endl;
        }
        if (json)
            ctx.out << QJsonDocument(experimentSummaryJson(plan.value(), cells)).toJson(QJsonDocument::Indented);
        QCoreApplication::exit(exitCode);
    });
    app::SignalWatcher watcher;
    QObject::connect(&watcher, &app::SignalWatcher::interrupted, [&] {
        ctx.err << "interrupted: undoing the fault in progress; that run is not recorded" << Qt::endl;
        runner.cancel();
    });
    const QList<ExperimentRun> done = recorded.value();
    if (target.isBuiltInLab()) {
        QMetaObject::invokeMethod(&runner, [&] { runner.start(done); }, Qt::QueuedConnection);
    } else {
        QMetaObject::invokeMethod(&http, [&] {
            withSecurity(ctx, http, target, kPasswordPromptMs, [&](const ProfilePasswords &pw) {
                target.readWrite.password = pw.postgres;
                runner.setProfile(target);
                runner.start(done);
            });
        }, Qt::QueuedConnection);
    }
    QCoreApplication::exec();
    return exitCode;
}

int showExperiment(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("An experiment's results per cell: median, p95, min/max and the mean's 95 % CI."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("experiment"), QStringLiteral("Its name, or its directory."));
    parser.addOptions({dirOption(),
                       {QStringLiteral("json"), QStringLiteral("Print JSON (schema pgha.experiment.summary/1).")},
                       {QStringLiteral("csv"), QStringLiteral("Write one row per cell and figure to FILE."), QStringLiteral("file")}});
    if (!parser.parse(args)) {
        ctx.err << "pgha experiment show: " << parser.errorText() << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText();
        return Ok;
    }
    if (parser.positionalArguments().size() != 1) {
        ctx.err << "pgha experiment show: name one experiment (`pgha experiment list`)\n";
        return Usage;
    }
    auto kept = loadExperiment(findExperimentDir(baseDir(parser), parser.positionalArguments().front()));
    if (!kept) {
        ctx.err << "pgha: " << kept.error().toString() << '\n';
        return Failed;
    }
    const ExperimentPlan &plan = kept.value().plan;
    const QList<CellSummary> cells = summarizeExperiment(plan, kept.value().runs);
    if (parser.isSet(QStringLiteral("csv"))) {
        if (auto ok = exportExperimentCsv(parser.value(QStringLiteral("csv")), cells); !ok) {
            ctx.err << "pgha: " << ok.error().toString() << '\n';
            return Failed;
        }
    }
    if (parser.isSet(QStringLiteral("json")))
        ctx.out << QJsonDocument(experimentSummaryJson(plan, cells)).toJson(QJsonDocument::Indented);
    else
        ctx.out << experimentTableText(plan, cells);
    return Ok;
}

int listKept(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The kept experiments, with how many of their runs are recorded."));
    parser.addHelpOption();
    parser.addOptions({dirOption()});
    if (!parser.parse(args)) {
        ctx.err << "pgha experiment list: " << parser.errorText() << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText();
        return Ok;
    }
    int shown = 0;
    for (const KeptExperiment &e : svc::listExperiments(baseDir(parser))) {
        ctx.out << padRight(QFileInfo(e.dir).fileName(), 28)
                << padRight(QStringLiteral("%1 of %2 runs").arg(e.measured()).arg(e.plan.runCount()), 16) << e.plan.title << '\n';
        ++shown;
    }
    if (!shown)
        ctx.out << "no experiments in " << baseDir(parser) << '\n';
    return Ok;
}

} // namespace

int runExperimentCommand(CliContext &ctx, const QStringList &args)
{
    // args[0] is "experiment".
    const QString sub = args.value(1);
    const QStringList rest = QStringList{QStringLiteral("pgha experiment ") + sub} + args.mid(2);
    if (sub == u"run")
        return runPlan(ctx, rest);
    if (sub == u"show")
        return showExperiment(ctx, rest);
    if (sub == u"list")
        return listKept(ctx, rest);
    const bool help = sub == u"--help" || sub == u"-h";
    (help ? ctx.out : ctx.err) << "Usage: pgha experiment run FILE.yaml [--resume] [--dir DIR] [--json]\n"
                                  "       pgha experiment show NAME|DIR [--json] [--csv FILE]\n"
                                  "       pgha experiment list [--dir DIR]\n"
                                  "The plan's format: docs/experiment-plan.md\n";
    return help ? Ok : Usage;
}

} // namespace pgha::cli

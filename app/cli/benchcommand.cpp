// `pgha bench init|run|runs`: pgbench against the profile's entry points, figures from pgbench's
// own progress lines and per-transaction logs, every run kept in the benchmark run store.
#include "benchcli.h"

#include "bench/benchtargets.h"
#include "bench/benchsession.h"
#include "bench/benchstore.h"
#include "bench/pgbenchrunner.h"
#include "core/jsonlstore.h"
#include "core/safefs.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"
#include "profile/profile.h"
#include "core/utctime.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <csignal>
#include <memory>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

using namespace pgha::svc;

namespace pgha::cli {

namespace {

const char kBenchUsage[] = R"USAGE(Usage: pgha bench <init|run|runs|compare> [options]

  init      pgbench -i -s N into the database "pgbench" (created when missing)
  run       a pgbench workload against one or more targets, with per-second figures and exact
            percentiles; --repeat N, -c 1,2,4,8 sweeps, --warmup S, --cold, --report FILE.md
  runs      the kept runs (--json, --label L, --series ID, --summary, --export FILE.csv|.jsonl)
  compare   RUN_ID|SERIES_ID… : TPS differences in % with a 95 % confidence interval

Targets: rw, ro, pgpool, direct (the primary, no proxy), standalone (a plain PostgreSQL
beside the lab: the single-node baseline), member:NAME. Several: --target direct,rw,ro.
Run `pgha bench SUBCOMMAND --help` for the options.
)USAGE";

} // namespace


namespace {

#ifdef Q_OS_UNIX
int sigintFd[2] = {-1, -1};

// Ctrl-C stops the run cleanly (pgbench gets SIGINT, the figures so far are kept). Elsewhere
// (no pipe to wake the event loop from a handler) Ctrl-C ends pgha as it would any program.
void onSigint(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(sigintFd[1], &c, 1);
}
#endif

struct Common {
    Profile profile;
    BenchTarget target;
    QString pgbench;
};

// Profile, target (async for "direct") and pgbench; `ready` or an exit code through `fail`.
void prepare(CliContext &ctx, QCommandLineParser &parser, QObject *context, std::function<void(const Common &)> ready,
             std::function<void(int)> fail)
{
    auto profile = resolveProfile(parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << Qt::endl;
        return fail(Failed);
    }
    auto pgbench = locatePgbench();
    if (!pgbench) {
        ctx.err << "pgha: " << pgbench.error().toString() << Qt::endl;
        return fail(Failed);
    }
    const QString name = parser.value(QStringLiteral("target"));
    auto withTarget = [&ctx, ready, fail, p = profile.value(), pgbench = pgbench.value()](const Result<BenchTarget> &t) {
        if (!t) {
            ctx.err << "pgha: " << t.error().toString() << Qt::endl;
            return fail(Failed);
        }
        ready({p, t.value(), pgbench});
    };
    resolveBenchTargetAsync(profile.value(), name, context, withTarget);
}

void addCommon(QCommandLineParser &parser)
{
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("profile"), QStringLiteral("Profile (default: the built-in lab)."), QStringLiteral("NAME|FILE")},
                       {QStringLiteral("target"), QStringLiteral("rw, ro, pgpool, direct, standalone or member:NAME (default rw); "
                                                                 "bench run takes several: direct,rw,ro."),
                        QStringLiteral("T"), QStringLiteral("rw")}});
}

int benchInit(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    addCommon(parser);
    parser.addOption({QStringLiteral("scale"), QStringLiteral("Scale factor (100,000 accounts each; default 10)."), QStringLiteral("N"),
                      QStringLiteral("10")});
    parser.process(args);
    bool ok = false;
    const int scale = parser.value(QStringLiteral("scale")).toInt(&ok);
    if (!ok || scale < 1 || scale > 100000) {
        ctx.err << "pgha: --scale must be a whole number 1 … 100000\n";
        return Usage;
    }
    if (parser.value(QStringLiteral("target")) == u"ro") {
        ctx.err << "pgha: bench init writes tables: --target ro reaches replicas, which refuse writes — use rw, direct or pgpool\n";
        return Usage;
    }
    int exitCode = Failed;
    QTemporaryDir work;
    PgbenchRunner runner;
    QObject::connect(&runner, &PgbenchRunner::initProgress, &runner, [&ctx](double fraction, const QString &) {
        ctx.err << QStringLiteral("\rinit: %1 %").arg(fraction * 100.0, 5, 'f', 1) << Qt::flush;
    });
    QObject::connect(&runner, &PgbenchRunner::finished, &runner, [&](const BenchResult &r) {
        ctx.err << '\n';
        if (r.ok()) {
            ctx.out << "initialised pgbench at scale " << scale << " through " << r.target.name << " (" << r.target.endpoint.describe()
                    << ") in " << QString::number((r.endedMs - r.startedMs) / 1000.0, 'f', 1) << " s" << Qt::endl;
            exitCode = Ok;
        } else {
            ctx.err << "pgha: " << r.error << Qt::endl;
        }
        QCoreApplication::quit();
    });
    prepare(ctx, parser, &runner, [&](const Common &c) { runner.init(c.pgbench, c.target, scale, work.path()); },
            [&](int code) {
                exitCode = code;
                QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
            });
    QCoreApplication::exec();
    return exitCode;
}

} // namespace

void printBenchRun(CliContext &ctx, const BenchResult &r)
{
    ctx.out << "run " << r.id << (r.stopped ? "  (stopped: figures up to the stop)" : "") << '\n'
            << "  target      " << r.target.name << ": " << r.target.path << " (" << r.target.endpoint.describe() << ")\n"
            << "  answered by " << (r.answeredBy.isEmpty() ? QStringLiteral("—") : r.answeredBy.join(QStringLiteral(", "))) << '\n'
            << "  workload    " << (r.workload.builtin.isEmpty() ? r.workload.scripts.join(QLatin1Char(' ')) : r.workload.builtin)
            << ", " << r.workload.clients << " clients, " << r.workload.threads << " threads, " << r.workload.durationS << " s\n"
            << "  tps         " << QString::number(r.tps, 'f', 1) << "  (" << r.transactions << " transactions, " << r.failed
            << " failed)\n";
    if (r.log.latency) {
        const auto &l = *r.log.latency;
        auto ms = [](qint64 us) { return QString::number(double(us) / 1000.0, 'f', 3); };
        ctx.out << "  latency ms  avg " << QString::number(l.meanUs / 1000.0, 'f', 3) << "  p50 " << ms(l.p50Us) << "  p95 " << ms(l.p95Us)
                << "  p99 " << ms(l.p99Us) << "  p99.9 " << ms(l.p999Us) << "  max " << ms(l.maxUs) << '\n';
    }
    ctx.out << "  longest gap without a commit " << QString::number(r.log.longestGapMs, 'f', 1) << " ms; aborted clients "
            << r.abortedClients << "; restarts " << r.restarts << '\n';
    for (const QString &w : r.warnings)
        ctx.out << "  note: " << w << '\n';
    ctx.out.flush();
}

void printBenchSummaries(CliContext &ctx, const QList<BenchConfigurationSummary> &summaries)
{
    for (const auto &s : summaries) {
        ctx.out << s.text << '\n'
                << "  " << s.runs.size() << " run(s): median " << QString::number(s.tps.median, 'f', 1) << " tps";
        if (s.tps.ciHalfWidth)
            ctx.out << ", mean " << QString::number(s.tps.mean, 'f', 1) << " (95 % CI " << QString::number(s.tps.ciLow(), 'f', 1) << " – "
                    << QString::number(s.tps.ciHigh(), 'f', 1) << ")";
        if (s.tps.cv)
            ctx.out << ", CV " << QString::number(*s.tps.cv * 100.0, 'f', 1) << " %";
        ctx.out << "; latency median p95 " << QString::number(s.medianP95Ms, 'f', 3) << " ms, p99 " << QString::number(s.medianP99Ms, 'f', 3)
                << " ms\n";
        if (s.noisy())
            ctx.out << "  warning: the runs vary by more than " << int(kNoisyCv * 100) << " % (CV): more repetitions, a longer -T or a "
                    << "quieter machine before comparing\n";
        if (&s != &summaries.front())
            ctx.out << "  vs " << summaries.front().text << ": " << describeComparison(compareTps(summaries.front(), s)) << '\n';
    }
    ctx.out.flush();
}

namespace {

// The session as `--json` and `--report FILE.json` give it: its runs and one entry per configuration.
QJsonObject sessionJson(const QString &series, const QList<BenchResult> &runs, const QString &error)
{
    QJsonArray all;
    for (const BenchResult &r : runs)
        all.append(r.toJson());
    return {{QStringLiteral("series"), series},
            {QStringLiteral("error"), error},
            {QStringLiteral("runs"), all},
            {QStringLiteral("configurations"), configurationsJson(summarizeByConfiguration(runs))}};
}

// A report a thesis can quote: the configurations, their figures and what they ran on.
QByteArray markdownReport(const QList<BenchResult> &runs)
{
    const auto summaries = summarizeByConfiguration(runs);
    QString md = QStringLiteral("# Benchmark report\n\n");
    if (!runs.isEmpty()) {
        const BenchManifest m = BenchManifest::fromJson(runs.front().manifest);
        md += QStringLiteral("Series `%1`, %2 run(s), started %3 UTC.\n\n")
                  .arg(runs.front().series)
                  .arg(runs.size())
                  .arg(utcFromMs(runs.front().startedMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        md += QStringLiteral("- pgbench: %1; server: PostgreSQL %2; Patroni %3; PgBouncer: %4; HAProxy: %5%6\n")
                  .arg(m.pgbenchVersion, m.serverVersion, m.patroniVersion.isEmpty() ? QStringLiteral("—") : m.patroniVersion,
                       m.pgbouncerVersion.isEmpty() ? QStringLiteral("—") : m.pgbouncerVersion,
                       m.haproxyVersion.isEmpty() ? QStringLiteral("—") : m.haproxyVersion,
                       m.pgpoolVersion.isEmpty() ? QString() : QStringLiteral("; Pgpool-II ") + m.pgpoolVersion);
        md += QStringLiteral("- cluster: scale %1; synchronous_mode %2; %3\n")
                  .arg(m.scale)
                  .arg(m.synchronousMode ? (*m.synchronousMode ? QStringLiteral("on") : QStringLiteral("off")) : QStringLiteral("unknown"))
                  .arg(m.timing);
        md += QStringLiteral("- machine: %1 cores, %2 GiB, %3, %4\n\n")
                  .arg(m.cores)
                  .arg(double(m.memoryBytes) / (1024.0 * 1024 * 1024), 0, 'f', 1)
                  .arg(m.kernel, m.os);
        md += QStringLiteral("Command line of the first run: `%1`\n\n").arg(runs.front().commandLine);
    }
    md += QStringLiteral("| configuration | runs | median TPS | 95 % CI of the mean | CV | p95 ms | p99 ms | vs first |\n"
                         "|---|---|---|---|---|---|---|---|\n");
    for (const auto &s : summaries) {
        md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 |\n")
                  .arg(s.text)
                  .arg(s.runs.size())
                  .arg(s.tps.median, 0, 'f', 1)
                  .arg(s.tps.ciHalfWidth ? QStringLiteral("%1 – %2").arg(s.tps.ciLow(), 0, 'f', 1).arg(s.tps.ciHigh(), 0, 'f', 1)
                                         : QStringLiteral("—"))
                  .arg(s.tps.cv ? QStringLiteral("%1 %%2").arg(*s.tps.cv * 100.0, 0, 'f', 1).arg(s.noisy() ? QStringLiteral(" ⚠") : QString())
                                : QStringLiteral("—"))
                  .arg(s.medianP95Ms, 0, 'f', 3)
                  .arg(s.medianP99Ms, 0, 'f', 3)
                  .arg(&s == &summaries.front() ? QStringLiteral("baseline") : describeComparison(compareTps(summaries.front(), s)));
    }
    return md.toUtf8();
}

int benchRun(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    addCommon(parser);
    parser.addOptions({{QStringLiteral("builtin"), QStringLiteral("tpcb-like, simple-update or select-only (default)."), QStringLiteral("NAME")},
                       {QStringLiteral("file"), QStringLiteral("A custom script, with an optional weight (repeatable)."), QStringLiteral("F[@W]")},
                       {{QStringLiteral("c"), QStringLiteral("clients")}, QStringLiteral("Clients (default 1), or a sweep: 1,2,4,8."), QStringLiteral("N|LIST"), QStringLiteral("1")},
                       {{QStringLiteral("j"), QStringLiteral("threads")}, QStringLiteral("Threads (default 1; at most the clients)."), QStringLiteral("N"), QStringLiteral("1")},
                       {{QStringLiteral("T"), QStringLiteral("time")}, QStringLiteral("Duration in seconds (default 10)."), QStringLiteral("S"), QStringLiteral("10")},
                       {{QStringLiteral("R"), QStringLiteral("rate")}, QStringLiteral("Target rate, transactions per second."), QStringLiteral("TPS")},
                       {{QStringLiteral("L"), QStringLiteral("latency-limit")}, QStringLiteral("Latency limit in ms (with -R)."), QStringLiteral("MS")},
                       {{QStringLiteral("M"), QStringLiteral("protocol")}, QStringLiteral("simple, extended or prepared."), QStringLiteral("MODE")},
                       {QStringLiteral("repeat"), QStringLiteral("Runs per configuration (median, 95 % CI, CV; default 1)."), QStringLiteral("N"), QStringLiteral("1")},
                       {QStringLiteral("warmup"), QStringLiteral("A run of S seconds before each configuration, not kept."), QStringLiteral("S"), QStringLiteral("0")},
                       {QStringLiteral("cold"), QStringLiteral("Restart the target's servers through Patroni (and drop the page cache as root on the native lab) before each run.")},
                       {QStringLiteral("sampling-rate"), QStringLiteral("Share of transactions logged for percentiles (0 < r ≤ 1; default 1)."), QStringLiteral("R")},
                       {QStringLiteral("label"), QStringLiteral("A label kept with the runs."), QStringLiteral("TEXT")},
                       {QStringLiteral("report"), QStringLiteral("Also write the session as FILE.md (a table with versions and machine) or FILE.json."), QStringLiteral("FILE")},
                       {QStringLiteral("json"), QStringLiteral("Print the run (or the runs and their summary) as JSON.")},
                       {QStringLiteral("no-store"), QStringLiteral("Do not keep the runs in the store.")}});
    parser.process(args);
    BenchPlan plan;
    BenchWorkload &w = plan.workload;
    w.scripts = parser.values(QStringLiteral("file"));
    w.builtin = parser.isSet(QStringLiteral("builtin")) ? parser.value(QStringLiteral("builtin"))
                                                         : (w.scripts.isEmpty() ? QStringLiteral("select-only") : QString());
    bool ok2 = false, ok3 = false, ok4 = false, ok5 = false;
    const QString clients = parser.value(QStringLiteral("c"));
    if (clients.contains(QLatin1Char(','))) {
        auto list = parseClientsList(clients);
        if (!list) {
            ctx.err << "pgha: " << list.error().toString() << '\n';
            return Usage;
        }
        plan.clientsSweep = list.value();
        w.clients = plan.clientsSweep.front();
    } else {
        bool ok1 = false;
        w.clients = clients.toInt(&ok1);
        if (!ok1) {
            ctx.err << "pgha: -c takes a whole number or a list such as 1,2,4,8\n";
            return Usage;
        }
    }
    w.threads = parser.value(QStringLiteral("j")).toInt(&ok2);
    w.durationS = parser.value(QStringLiteral("T")).toInt(&ok3);
    plan.repeat = parser.value(QStringLiteral("repeat")).toInt(&ok4);
    plan.warmupS = parser.value(QStringLiteral("warmup")).toInt(&ok5);
    if (!ok2 || !ok3 || !ok4 || !ok5) {
        ctx.err << "pgha: -j, -T, --repeat and --warmup take whole numbers\n";
        return Usage;
    }
    auto number = [&](const QString &name, std::optional<double> &into) {
        if (!parser.isSet(name))
            return true;
        bool ok = false;
        into = parser.value(name).toDouble(&ok);
        if (!ok)
            ctx.err << "pgha: --" << name << " takes a number, not \"" << parser.value(name) << "\"\n";
        return ok;
    };
    if (!number(QStringLiteral("R"), w.rate) || !number(QStringLiteral("L"), w.latencyLimitMs)
        || !number(QStringLiteral("sampling-rate"), w.samplingRate))
        return Usage;
    w.queryMode = parser.value(QStringLiteral("M"));
    plan.cold = parser.isSet(QStringLiteral("cold"));
    plan.label = parser.value(QStringLiteral("label"));
    plan.targets = parser.value(QStringLiteral("target")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (const QString problem = plan.problem(); !problem.isEmpty()) {
        ctx.err << "pgha: " << problem << '\n';
        return Usage;
    }
    const QString report = parser.value(QStringLiteral("report"));
    if (!report.isEmpty() && !report.endsWith(u".md") && !report.endsWith(u".json")) {
        ctx.err << "pgha: --report writes FILE.md or FILE.json, not " << report << '\n';
        return Usage;
    }
    if (plan.targets.contains(QStringLiteral("ro")) && w.builtin != u"select-only" && w.scripts.isEmpty())
        ctx.err << "pgha: note: " << w.builtin << " writes, and --target ro reaches replicas: expect every transaction to fail\n";
    auto profile = resolveProfile(parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << Qt::endl;
        return Failed;
    }

    int exitCode = Failed;
    QTemporaryDir work;
    BenchSession session;
    const bool json = parser.isSet(QStringLiteral("json"));
#ifdef Q_OS_UNIX
    if (::pipe(sigintFd) == 0) {
        std::signal(SIGINT, onSigint);
        auto *notifier = new QSocketNotifier(sigintFd[0], QSocketNotifier::Read, &session);
        QObject::connect(notifier, &QSocketNotifier::activated, &session, [&] {
            char c;
            [[maybe_unused]] auto n = ::read(sigintFd[0], &c, 1);
            ctx.err << "\nstopping pgbench (figures so far are kept)…" << Qt::endl;
            session.stop();
        });
    }
#endif
    QObject::connect(&session, &BenchSession::runStarted, &session,
                     [&ctx](int index, int count, const QString &target, int runClients, int repetition, bool warmup) {
                         if (warmup)
                             return;
                         ctx.err << QStringLiteral("run %1 of %2: %3, %4 clients, repetition %5\n").arg(index + 1).arg(count).arg(target).arg(runClients).arg(repetition + 1)
                                 << Qt::flush;
                     });
    QObject::connect(&session, &BenchSession::note, &session, [&ctx](const QString &text) { ctx.err << "pgha: " << text << Qt::endl; });
    QObject::connect(&session, &BenchSession::sample, &session, [&ctx](const BenchSample &s, bool warmup) {
        ctx.err << QStringLiteral("%1%2 s  %3 tps  lat %4 ± %5 ms  %6 failed\n")
                           .arg(warmup ? QStringLiteral("warm-up ") : QString())
                           .arg(s.t, 6, 'f', 1).arg(s.tps, 9, 'f', 1).arg(s.latAvgMs, 0, 'f', 3).arg(s.latStddevMs, 0, 'f', 3).arg(s.failed)
                << Qt::flush;
    });
    QObject::connect(&session, &BenchSession::runFinished, &session, [&](const BenchResult &r) {
        if (!json && plan.runCount() > 1)
            printBenchRun(ctx, r);
    });
    QObject::connect(&session, &BenchSession::finished, &session, [&](const QList<BenchResult> &runs, const QString &error) {
        if (!error.isEmpty())
            ctx.err << "pgha: " << error << Qt::endl;
        const auto summaries = summarizeByConfiguration(runs);
        if (json) {
            if (runs.size() == 1 && plan.runCount() == 1) {
                ctx.out << QJsonDocument(runs.front().toJson()).toJson(QJsonDocument::Indented);
            } else {
                ctx.out << QJsonDocument(sessionJson(session.seriesId(), runs, error)).toJson(QJsonDocument::Indented);
            }
        } else if (plan.runCount() == 1) {
            if (!runs.isEmpty())
                printBenchRun(ctx, runs.front());
        } else {
            ctx.out << "series " << session.seriesId() << ": " << runs.size() << " of " << plan.runCount() << " run(s)\n";
            printBenchSummaries(ctx, summaries);
        }
        if (!report.isEmpty() && !runs.isEmpty()) {
            QByteArray data;
            if (report.endsWith(u".md")) {
                data = markdownReport(runs);
            } else {
                data = QJsonDocument(sessionJson(session.seriesId(), runs, error)).toJson(QJsonDocument::Indented);
            }
            if (auto written = fs::writeFileAtomic(report, data, 0644); !written)
                ctx.err << "pgha: " << written.error().toString() << Qt::endl;
            else
                ctx.err << "pgha: report written to " << report << Qt::endl;
        }
        ctx.out.flush();
        exitCode = error.isEmpty() && !runs.isEmpty() ? Ok : Failed;
        QCoreApplication::quit();
    });
    session.start(profile.value(), plan, work.path(), parser.isSet(QStringLiteral("no-store")) ? QString() : benchStorePath());
    QCoreApplication::exec();
#ifdef Q_OS_UNIX
    std::signal(SIGINT, SIG_DFL);
#endif
    return exitCode;
}
} // namespace

int runBenchCommand(CliContext &ctx, const QStringList &args)
{
    // args[0] is "bench".
    const QString sub = args.value(1);
    if (sub == u"init")
        return benchInit(ctx, args.mid(1));
    if (sub == u"run")
        return benchRun(ctx, args.mid(1));
    if (sub == u"runs")
        return benchRuns(ctx, args.mid(1));
    if (sub == u"compare")
        return benchCompare(ctx, args.mid(1));
    (sub.isEmpty() || sub == u"--help" ? ctx.out : ctx.err) << kBenchUsage;
    return sub.isEmpty() || sub == u"--help" ? Ok : Usage;
}

} // namespace pgha::cli

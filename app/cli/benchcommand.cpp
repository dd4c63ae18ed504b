// `pgha bench init|run|runs`: pgbench against the profile's entry points, figures from pgbench's
// own progress lines and per-transaction logs, every run kept in the benchmark run store.
#include "clicontext.h"

#include "bench/benchtargets.h"
#include "bench/pgbenchrunner.h"
#include "core/jsonlstore.h"
#include "lab/labconfig.h"
#include "profile/profile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <csignal>
#include <memory>

using namespace pgha::svc;

namespace pgha::cli {

namespace {
const QString kStoreWhat = QStringLiteral("the benchmark run store");
// Connections opened to see which servers answer through a target.
constexpr int kMaxAnswerProbes = 4;

const char kBenchUsage[] = R"USAGE(Usage: pgha bench <init|run|runs> [options]

  init   pgbench -i -s N into the database "pgbench" (created when missing)
  run    a pgbench workload against a target, with per-second figures and exact percentiles
  runs   the kept runs (--json, --label L)

Targets: rw, ro, pgpool, direct (the primary, no proxy), member:NAME.
)USAGE";

QString storePath()
{
    const QString env = qEnvironmentVariable("PGHA_BENCH_STORE");
    return env.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/pgha/bench-runs.jsonl")
                         : env;
}

int sigintFd[2] = {-1, -1};

// Ctrl-C stops the run cleanly (pgbench gets SIGINT, the figures so far are kept).
void onSigint(int)
{
    const char c = 1;
    [[maybe_unused]] auto n = ::write(sigintFd[1], &c, 1);
}

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
    if (name == u"direct")
        return resolveDirectTarget(profile.value(), context, withTarget);
    withTarget(resolveBenchTarget(profile.value(), name));
}

void addCommon(QCommandLineParser &parser)
{
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("profile"), QStringLiteral("Profile (default: the built-in lab)."), QStringLiteral("NAME|FILE")},
                       {QStringLiteral("target"), QStringLiteral("rw, ro, pgpool, direct or member:NAME (default rw)."),
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

void printRun(CliContext &ctx, const BenchResult &r)
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

int benchRun(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    addCommon(parser);
    parser.addOptions({{QStringLiteral("builtin"), QStringLiteral("tpcb-like, simple-update or select-only (default)."), QStringLiteral("NAME")},
                       {QStringLiteral("file"), QStringLiteral("A custom script, with an optional weight (repeatable)."), QStringLiteral("F[@W]")},
                       {{QStringLiteral("c"), QStringLiteral("clients")}, QStringLiteral("Clients (default 1)."), QStringLiteral("N"), QStringLiteral("1")},
                       {{QStringLiteral("j"), QStringLiteral("threads")}, QStringLiteral("Threads (default 1)."), QStringLiteral("N"), QStringLiteral("1")},
                       {{QStringLiteral("T"), QStringLiteral("time")}, QStringLiteral("Duration in seconds (default 10)."), QStringLiteral("S"), QStringLiteral("10")},
                       {{QStringLiteral("R"), QStringLiteral("rate")}, QStringLiteral("Target rate, transactions per second."), QStringLiteral("TPS")},
                       {{QStringLiteral("L"), QStringLiteral("latency-limit")}, QStringLiteral("Latency limit in ms (with -R)."), QStringLiteral("MS")},
                       {{QStringLiteral("M"), QStringLiteral("protocol")}, QStringLiteral("simple, extended or prepared."), QStringLiteral("MODE")},
                       {QStringLiteral("label"), QStringLiteral("A label kept with the run."), QStringLiteral("TEXT")},
                       {QStringLiteral("json"), QStringLiteral("Print the run as JSON.")},
                       {QStringLiteral("no-store"), QStringLiteral("Do not keep the run in the store.")}});
    parser.process(args);
    BenchWorkload w;
    w.scripts = parser.values(QStringLiteral("file"));
    w.builtin = parser.isSet(QStringLiteral("builtin")) ? parser.value(QStringLiteral("builtin"))
                                                         : (w.scripts.isEmpty() ? QStringLiteral("select-only") : QString());
    bool ok1 = false, ok2 = false, ok3 = false;
    w.clients = parser.value(QStringLiteral("c")).toInt(&ok1);
    w.threads = parser.value(QStringLiteral("j")).toInt(&ok2);
    w.durationS = parser.value(QStringLiteral("T")).toInt(&ok3);
    if (!ok1 || !ok2 || !ok3) {
        ctx.err << "pgha: -c, -j and -T take whole numbers\n";
        return Usage;
    }
    if (parser.isSet(QStringLiteral("R")))
        w.rate = parser.value(QStringLiteral("R")).toDouble();
    if (parser.isSet(QStringLiteral("L")))
        w.latencyLimitMs = parser.value(QStringLiteral("L")).toDouble();
    w.queryMode = parser.value(QStringLiteral("M"));
    if (const QString problem = w.problem(); !problem.isEmpty()) {
        ctx.err << "pgha: " << problem << '\n';
        return Usage;
    }
    if (parser.value(QStringLiteral("target")) == u"ro" && w.builtin != u"select-only" && w.scripts.isEmpty())
        ctx.err << "pgha: note: " << w.builtin << " writes, and --target ro reaches replicas: expect every transaction to fail\n";

    int exitCode = Failed;
    QTemporaryDir work;
    PgbenchRunner runner;
    const bool json = parser.isSet(QStringLiteral("json"));
    QStringList answeredBy;
    Profile profile;
    if (::pipe(sigintFd) == 0) {
        std::signal(SIGINT, onSigint);
        auto *notifier = new QSocketNotifier(sigintFd[0], QSocketNotifier::Read, &runner);
        QObject::connect(notifier, &QSocketNotifier::activated, &runner, [&] {
            char c;
            [[maybe_unused]] auto n = ::read(sigintFd[0], &c, 1);
            ctx.err << "\nstopping pgbench (figures so far are kept)…" << Qt::endl;
            runner.stop();
        });
    }
    QObject::connect(&runner, &PgbenchRunner::sample, &runner, [&ctx](const BenchSample &s) {
        ctx.err << QStringLiteral("%1 s  %2 tps  lat %3 ± %4 ms  %5 failed\n")
                           .arg(s.t, 6, 'f', 1).arg(s.tps, 9, 'f', 1).arg(s.latAvgMs, 0, 'f', 3).arg(s.latStddevMs, 0, 'f', 3).arg(s.failed)
                << Qt::flush;
    });
    QObject::connect(&runner, &PgbenchRunner::finished, &runner, [&](const BenchResult &finished) {
        BenchResult r = finished;
        r.answeredBy = answeredBy;
        if (!r.ok())
            ctx.err << "pgha: " << r.error << Qt::endl;
        if (!parser.isSet(QStringLiteral("no-store")) && (r.ok() || r.transactions > 0))
            if (auto stored = appendJsonLine(storePath(), r.toJson(), kStoreWhat); !stored)
                ctx.err << "pgha: " << stored.error().toString() << Qt::endl;
        if (json)
            ctx.out << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
        else if (r.ok() || r.transactions > 0)
            printRun(ctx, r);
        ctx.out.flush();
        exitCode = r.ok() ? Ok : Failed;
        QCoreApplication::quit();
    });
    prepare(ctx, parser, &runner,
            [&](const Common &c) {
                profile = c.profile;
                // Which servers answer through the target, asked before the load starts.
                probeAnsweredBy(c.profile, c.target, std::min(w.clients, kMaxAnswerProbes), &runner,
                                [&, c](const QStringList &servers) {
                                    answeredBy = servers;
                                    runner.run(c.pgbench, c.target, w, work.path(), parser.value(QStringLiteral("label")));
                                });
            },
            [&](int code) {
                exitCode = code;
                QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
            });
    QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    return exitCode;
}

int benchRuns(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("label"), QStringLiteral("Only runs with this label."), QStringLiteral("L")},
                       {QStringLiteral("json"), QStringLiteral("Print JSON lines.")}});
    parser.process(args);
    auto runs = readJsonLines(storePath(), kStoreWhat);
    if (!runs) {
        ctx.err << "pgha: " << runs.error().toString() << Qt::endl;
        return Failed;
    }
    if (runs.value().skipped > 0)
        ctx.err << "pgha: " << runs.value().skipped << " unreadable line(s) in " << storePath() << " skipped\n";
    const QString label = parser.value(QStringLiteral("label"));
    for (const QJsonObject &o : runs.value().objects) {
        if (!label.isEmpty() && o.value(u"label").toString() != label)
            continue;
        if (parser.isSet(QStringLiteral("json"))) {
            ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
            continue;
        }
        const QJsonObject wl = o.value(u"workload").toObject();
        ctx.out << padRight(o.value(u"id").toString(), 22) << padRight(o.value(u"target").toObject().value(u"name").toString(), 10)
                << padRight(wl.value(u"builtin").toString(), 14) << padRight(QStringLiteral("c%1").arg(wl.value(u"clients").toInt()), 6)
                << padRight(QString::number(o.value(u"tps").toDouble(), 'f', 1) + QStringLiteral(" tps"), 14)
                << "p99 " << QString::number(o.value(u"latency").toObject().value(u"p99").toDouble(), 'f', 3) << " ms  "
                << o.value(u"label").toString() << '\n';
    }
    ctx.out.flush();
    return Ok;
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
    (sub.isEmpty() || sub == u"--help" ? ctx.out : ctx.err) << kBenchUsage;
    return sub.isEmpty() || sub == u"--help" ? Ok : Usage;
}

} // namespace pgha::cli

// `pgha chaos list | runs | FAULT`: the chaos faults over the same ChaosSeries the console uses —
// each run measured as a client sees it (write and read probes, phases, RPO read back, rejoin),
// judged against what the fault should do, and kept in the chaos run store.
#include "clicontext.h"

#include "bench/benchtargets.h"
#include "chaos/chaosseries.h"
#include "chaos/faultcatalog.h"
#include "signalwatcher.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"
#include "profile/profile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

using namespace pgha::svc;

namespace pgha::cli {

namespace {

QString storePath(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("store")))
        return parser.value(QStringLiteral("store"));
    const QString env = qEnvironmentVariable("PGHA_CHAOS_STORE");
    return env.isEmpty() ? defaultChaosStorePath() : env;
}

QCommandLineOption storeOption()
{
    return {QStringLiteral("store"), QStringLiteral("Chaos run store (default: $PGHA_CHAOS_STORE or %1).").arg(defaultChaosStorePath()),
            QStringLiteral("file")};
}

Result<Profile> chaosProfile(const QCommandLineParser &parser)
{
    return resolveProfile(parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
}

int listFaults(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Every fault, with whether it can run on this profile and why not."));
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("json"), QStringLiteral("Print JSON.")},
                       {QStringLiteral("profile"), QStringLiteral("Profile (default: the built-in lab)."), QStringLiteral("name")}});
    if (!parser.parse(args)) {
        ctx.err << "pgha chaos list: " << parser.errorText() << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText();
        return Ok;
    }
    auto profile = chaosProfile(parser);
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << '\n';
        return Failed;
    }
    const ChaosEnvironment env = chaosEnvironmentFor(profile.value());
    QJsonArray out;
    for (const auto &f : faultCatalog()) {
        const FaultAvailability a = faultAvailability(f, env);
        if (parser.isSet(QStringLiteral("json"))) {
            out.append(QJsonObject{{QStringLiteral("id"), f.id}, {QStringLiteral("title"), f.title},
                                   {QStringLiteral("what"), f.what}, {QStringLiteral("undo"), f.undo},
                                   {QStringLiteral("failover_expected"), f.expectsFailover},
                                   {QStringLiteral("available"), a.available}, {QStringLiteral("reason"), a.reason}});
            continue;
        }
        ctx.out << padRight(f.id, 27) << (a.available ? "available    " : "unavailable  ") << f.title << '\n';
        if (!a.available)
            ctx.out << padRight(QString(), 40) << "↳ " << a.reason << '\n';
    }
    if (parser.isSet(QStringLiteral("json")))
        ctx.out << QJsonDocument(out).toJson(QJsonDocument::Indented);
    return Ok;
}

int listRuns(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The kept chaos runs: a summary per fault, or every run exported as JSONL or CSV."));
    parser.addHelpOption();
    parser.addOptions({storeOption(),
                       {QStringLiteral("fault"), QStringLiteral("Only this fault."), QStringLiteral("id")},
                       {QStringLiteral("export"), QStringLiteral("Write the runs to FILE: .csv → CSV, else JSONL."), QStringLiteral("file")}});
    if (!parser.parse(args)) {
        ctx.err << "pgha chaos runs: " << parser.errorText() << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText();
        return Ok;
    }
    int skipped = 0;
    auto runs = loadChaosRuns(storePath(parser), &skipped);
    if (!runs) {
        ctx.err << "pgha: " << runs.error().toString() << '\n';
        return Failed;
    }
    QList<ChaosReport> selected;
    for (const auto &r : runs.value())
        if (!parser.isSet(QStringLiteral("fault")) || r.faultId == parser.value(QStringLiteral("fault")))
            selected.append(r);
    if (skipped)
        ctx.err << "pgha: skipped " << skipped << " unreadable line(s) in " << storePath(parser) << '\n';
    if (parser.isSet(QStringLiteral("export"))) {
        if (auto ok = exportChaosRuns(parser.value(QStringLiteral("export")), selected); !ok) {
            ctx.err << "pgha: " << ok.error().toString() << '\n';
            return Failed;
        }
        ctx.out << "exported " << selected.size() << " run(s) to " << parser.value(QStringLiteral("export")) << '\n';
        return Ok;
    }
    QMap<QString, QList<ChaosReport>> byFault;
    for (const auto &r : selected)
        byFault[r.faultId].append(r);
    ctx.out << padRight(QStringLiteral("fault"), 27) << padRight(QStringLiteral("runs"), 6) << padRight(QStringLiteral("pass"), 6)
            << padRight(QStringLiteral("RTO median"), 12) << padRight(QStringLiteral("p95"), 9) << padRight(QStringLiteral("max"), 9)
            << "lost writes\n";
    for (auto it = byFault.cbegin(); it != byFault.cend(); ++it) {
        const ChaosSummary s = summarizeRuns(it.value());
        auto sec = [](qint64 ms, int count) { return count ? formatSeconds(ms) : QStringLiteral("—"); };
        ctx.out << padRight(it.key(), 27) << padRight(QString::number(s.runs), 6) << padRight(QString::number(s.passed), 6)
                << padRight(sec(s.rto.median, s.rto.count), 12) << padRight(sec(s.rto.p95, s.rto.count), 9)
                << padRight(sec(s.rto.max, s.rto.count), 9) << s.lostWrites << '\n';
    }
    return Ok;
}

QJsonObject seriesJson(const QList<ChaosReport> &runs)
{
    QJsonArray array;
    for (const auto &r : runs)
        array.append(r.toJson());
    return QJsonObject{{QStringLiteral("schema"), QStringLiteral("pgha.chaos.report/1")},
                       {QStringLiteral("summary"), summaryToJson(summarizeRuns(runs))},
                       {QStringLiteral("runs"), array}};
}

int runFault(CliContext &ctx, const QString &faultId, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Inject a fault, measure RTO/RPO as a client sees them, undo it, and judge "
                                                    "the run against what the fault should do. The console's own faults run on "
                                                    "its lab; external-primary/external-replica run your --inject command on any "
                                                    "cluster but a production one (PGHA_TARGET, PGHA_TARGET_HOST, "
                                                    "PGHA_TARGET_PORT, PGHA_TARGET_API, PGHA_SCOPE name the member hit). Exit "
                                                    "status 1 when an expectation fails."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("profile"), QStringLiteral("Profile (default: the built-in lab)."), QStringLiteral("name")},
        {QStringLiteral("inject"), QStringLiteral("External faults: the shell command that injects the fault, e.g. 'docker kill $PGHA_TARGET'."),
         QStringLiteral("command")},
        {QStringLiteral("undo"), QStringLiteral("External faults: the shell command that undoes it, e.g. 'docker start $PGHA_TARGET' "
                                                "(none: the member must come back by itself)."),
         QStringLiteral("command")},
        {QStringLiteral("iterations"), QStringLiteral("Run the fault N times (median, p95, max)."), QStringLiteral("N"), QStringLiteral("1")},
        {QStringLiteral("report"), QStringLiteral("Write the runs and their summary as JSON to FILE (schema pgha.chaos.report/1)."), QStringLiteral("file")},
        {QStringLiteral("json"), QStringLiteral("Print the report JSON on stdout (progress goes to stderr).")},
        {QStringLiteral("sync"), QStringLiteral("synchronous_mode for the run: on or off (put back after)."), QStringLiteral("on|off")},
        {QStringLiteral("hold"), QStringLiteral("Seconds a fault without failover lasts before its undo."), QStringLiteral("s")},
        {QStringLiteral("target"), QStringLiteral("The replica to hit (replica faults)."), QStringLiteral("member")},
        {QStringLiteral("interval"), QStringLiteral("Write probe interval in ms (50–100)."), QStringLiteral("ms"), QStringLiteral("50")},
        {QStringLiteral("quiet"), QStringLiteral("Only the report card.")},
        {QStringLiteral("load"), QStringLiteral("Run pgbench through the fault: tpcb-like, simple-update, select-only, or a script FILE[@W] "
                                                "(the tables from `pgha bench init`)."),
         QStringLiteral("workload")},
        {QStringLiteral("load-clients"), QStringLiteral("pgbench clients for --load (default 4)."), QStringLiteral("N"), QString::number(ChaosLoadSpec::kDefaultClients)},
        {QStringLiteral("load-rate"), QStringLiteral("pgbench -R for --load: transactions per second (default: as fast as it goes)."),
         QStringLiteral("tps")},
        {QStringLiteral("load-target"), QStringLiteral("Where --load connects: rw (default), pgpool, member:NAME …"), QStringLiteral("name"),
         QStringLiteral("rw")},
        {QStringLiteral("load-lead"), QStringLiteral("Seconds of steady load before the fault (default 10)."), QStringLiteral("s"),
         QString::number(ChaosLoad::kDefaultLeadS)},
        {QStringLiteral("load-tail"), QStringLiteral("Seconds of load after the cluster is healthy again (default 10)."), QStringLiteral("s"),
         QString::number(ChaosLoad::kDefaultTailS)},
        storeOption(),
    });
    if (!parser.parse(args)) {
        ctx.err << "pgha chaos: " << parser.errorText() << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText();
        return Ok;
    }
    const FaultInfo *fault = faultById(faultId);
    if (!fault) {
        ctx.err << "pgha chaos: no fault named \"" << faultId << "\"; `pgha chaos list` shows them\n";
        return Usage;
    }
    bool okNumber = false;
    const int iterations = parser.value(QStringLiteral("iterations")).toInt(&okNumber);
    if (!okNumber || iterations < 1 || iterations > 1000) {
        ctx.err << "pgha chaos: --iterations wants a number from 1 to 1000\n";
        return Usage;
    }
    ChaosOptions options;
    options.faultId = faultId;
    options.writeIntervalMs = parser.value(QStringLiteral("interval")).toInt(&okNumber);
    if (!okNumber || options.writeIntervalMs < ChaosOptions::kMinWriteIntervalMs
        || options.writeIntervalMs > ChaosOptions::kMaxWriteIntervalMs) {
        ctx.err << "pgha chaos: --interval wants milliseconds from " << ChaosOptions::kMinWriteIntervalMs << " to "
                << ChaosOptions::kMaxWriteIntervalMs << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("sync"))) {
        const QString v = parser.value(QStringLiteral("sync"));
        if (v != u"on" && v != u"off") {
            ctx.err << "pgha chaos: --sync wants on or off\n";
            return Usage;
        }
        options.synchronousMode = v == u"on";
    }
    if (parser.isSet(QStringLiteral("hold"))) {
        const double s = parser.value(QStringLiteral("hold")).toDouble(&okNumber);
        if (!okNumber || s <= 0 || s > ChaosOptions::kMaxHoldS) {
            ctx.err << "pgha chaos: --hold wants seconds from 0 to " << ChaosOptions::kMaxHoldS << '\n';
            return Usage;
        }
        options.holdMs = static_cast<int>(s * 1000);
    }
    options.target = parser.value(QStringLiteral("target"));
    options.injectCommand = parser.value(QStringLiteral("inject"));
    options.undoCommand = parser.value(QStringLiteral("undo"));
    if (isExternalFault(fault->kind) && options.injectCommand.trimmed().isEmpty()) {
        ctx.err << "pgha chaos: " << fault->id << " runs your command: give it with --inject 'COMMAND' "
                << "(PGHA_TARGET names the member, e.g. --inject 'docker kill $PGHA_TARGET' --undo 'docker start $PGHA_TARGET')\n";
        return Usage;
    }
    if (!isExternalFault(fault->kind) && (parser.isSet(QStringLiteral("inject")) || parser.isSet(QStringLiteral("undo")))) {
        ctx.err << "pgha chaos: --inject and --undo are for external-primary and external-replica; " << fault->id
                << " is the console's own fault\n";
        return Usage;
    }

    auto profile = chaosProfile(parser);
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << '\n';
        return Failed;
    }
    if (parser.isSet(QStringLiteral("load"))) {
        ChaosLoadSpec spec;
        spec.workload = parser.value(QStringLiteral("load"));
        spec.target = parser.value(QStringLiteral("load-target"));
        bool okClients = false, okLead = false, okTail = false;
        spec.clients = parser.value(QStringLiteral("load-clients")).toInt(&okClients);
        spec.leadS = parser.value(QStringLiteral("load-lead")).toInt(&okLead);
        spec.tailS = parser.value(QStringLiteral("load-tail")).toInt(&okTail);
        if (!okClients || !okLead || !okTail) {
            ctx.err << "pgha chaos: --load-clients, --load-lead and --load-tail want whole numbers\n";
            return Usage;
        }
        if (parser.isSet(QStringLiteral("load-rate"))) {
            spec.rate = parser.value(QStringLiteral("load-rate")).toDouble(&okNumber);
            if (!okNumber) {
                ctx.err << "pgha chaos: --load-rate wants transactions per second above 0\n";
                return Usage;
            }
        }
        auto load = resolveChaosLoad(spec, profile.value());
        if (!load) {
            ctx.err << "pgha chaos: --load: " << load.error().toString() << '\n';
            return Usage;
        }
        options.load = load.value();
    }
    const FaultAvailability available = faultAvailability(*fault, chaosEnvironmentFor(profile.value()));
    if (!available.available) {
        ctx.err << "pgha chaos: " << fault->id << " is not available: " << available.reason << '\n';
        return Failed;
    }

    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    const bool json = parser.isSet(QStringLiteral("json"));
    QTextStream &human = json ? ctx.err : ctx.out;
    HttpClient http;
    Profile target = profile.value();
    ChaosSeries series(target, options, iterations, storePath(parser), &http);
    QObject::connect(&series, &ChaosSeries::runStarted, [&](int i, int n) {
        if (!quiet)
            human << "── " << fault->title << ": run " << i << " of " << n << Qt::endl;
    });
    QObject::connect(&series, &ChaosSeries::stageChanged, [&](const QString &text) {
        if (!quiet)
            human << "   " << text << Qt::endl;
    });
    QObject::connect(&series, &ChaosSeries::event, [&](const ChaosReport::Event &e) {
        if (!quiet)
            human << QStringLiteral("   %1  %2  %3").arg(e.atMs / 1000.0, 7, 'f', 2).arg(padRight(e.source, 9), e.text) << Qt::endl;
    });
    QObject::connect(&series, &ChaosSeries::storeError, [&](const QString &e) { ctx.err << "pgha: " << e << Qt::endl; });
    QObject::connect(&series, &ChaosSeries::runFinished, [&](const ChaosReport &r) { human << '\n' << reportCardText(r) << Qt::endl; });
    int exitCode = Ok;
    QObject::connect(&series, &ChaosSeries::finished, [&](const QList<ChaosReport> &runs) {
        const ChaosSummary s = summarizeRuns(runs);
        if (runs.size() > 1)
            human << QStringLiteral("%1 runs, %2 passed; RTO median %3, p95 %4, max %5; write gap median %6; %7 acknowledged writes lost")
                             .arg(s.runs).arg(s.passed)
                             .arg(formatSeconds(s.rto.count ? std::optional<qint64>(s.rto.median) : std::nullopt),
                                  formatSeconds(s.rto.count ? std::optional<qint64>(s.rto.p95) : std::nullopt),
                                  formatSeconds(s.rto.count ? std::optional<qint64>(s.rto.max) : std::nullopt),
                                  formatSeconds(s.writeGap.count ? std::optional<qint64>(s.writeGap.median) : std::nullopt))
                             .arg(s.lostWrites)
                  << Qt::endl;
        const QByteArray doc = QJsonDocument(seriesJson(runs)).toJson(QJsonDocument::Indented);
        if (parser.isSet(QStringLiteral("report"))) {
            QSaveFile f(parser.value(QStringLiteral("report")));
            if (!f.open(QIODevice::WriteOnly) || f.write(doc) != doc.size() || !f.commit()) {
                ctx.err << "pgha: cannot write " << f.fileName() << ": " << f.errorString() << '\n';
                exitCode = Failed;
            }
        }
        if (json)
            ctx.out << doc;
        if (s.passed != s.runs || runs.isEmpty())
            exitCode = Failed;
        QCoreApplication::exit(exitCode);
    });
    app::SignalWatcher watcher;
    QObject::connect(&watcher, &app::SignalWatcher::interrupted, [&] {
        ctx.err << "interrupted: undoing the fault" << Qt::endl;
        series.cancel();
    });
    if (target.isBuiltInLab()) {
        QMetaObject::invokeMethod(&series, [&] { series.start(); }, Qt::QueuedConnection);
    } else {
        // Another cluster: its REST and etcd credentials from the keychain, PostgreSQL's too (or
        // libpq's own password file); the series is made again with the password in the profile.
        constexpr int kPasswordPromptMs = 10000;
        QMetaObject::invokeMethod(&http, [&] {
            withSecurity(ctx, http, target, kPasswordPromptMs, [&](const ProfilePasswords &pw) {
                target.readWrite.password = pw.postgres;
                series.setProfile(target);
                series.start();
            });
        }, Qt::QueuedConnection);
    }
    QCoreApplication::exec();
    return exitCode;
}

} // namespace

int runChaosCommand(CliContext &ctx, const QStringList &args)
{
    // args[0] is "chaos".
    const QString sub = args.value(1);
    if (sub.isEmpty() || sub == u"--help" || sub == u"-h") {
        (sub.isEmpty() ? ctx.err : ctx.out)
                << "Usage: pgha chaos list [--json]\n"
                   "       pgha chaos FAULT [--iterations N] [--report FILE] [--json] [--sync on|off] [--hold S] [--target MEMBER]\n"
                   "       pgha chaos external-primary|external-replica --profile FILE --inject CMD [--undo CMD] [options as above]\n"
                   "       pgha chaos runs [--fault ID] [--export FILE.csv|FILE.jsonl]\n"
                   "FAULT is one of: ";
        QStringList ids;
        for (const auto &f : faultCatalog())
            ids << f.id;
        (sub.isEmpty() ? ctx.err : ctx.out) << ids.join(QStringLiteral(", ")) << '\n';
        return sub.isEmpty() ? Usage : Ok;
    }
    const QStringList rest = QStringList{QStringLiteral("pgha chaos ") + sub} + args.mid(2);
    if (sub == u"list")
        return listFaults(ctx, rest);
    if (sub == u"runs")
        return listRuns(ctx, rest);
    return runFault(ctx, sub, rest);
}

} // namespace pgha::cli

// `pgha lab standalone start|stop|status`: the single-node baseline beside the native lab
#include "clicontext.h"
#include "signalwatcher.h"

#include "lab/labconfig.h"
#include "lab/labfiles.h"
#include "lab/labstandalone.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace pgha::svc;

namespace pgha::cli {

namespace {

const char kStandaloneUsage[] = R"USAGE(Usage: pgha lab standalone <start|stop|status> [--json]

A plain PostgreSQL beside the native lab: the members' version and parameters, no Patroni, no
replication, its own port (5440 + the lab's port offset), the lab's superuser password. The
single-node baseline a benchmark compares the cluster against (pgha bench … --target standalone).

  start    start it (initdb on first use) and wait until it answers; running already is fine
  stop     stop it and free its port (`pgha lab stop` stops it too)
  status   whether it runs, where, and which parameters differ from the members' (exit 0: running)
)USAGE";

QJsonObject reportToJson(const StandaloneReport &r)
{
    QJsonObject o{{QStringLiteral("labDir"), r.labDir},
                  {QStringLiteral("status"), StandaloneReport::statusName(r.status)},
                  {QStringLiteral("summary"), r.summary},
                  {QStringLiteral("pid"), r.pid},
                  {QStringLiteral("listening"), r.listening}};
    if (!r.state)
        return o;
    const StandaloneState &s = *r.state;
    QJsonObject values;
    for (auto it = s.parameters.values.cbegin(); it != s.parameters.values.cend(); ++it)
        values.insert(it.key(), it.value());
    QJsonArray differences;
    for (const auto &d : s.parameters.differences)
        differences.append(QJsonObject{{QStringLiteral("name"), d.name},
                                       {QStringLiteral("member"), d.memberValue},
                                       {QStringLiteral("standalone"), d.standaloneValue},
                                       {QStringLiteral("reason"), d.reason}});
    o.insert(QStringLiteral("phase"), StandaloneState::phaseName(s.phase));
    o.insert(QStringLiteral("host"), s.host);
    o.insert(QStringLiteral("port"), s.port);
    o.insert(QStringLiteral("user"), QStringLiteral("postgres"));
    o.insert(QStringLiteral("dataDir"), s.dataDir);
    o.insert(QStringLiteral("log"), s.logFile);
    o.insert(QStringLiteral("pgBinDir"), s.pgBinDir);
    o.insert(QStringLiteral("serverVersion"), s.pgVersion);
    o.insert(QStringLiteral("lastError"), s.lastError);
    o.insert(QStringLiteral("parameters"), QJsonObject{{QStringLiteral("source"), s.parameters.source},
                                                      {QStringLiteral("values"), values},
                                                      {QStringLiteral("differences"), differences}});
    return o;
}

void printReport(CliContext &ctx, const StandaloneReport &r)
{
    ctx.out << "standalone baseline in " << r.labDir << ": " << r.summary << '\n';
    if (!r.state || r.status != StandaloneReport::Status::Running) {
        ctx.out.flush();
        return;
    }
    const StandaloneState &s = *r.state;
    ctx.out << "connect: PGPASSFILE=" << LabLayout(r.labDir).clientPgpass() << " psql -h " << s.host << " -p " << s.port
            << " -U postgres\n"
            << "parameters: " << s.parameters.values.size() << " as the members have them, from " << s.parameters.source << '\n';
    if (!s.parameters.differences.isEmpty())
        ctx.out << "differs from the members in:\n";
    for (const auto &d : s.parameters.differences)
        ctx.out << "  " << padRight(d.name, 26) << padRight(d.memberValue.isEmpty() ? QStringLiteral("-") : d.memberValue, 12)
                << " → " << padRight(d.standaloneValue.isEmpty() ? QStringLiteral("not set") : d.standaloneValue, 20) << d.reason
                << '\n';
    ctx.out.flush();
}

bool parse(QCommandLineParser &parser, CliContext &ctx, const QStringList &args, const QString &description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    if (!parser.parse(args)) {
        ctx.err << "pgha: " << parser.errorText() << "\n\n" << parser.helpText();
        return false;
    }
    return true;
}

// Runs a start or stop to its end, progress on stderr; Ctrl-C during a start cancels it (what it
// launched is stopped), during a stop is ignored until the stop ends.
int run(CliContext &ctx, bool start, bool json)
{
    const QString labDir = LabConfig::defaultLabDir();
    LabStandalone standalone(labDir);
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&standalone, &LabStandalone::message, [&](const QString &line) {
        ctx.err << QStringLiteral("[%1s] ").arg(clock.elapsed() / 1000.0, 5, 'f', 1) << line << Qt::endl;
    });
    int exitCode = Failed;
    QObject::connect(&standalone, &LabStandalone::finished, [&](const StandaloneOutcome &o) {
        exitCode = o.ok ? Ok : Failed;
        if (!o.ok) {
            ctx.err << "pgha: " << o.error.message << '\n';
            if (!o.error.hint.isEmpty())
                ctx.err << "  → " << o.error.hint << '\n';
            ctx.err.flush();
        }
        if (json) {
            QJsonObject report = reportToJson(o.report);
            report.insert(QStringLiteral("ok"), o.ok);
            report.insert(start ? QStringLiteral("alreadyRunning") : QStringLiteral("wasRunning"),
                          start ? o.alreadyRunning : o.wasRunning);
            if (!o.ok)
                report.insert(QStringLiteral("error"), o.error.toString());
            ctx.out << QJsonDocument(report).toJson(QJsonDocument::Indented);
            ctx.out.flush();
        } else if (o.ok && start) {
            printReport(ctx, o.report);
        } else if (o.ok) {
            ctx.out << (o.wasRunning ? "stopped the standalone baseline in " : "the standalone baseline was not running in ")
                    << labDir << Qt::endl;
        }
        QCoreApplication::exit(exitCode);
    });
    app::SignalWatcher watcher;
    if (start)
        QObject::connect(&watcher, &app::SignalWatcher::interrupted, [&] {
            ctx.err << "interrupted: stopping what was started" << Qt::endl;
            standalone.stop();
        });
    QMetaObject::invokeMethod(&standalone, start ? &LabStandalone::start : &LabStandalone::stop, Qt::QueuedConnection);
    QCoreApplication::exec();
    return exitCode;
}

} // namespace

int runLabStandaloneCommand(CliContext &ctx, const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub.isEmpty() || sub == u"--help" || sub == u"-h") {
        (sub.isEmpty() ? ctx.err : ctx.out) << kStandaloneUsage;
        return sub.isEmpty() ? Usage : Ok;
    }
    if (sub != u"start" && sub != u"stop" && sub != u"status") {
        ctx.err << "pgha: unknown command \"lab standalone " << sub << "\"\n\n" << kStandaloneUsage;
        return Usage;
    }
    QCommandLineParser parser;
    const QString description = sub == u"start" ? QStringLiteral("Start the standalone baseline and wait until it answers.")
            : sub == u"stop"                    ? QStringLiteral("Stop the standalone baseline and free its port.")
                                                : QStringLiteral("Show the standalone baseline. Exit 0 when it runs.");
    if (!parse(parser, ctx, QStringList{QStringLiteral("pgha lab standalone ") + sub} + args.mid(1), description))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    if (!parser.positionalArguments().isEmpty()) {
        ctx.err << "pgha: lab standalone " << sub << " takes no arguments\n";
        return Usage;
    }
    const bool json = parser.isSet(QStringLiteral("json"));
    if (sub != u"status")
        return run(ctx, sub == u"start", json);
    const StandaloneReport report = LabStandalone::inspect(LabConfig::defaultLabDir());
    if (json) {
        ctx.out << QJsonDocument(reportToJson(report)).toJson(QJsonDocument::Indented);
        ctx.out.flush();
    } else {
        printReport(ctx, report);
    }
    return report.status == StandaloneReport::Status::Running ? Ok : Failed;
}

} // namespace pgha::cli

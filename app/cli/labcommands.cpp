// `pgha lab start|stop|status|env`
#include "clicontext.h"
#include "signalwatcher.h"

#include "http/httpclient.h"
#include "lab/labfiles.h"
#include "lab/nativelab.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace pgha::svc;

namespace pgha::cli {

namespace {

const char kLabUsage[] = R"USAGE(Usage: pgha lab <start|stop|status|env> [options]

  start    start the bundled lab and wait until it is healthy (exit 0 only then)
  stop     stop every lab process and free every port
  status   what runs, with PIDs and ports (--json for scripts)
  env      shell variables for the lab's read-write entry point: eval "$(pgha lab env)"

The lab directory is $PGHA_LAB_DIR, or by default )USAGE";

bool parse(QCommandLineParser &parser, CliContext &ctx, const QStringList &args, const QString &description)
{
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    if (!parser.parse(args)) {
        ctx.err << "pgha: " << parser.errorText() << "\n\n" << parser.helpText();
        return false;
    }
    return true;
}

int startLab(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("flavor"), QStringLiteral("Lab flavour: native (local processes)."), QStringLiteral("FLAVOR"),
         QStringLiteral("native")},
        {QStringLiteral("reuse"), QStringLiteral("A lab from a crashed run exists: start it again with its data.")},
        {QStringLiteral("wipe"), QStringLiteral("Delete any earlier lab (data included) and start from nothing.")},
        {QStringLiteral("port-offset"), QStringLiteral("Add N to every default port (for a second lab or busy ports)."),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("timings"),
         QStringLiteral("Patroni timing preset: %1.").arg(LabTimings::presetNames().join(QStringLiteral(", "))),
         QStringLiteral("PRESET"), LabTimings::demoFast().preset},
        {QStringLiteral("pgpool"), QStringLiteral("Also run Pgpool-II (port 9999 + offset) beside HAProxy, as the alternative front.")},
        {QStringLiteral("rest-tls"), QStringLiteral("Serve Patroni's REST API over https with the lab's own CA "
                                                    "(<lab dir>/tls/ca.crt; made with openssl on first start).")},
        {QStringLiteral("rest-auth"), QStringLiteral("Require Basic auth (user pgha, password in the lab's state file) "
                                                     "for Patroni's unsafe REST methods (POST/PATCH/PUT/DELETE).")},
        {QStringLiteral("quiet"), QStringLiteral("Only print errors.")},
    });
    if (!parse(parser, ctx, args, QStringLiteral("Start the bundled lab and wait until it is healthy.")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    if (parser.value(QStringLiteral("flavor")) != u"native") {
        ctx.err << "pgha: flavour \"" << parser.value(QStringLiteral("flavor"))
                << "\" is not available in this build; use --flavor native\n";
        return Usage;
    }
    if (parser.isSet(QStringLiteral("reuse")) && parser.isSet(QStringLiteral("wipe"))) {
        ctx.err << "pgha: --reuse and --wipe exclude each other\n";
        return Usage;
    }
    bool offsetOk = false;
    const int offset = parser.value(QStringLiteral("port-offset")).toInt(&offsetOk);
    if (!offsetOk || offset < 0 || offset > 40000) {
        ctx.err << "pgha: --port-offset takes a number from 0 to 40000\n";
        return Usage;
    }
    auto timings = LabTimings::byName(parser.value(QStringLiteral("timings")));
    if (!timings) {
        ctx.err << "pgha: " << timings.error().toString() << '\n';
        return Usage;
    }

    LabConfig config;
    config.labDir = LabConfig::defaultLabDir();
    config.ports = LabPorts().withOffset(offset);
    config.timings = timings.value();
    config.withPgpool = parser.isSet(QStringLiteral("pgpool"));
    config.restTls = parser.isSet(QStringLiteral("rest-tls"));
    config.restAuth = parser.isSet(QStringLiteral("rest-auth"));
    HttpClient http;
    NativeLab lab(config, &http);
    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    QElapsedTimer clock;
    clock.start();
    auto stamp = [&] { return QStringLiteral("[%1s] ").arg(clock.elapsed() / 1000.0, 5, 'f', 1); };
    QObject::connect(&lab, &NativeLab::message, [&](const QString &line) {
        if (!quiet)
            ctx.err << stamp() << line << Qt::endl;
    });
    QObject::connect(&lab, &NativeLab::componentChanged, [&](const LabComponentStatus &s) {
        if (!quiet && !s.detail.isEmpty() && s.detail != u"asking")
            ctx.err << stamp() << padRight(s.name, 11) << padRight(LabComponentStatus::stateName(s.state), 9) << s.detail
                    << Qt::endl;
    });
    int exitCode = Failed;
    QObject::connect(&lab, &NativeLab::startFinished, [&](const LabOutcome &o) {
        if (o.ok) {
            if (!quiet)
                ctx.err << stamp() << (o.alreadyRunning ? "already running: " : "") << o.health.summary() << Qt::endl;
            ctx.out << "lab " << (o.alreadyRunning ? "already running" : "started") << " in " << config.labDir
                    << (o.alreadyRunning ? QString() : QStringLiteral(" (healthy after %1 s)").arg(o.elapsedMs / 1000.0, 0, 'f', 1))
                    << "\nread-write: psql -h 127.0.0.1 -p " << lab.config().ports.haproxyReadWrite
                    << "   ·   environment: eval \"$(pgha lab env)\"" << Qt::endl;
            exitCode = Ok;
        } else {
            ctx.err << "pgha: " << o.error.message << '\n';
            if (!o.error.hint.isEmpty())
                ctx.err << "  → " << o.error.hint << '\n';
            ctx.err.flush();
        }
        if (!lab.isBusy())
            QCoreApplication::exit(exitCode);
    });
    QObject::connect(&lab, &NativeLab::stopFinished, [&] { QCoreApplication::exit(exitCode); });
    app::SignalWatcher watcher;
    QObject::connect(&watcher, &app::SignalWatcher::interrupted, [&] {
        ctx.err << stamp() << "interrupted: stopping what was started" << Qt::endl;
        lab.stop();
    });
    NativeLab::StartOptions options;
    options.stale = parser.isSet(QStringLiteral("reuse")) ? NativeLab::StaleAction::Reuse
            : parser.isSet(QStringLiteral("wipe"))        ? NativeLab::StaleAction::Wipe
                                                          : NativeLab::StaleAction::Refuse;
    options.wipe = parser.isSet(QStringLiteral("wipe"));
    QMetaObject::invokeMethod(&lab, [&] { lab.start(options); }, Qt::QueuedConnection);
    QCoreApplication::exec();
    return exitCode;
}

int stopLab(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("wipe"), QStringLiteral("Also delete the lab directory (data, logs, configs).")});
    if (!parse(parser, ctx, args, QStringLiteral("Stop every lab process and free every port.")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    LabConfig config;
    config.labDir = LabConfig::defaultLabDir();
    HttpClient http;
    NativeLab lab(config, &http);
    int exitCode = Failed;
    QObject::connect(&lab, &NativeLab::componentChanged, [&](const LabComponentStatus &s) {
        ctx.err << padRight(s.name, 11) << s.detail << Qt::endl;
    });
    QObject::connect(&lab, &NativeLab::message, [&](const QString &line) { ctx.err << line << Qt::endl; });
    QObject::connect(&lab, &NativeLab::stopFinished, [&](const LabOutcome &o) {
        if (o.ok) {
            exitCode = Ok;
            if (parser.isSet(QStringLiteral("wipe")) && QDir(config.labDir).exists()) {
                QDir(config.labDir).removeRecursively();
                ctx.err << "deleted " << config.labDir << Qt::endl;
            }
        } else {
            ctx.err << "pgha: " << o.error.toString() << Qt::endl;
        }
        QCoreApplication::exit(exitCode);
    });
    app::SignalWatcher watcher;   // a stop is not interrupted halfway: Ctrl-C is ignored until it ends
    QMetaObject::invokeMethod(&lab, [&] { lab.stop(); }, Qt::QueuedConnection);
    QCoreApplication::exec();
    return exitCode;
}

QJsonObject reportToJson(const NativeLab::Report &r)
{
    QJsonArray components;
    for (const auto &c : r.components) {
        QJsonArray ports;
        for (int i = 0; i < c.ports.size(); ++i)
            ports.append(QJsonObject{{QStringLiteral("port"), c.ports[i].port},
                                     {QStringLiteral("role"), c.ports[i].role},
                                     {QStringLiteral("listening"), c.listening.value(i)}});
        components.append(QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("kind"), kindName(c.kind)},
                                      {QStringLiteral("pid"), c.pid}, {QStringLiteral("alive"), c.alive},
                                      {QStringLiteral("ports"), ports}, {QStringLiteral("log"), c.logFile}});
    }
    QJsonObject o{{QStringLiteral("labDir"), r.labDir}, {QStringLiteral("flavor"), QStringLiteral("native")},
                  {QStringLiteral("status"), NativeLab::statusName(r.status)}, {QStringLiteral("summary"), r.summary},
                  {QStringLiteral("components"), components}};
    if (r.state) {
        o.insert(QStringLiteral("phase"), LabState::phaseName(r.state->phase));
        o.insert(QStringLiteral("timings"), r.state->config.toJson().value(u"timings"));
        o.insert(QStringLiteral("ports"), r.state->config.ports.toJson());
    }
    return o;
}

int labStatus(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    if (!parse(parser, ctx, args, QStringLiteral("Show the lab's processes and ports. Exit 0 when it runs.")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    const auto report = NativeLab::inspect(LabConfig::defaultLabDir());
    if (parser.isSet(QStringLiteral("json"))) {
        ctx.out << QJsonDocument(reportToJson(report)).toJson(QJsonDocument::Indented);
    } else {
        ctx.out << "lab " << report.labDir << ": " << report.summary << '\n';
        if (report.state)
            ctx.out << "timings: " << report.state->config.timings.describe() << "\n\n";
        for (const auto &c : report.components) {
            QStringList ports;
            for (int i = 0; i < c.ports.size(); ++i)
                ports.append(QStringLiteral("%1%2").arg(c.ports[i].port).arg(c.listening.value(i) ? QString() : QStringLiteral(" (closed)")));
            ctx.out << padRight(c.name, 11) << padRight(c.alive ? QStringLiteral("running") : QStringLiteral("stopped"), 9)
                    << padRight(c.pid ? QString::number(c.pid) : QStringLiteral("-"), 9) << ports.join(QStringLiteral(", "))
                    << '\n';
        }
    }
    ctx.out.flush();
    return report.status == NativeLab::Status::Running ? Ok : Failed;
}

int labEnv(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("read-only"), QStringLiteral("Point at the read-only entry point instead.")});
    if (!parse(parser, ctx, args,
               QStringLiteral("Print shell variables that let psql, pgbench or any libpq client reach the lab:\n"
                              "  eval \"$(pgha lab env)\"; psql")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    const QString labDir = LabConfig::defaultLabDir();
    auto state = LabState::load(labDir);
    if (!state) {
        ctx.err << "pgha: " << state.error().toString() << Qt::endl;
        return Failed;
    }
    const LabConfig &config = state.value().config;
    // Rewrite the pgpass so it is there (and 0600) even if someone deleted it.
    LabConfig withDir = config;
    withDir.labDir = labDir;
    if (auto written = writeClientPgpass(withDir, state.value().secrets); !written) {
        ctx.err << "pgha: " << written.error().toString() << Qt::endl;
        return Failed;
    }
    const int port = parser.isSet(QStringLiteral("read-only")) ? config.ports.haproxyReadOnly : config.ports.haproxyReadWrite;
    auto quote = [](QString s) { return QLatin1Char('\'') + s.replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\''); };
    ctx.out << "export PGHOST=" << quote(config.host) << '\n'
            << "export PGPORT=" << port << '\n'
            << "export PGUSER=postgres\n"
            << "export PGDATABASE=postgres\n"
            << "export PGPASSFILE=" << quote(LabLayout(labDir).clientPgpass()) << '\n'
            << "unset PGPASSWORD\n";
    ctx.out.flush();
    return Ok;
}

} // namespace

int runLabCommand(CliContext &ctx, const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = QStringList{QStringLiteral("pgha lab ") + sub} + args.mid(1);
    if (sub == u"start")
        return startLab(ctx, rest);
    if (sub == u"stop")
        return stopLab(ctx, rest);
    if (sub == u"status")
        return labStatus(ctx, rest);
    if (sub == u"env")
        return labEnv(ctx, rest);
    const bool help = sub.isEmpty() || sub == u"--help" || sub == u"-h";
    (help && !sub.isEmpty() ? ctx.out : ctx.err)
            << (sub.isEmpty() || help ? QString() : QStringLiteral("pgha: unknown lab command \"%1\"\n\n").arg(sub))
            << kLabUsage << LabConfig::defaultLabDir() << ".\n";
    return help && !sub.isEmpty() ? Ok : Usage;
}

} // namespace pgha::cli

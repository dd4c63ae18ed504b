// `pgha lab start|stop|status|logs|env`, for either flavour (native processes, Docker Compose)
#include "clicontext.h"
#include "labstartreport.h"
#include "signalwatcher.h"

#include "http/httpclient.h"
#include "lab/dockerlab.h"
#include "lab/dockerlabfiles.h"
#include "lab/labdir.h"
#include "lab/labfactory.h"
#include "lab/labfiles.h"
#include "lab/labstandalone.h"
#include "lab/nativelab.h"
#include "process/procutil.h"

#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QProcess>
#include <QTimer>

#include <optional>

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

const char kLabUsage[] = R"USAGE(Usage: pgha lab <start|stop|status|logs|env|standalone> [options]

  start    start the bundled lab and wait until it is healthy (exit 0 only then);
           --flavor native (local processes, default) or docker (Docker Compose);
           docker --postgres 17: the Debian 13 stack (PostgreSQL 17, Patroni 4.0.7 …)
  stop     stop every lab process and free every port (docker: --volumes also deletes the data)
  status   what runs: processes and ports, or containers with health, CPU and memory (--json)
  logs     a component's log: pgha lab logs pg1 [--follow] [--tail N]
  env      shell variables for the lab's read-write entry point: eval "$(pgha lab env)"
  standalone start|stop|status
           a plain PostgreSQL of the members' version and parameters on its own port, no
           Patroni, no replication: the benchmarks' single-node baseline (native lab only)

The lab directory is $PGHA_LAB_DIR, or by default )USAGE";

// "15 = Debian 12 (PostgreSQL 15, Patroni 3.0.2, …); 17 = Debian 13 (…)"
QString postgresChoices()
{
    QStringList out;
    for (const dockerlab::LabRelease &r : dockerlab::kLabReleases)
        out << QStringLiteral("%1 = %2 (%3)").arg(r.postgres).arg(QLatin1String(r.debian), QLatin1String(r.stack));
    return out.join(QStringLiteral("; "));
}

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
        {QStringLiteral("flavor"), QStringLiteral("Lab flavour: native (local processes) or docker (Docker Compose, "
                                                  "same topology and ports)."),
         QStringLiteral("FLAVOR"), QStringLiteral("native")},
        {QStringLiteral("postgres"), QStringLiteral("docker: the PostgreSQL major, which picks the Debian release of every "
                                                    "component: %1. Default: the lab's own, else %2.")
                                             .arg(postgresChoices())
                                             .arg(dockerlab::kDefaultPostgres),
         QStringLiteral("MAJOR")},
        {QStringLiteral("base-image"), QStringLiteral("docker: the image the lab's Dockerfiles build on (default: "
                                                      "pgha/debian-base:SUITE when built here by "
                                                      "lab-stack/docker/build-base-image.sh, else debian:SUITE-slim)."),
         QStringLiteral("IMAGE")},
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
        {QStringLiteral("json"), QStringLiteral("Print the outcome as JSON on stdout (with where the time to healthy went: "
                                                "\"breakdown\"); progress still goes to stderr.")},
    });
    if (!parse(parser, ctx, args, QStringLiteral("Start the bundled lab and wait until it is healthy; then say where the time "
                                                 "went (etcd, bootstrap, each replica, proxies, health check).")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    const QString flavor = parser.value(QStringLiteral("flavor"));
    if (!labFlavors().contains(flavor)) {
        ctx.err << "pgha: unknown lab flavour \"" << flavor << "\"; use --flavor " << labFlavors().join(QStringLiteral(" or --flavor "))
                << '\n';
        return Usage;
    }
    if (const auto choice = chooseLabFlavor(LabConfig::defaultLabDir(), flavor); choice.flavor != flavor) {
        ctx.err << "pgha: the " << choice.flavor << " lab is in " << LabConfig::defaultLabDir()
                << "; stop it first (pgha lab stop), or give the other flavour its own directory (PGHA_LAB_DIR)\n";
        return Failed;
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

    LabConfig config = labConfigForOffset(offset);
    config.timings = timings.value();
    config.withPgpool = parser.isSet(QStringLiteral("pgpool"));
    config.restTls = parser.isSet(QStringLiteral("rest-tls"));
    config.restAuth = parser.isSet(QStringLiteral("rest-auth"));
    config.dockerBaseImage = parser.value(QStringLiteral("base-image"));
    if (parser.isSet(QStringLiteral("postgres"))) {
        bool majorOk = false;
        const int major = parser.value(QStringLiteral("postgres")).toInt(&majorOk);
        if (!majorOk || !dockerlab::releaseFor(major)) {
            ctx.err << "pgha: --postgres takes " << dockerlab::supportedPostgres() << " (the Debian releases the Docker lab is "
                    << "built from), not \"" << parser.value(QStringLiteral("postgres")) << "\"\n";
            return Usage;
        }
        if (flavor != u"docker") {
            ctx.err << "pgha: --postgres is for the Docker lab; the native lab runs the PostgreSQL and Patroni installed "
                    << "here (start it with --flavor docker --postgres " << major << ")\n";
            return Usage;
        }
        config.dockerPostgres = major;
    }
    HttpClient http;
    std::unique_ptr<LabService> service(makeLabService(flavor, config, &http));
    LabService &lab = *service;
    const bool quiet = parser.isSet(QStringLiteral("quiet"));
    QElapsedTimer clock;
    clock.start();
    auto stamp = [&] { return QStringLiteral("[%1s] ").arg(clock.elapsed() / 1000.0, 5, 'f', 1); };
    QObject::connect(&lab, &LabService::message, [&](const QString &line) {
        if (!quiet)
            ctx.err << stamp() << line << Qt::endl;
    });
    QObject::connect(&lab, &LabService::componentChanged, [&](const LabComponentStatus &s) {
        if (!quiet && !s.detail.isEmpty() && s.detail != u"asking")
            ctx.err << stamp() << padRight(s.name, 20) << padRight(LabComponentStatus::stateName(s.state), 9) << s.detail
                    << Qt::endl;
    });
    int exitCode = Failed;
    const bool json = parser.isSet(QStringLiteral("json"));
    QObject::connect(&lab, &LabService::startFinished, [&](const LabOutcome &o) {
        exitCode = o.ok ? Ok : Failed;
        if (json) {
            ctx.out << QJsonDocument(labStartOutcomeJson(o, lab)).toJson(QJsonDocument::Indented);
            ctx.out.flush();
            if (!o.ok)
                ctx.err << "pgha: " << o.error.toString() << Qt::endl;
        } else {
            printLabStartOutcome(ctx, o, lab, quiet, stamp());
        }
        if (!lab.isBusy())
            QCoreApplication::exit(exitCode);
    });
    QObject::connect(&lab, &LabService::stopFinished, [&] { QCoreApplication::exit(exitCode); });
    app::SignalWatcher watcher;
    QObject::connect(&watcher, &app::SignalWatcher::interrupted, [&] {
        ctx.err << stamp() << "interrupted: stopping what was started" << Qt::endl;
        lab.stop();
    });
    LabService::StartOptions options;
    options.stale = parser.isSet(QStringLiteral("reuse")) ? LabService::StaleAction::Reuse
            : parser.isSet(QStringLiteral("wipe"))        ? LabService::StaleAction::Wipe
                                                          : LabService::StaleAction::Refuse;
    options.wipe = parser.isSet(QStringLiteral("wipe"));
    QMetaObject::invokeMethod(&lab, [&] { lab.start(options); }, Qt::QueuedConnection);
    QCoreApplication::exec();
    return exitCode;
}

int stopLab(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("wipe"), QStringLiteral("Also delete the lab directory (data, logs, configs; "
                                                             "the Docker lab's volumes too).")});
    parser.addOption({QStringLiteral("flavor"), QStringLiteral("Which lab to stop when both flavours keep data in the lab "
                                                               "directory (default: the one running, else the one used last)."),
                      QStringLiteral("native|docker")});
    parser.addOption({QStringLiteral("volumes"), QStringLiteral("docker: also delete the lab's named volumes (every "
                                                                "database and etcd's data). The native lab keeps its data "
                                                                "in the lab directory: use --wipe there.")});
    if (!parse(parser, ctx, args, QStringLiteral("Stop every lab process and free every port.")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    LabConfig config;
    config.labDir = LabConfig::defaultLabDir();
    // Both flavours can keep data in one lab directory; without --flavor the one that runs (or
    // was used last) is stopped.
    const QString recorded = recordedLabFlavor(config.labDir);
    const QString flavor = parser.isSet(QStringLiteral("flavor")) ? parser.value(QStringLiteral("flavor"))
                                                                  : chooseLabFlavor(config.labDir).flavor;
    if (!labFlavors().contains(flavor)) {
        ctx.err << "pgha: unknown lab flavour \"" << flavor << "\"; use --flavor " << labFlavors().join(QStringLiteral(" or --flavor "))
                << '\n';
        return Usage;
    }
    if (parser.isSet(QStringLiteral("wipe"))) {
        if (auto trusted = checkLabDirTrusted(config.labDir); !trusted) {
            ctx.err << "pgha: " << trusted.error().toString() << '\n';
            return Failed;
        }
        if (classifyLabDir(config.labDir) == LabDirKind::Foreign) {
            ctx.err << "pgha: " << config.labDir << " is not a lab directory (it holds other files and no lab state): "
                    << "nothing deleted — point PGHA_LAB_DIR at the lab's directory\n";
            return Failed;
        }
    }
    if (parser.isSet(QStringLiteral("volumes")) && recorded.isEmpty()) {
        ctx.err << "no lab is recorded in " << config.labDir << ": nothing to stop\n";
        return Ok;
    }
    if (parser.isSet(QStringLiteral("volumes")) && flavor != u"docker") {
        ctx.err << "pgha: --volumes is for the Docker lab; the " << flavor << " lab in " << config.labDir
                << " keeps its data in that directory (pgha lab stop --wipe deletes it)\n";
        return Usage;
    }
    HttpClient http;
    std::unique_ptr<LabService> service(makeLabService(flavor, config, &http));
    LabService &lab = *service;
    LabService::StopOptions stopOptions;
    stopOptions.deleteVolumes = lab.stopMayDeleteVolumes()
            && (parser.isSet(QStringLiteral("volumes")) || parser.isSet(QStringLiteral("wipe")));
    int exitCode = Failed;
    QObject::connect(&lab, &LabService::componentChanged, [&](const LabComponentStatus &s) {
        ctx.err << padRight(s.name, 20) << s.detail << Qt::endl;
    });
    QObject::connect(&lab, &LabService::message, [&](const QString &line) { ctx.err << line << Qt::endl; });
    QObject::connect(&lab, &LabService::stopFinished, [&](const LabOutcome &o) {
        if (o.ok) {
            exitCode = Ok;
            if (parser.isSet(QStringLiteral("wipe"))) {
                // Only this flavour's entries; the directory itself once nothing else is left.
                if (auto wiped = wipeFlavour(config.labDir, flavor, lab.config()); !wiped) {
                    ctx.err << "pgha: " << wiped.error().toString() << Qt::endl;
                    exitCode = Failed;
                } else if (removeLabDirIfEmpty(config.labDir)) {
                    ctx.err << "deleted " << config.labDir << Qt::endl;
                } else {
                    ctx.err << "deleted the " << flavor << " lab's data in " << config.labDir;
                    const QString other = flavor == u"docker" ? QStringLiteral("native") : QStringLiteral("docker");
                    if (LabState::exists(config.labDir, other))
                        ctx.err << " (the " << other << " lab's stays: pgha lab stop --flavor " << other << " --wipe deletes it)";
                    ctx.err << Qt::endl;
                }
            }
        } else {
            ctx.err << "pgha: " << o.error.toString() << Qt::endl;
        }
        QCoreApplication::exit(exitCode);
    });
    app::SignalWatcher watcher;   // a stop is not interrupted halfway: Ctrl-C is ignored until it ends
    QMetaObject::invokeMethod(&lab, [&] { lab.stop(stopOptions); }, Qt::QueuedConnection);
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
    // The standalone baseline beside it, once started here (`pgha lab standalone status` has more).
    if (const auto standalone = LabStandalone::inspect(r.labDir); standalone.state)
        o.insert(QStringLiteral("standalone"), QJsonObject{{QStringLiteral("status"), StandaloneReport::statusName(standalone.status)},
                                                          {QStringLiteral("pid"), standalone.pid},
                                                          {QStringLiteral("port"), standalone.state->port},
                                                          {QStringLiteral("summary"), standalone.summary}});
    return o;
}

// The lab recorded in `labDir`, or nothing after saying why.
std::optional<LabState> loadRecordedLab(CliContext &ctx, const QString &labDir)
{
    auto state = LabState::load(labDir);
    if (!state) {
        ctx.err << "pgha: " << state.error().toString() << Qt::endl;
        return std::nullopt;
    }
    return state.value();
}

// The Docker lab's status is the engine's: every container with state, health, uptime, CPU and
// memory. Exit 0 when every container runs and is healthy.
int dockerLabStatus(CliContext &ctx, bool json)
{
    const QString labDir = LabConfig::defaultLabDir();
    auto state = loadRecordedLab(ctx, labDir);
    if (!state)
        return Failed;
    LabConfig config = state->config;
    config.labDir = labDir;
    HttpClient http;
    DockerLab lab(config, &http);
    int exitCode = Failed;
    lab.listContainers(true, &lab, [&](const Result<QList<docker::ContainerInfo>> &listed) {
        if (!listed) {
            ctx.err << "pgha: " << listed.error().toString() << Qt::endl;
            QCoreApplication::exit(Failed);
            return;
        }
        const auto expected = dockerlab::componentsOf(config);
        QHash<QString, docker::ContainerInfo> byService;
        for (const auto &c : listed.value())
            byService.insert(c.service, c);
        int ready = 0;
        for (const auto &component : expected)
            ready += byService.value(component.name).isReady() ? 1 : 0;
        const bool allReady = ready == expected.size();
        exitCode = allReady ? Ok : Failed;
        const QString summary = QStringLiteral("docker lab (Compose project %1, %2): %3 of %4 containers running and healthy")
                                        .arg(config.dockerProject, LabState::phaseName(state->phase))
                                        .arg(ready)
                                        .arg(expected.size());
        if (json) {
            QJsonArray containers;
            for (const auto &component : expected) {
                const auto c = byService.value(component.name);
                containers.append(QJsonObject{{QStringLiteral("service"), component.name},
                                              {QStringLiteral("kind"), kindName(component.kind)},
                                              {QStringLiteral("container"), c.name},
                                              {QStringLiteral("state"), c.id.isEmpty() ? QStringLiteral("absent") : c.state},
                                              {QStringLiteral("health"), docker::ContainerInfo::healthName(c.health)},
                                              {QStringLiteral("status"), c.status},
                                              {QStringLiteral("uptime"), c.uptime},
                                              {QStringLiteral("ports"), c.ports},
                                              {QStringLiteral("cpu"), c.cpu},
                                              {QStringLiteral("memory"), c.memory}});
            }
            ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("labDir"), labDir},
                                                 {QStringLiteral("flavor"), QStringLiteral("docker")},
                                                 {QStringLiteral("project"), config.dockerProject},
                                                 {QStringLiteral("phase"), LabState::phaseName(state->phase)},
                                                 {QStringLiteral("status"), allReady ? QStringLiteral("running")
                                                                                     : ready ? QStringLiteral("partial")
                                                                                             : QStringLiteral("stopped")},
                                                 {QStringLiteral("summary"), summary},
                                                 {QStringLiteral("ports"), config.ports.toJson()},
                                                 {QStringLiteral("containers"), containers}})
                               .toJson(QJsonDocument::Indented);
        } else {
            ctx.out << "lab " << labDir << ": " << summary << "\ntimings: " << config.timings.describe() << "\n\n"
                    << padRight(QStringLiteral("SERVICE"), 21) << padRight(QStringLiteral("STATE"), 10)
                    << padRight(QStringLiteral("HEALTH"), 11) << padRight(QStringLiteral("UP"), 16) << padRight(QStringLiteral("CPU"), 8)
                    << padRight(QStringLiteral("MEMORY"), 22) << "PORTS\n";
            for (const auto &component : expected) {
                const auto c = byService.value(component.name);
                QStringList ports;
                for (const auto &p : component.ports)
                    ports << QString::number(p.port);
                ctx.out << padRight(component.name, 21) << padRight(c.id.isEmpty() ? QStringLiteral("absent") : c.state, 10)
                        << padRight(docker::ContainerInfo::healthName(c.health), 11)
                        << padRight(c.uptime.isEmpty() ? QStringLiteral("-") : c.uptime, 16)
                        << padRight(c.cpu.isEmpty() ? QStringLiteral("-") : c.cpu, 8)
                        << padRight(c.memory.isEmpty() ? QStringLiteral("-") : c.memory, 22) << ports.join(u", ") << '\n';
            }
        }
        ctx.out.flush();
        QCoreApplication::exit(exitCode);
    });
    return QCoreApplication::exec();
}

// `pgha lab logs SERVICE`: the Docker lab asks Compose; the native lab reads its log file.
int labLogs(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("service"), QStringLiteral("etcd1…3, pg1…3, pgbouncer1…3, haproxy, exporter1…3, pgpool"));
    parser.addOptions({
        {QStringLiteral("follow"), QStringLiteral("Keep printing what it writes until Ctrl-C.")},
        {QStringLiteral("tail"), QStringLiteral("Lines from the end to start with (default 100)."), QStringLiteral("N"),
         QStringLiteral("100")},
    });
    if (!parse(parser, ctx, args, QStringLiteral("Print a lab component's log.")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    const QString service = parser.positionalArguments().value(0);
    bool tailOk = false;
    const int tail = parser.value(QStringLiteral("tail")).toInt(&tailOk);
    if (service.isEmpty() || !tailOk || tail < 0) {
        ctx.err << "pgha: name a component (pgha lab logs pg1 [--follow] [--tail N])\n";
        return Usage;
    }
    const QString labDir = LabConfig::defaultLabDir();
    auto state = loadRecordedLab(ctx, labDir);
    if (!state)
        return Failed;
    LabConfig config = state->config;
    config.labDir = labDir;
    const bool follow = parser.isSet(QStringLiteral("follow"));
    bool known = false;
    for (const auto &c : dockerlab::componentsOf(config))
        known = known || c.name == service;
    if (!known) {
        ctx.err << "pgha: the lab has no component \"" << service << "\"; `pgha lab status` lists them\n";
        return Usage;
    }
    app::SignalWatcher watcher;
    int exitCode = Ok;
    if (state->flavor == u"docker") {
        HttpClient http;
        DockerLab lab(config, &http);
        QPointer<QProcess> follower;
        QObject::connect(&watcher, &app::SignalWatcher::interrupted, [&] {
            if (follower)
                docker::cancel(follower);
            else
                QCoreApplication::exit(Ok);
        });
        // Detection first, so that the follower's process can be cancelled by Ctrl-C.
        lab.listContainers(false, &lab, [&](const Result<QList<docker::ContainerInfo>> &listed) {
            if (!listed) {
                ctx.err << "pgha: " << listed.error().toString() << Qt::endl;
                QCoreApplication::exit(Failed);
                return;
            }
            follower = lab.logs(
                    service, tail, follow, &lab, [&](const QString &line) { ctx.out << line << Qt::endl; },
                    [&](const Error *error) {
                        if (error) {
                            ctx.err << "pgha: " << error->toString() << Qt::endl;
                            exitCode = Failed;
                        }
                        QCoreApplication::exit(exitCode);
                    });
        });
        QCoreApplication::exec();
        return exitCode;
    }
    const QString file = LabLayout(labDir).logFile(service);
    if (!QFile::exists(file)) {
        ctx.err << "pgha: " << service << " has no log yet (" << file << ")\n";
        return Failed;
    }
    for (const QString &line : proc::tailOfFile(file, tail))
        ctx.out << line << '\n';
    ctx.out.flush();
    if (!follow)
        return Ok;
    // Follow by size: print what was appended since the last look, twice a second.
    qint64 offset = QFileInfo(file).size();
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return;
        if (f.size() < offset)
            offset = 0;   // rotated or truncated: start over
        f.seek(offset);
        const QByteArray added = f.readAll();
        offset += added.size();
        ctx.out << QString::fromUtf8(added);
        ctx.out.flush();
    });
    QObject::connect(&watcher, &app::SignalWatcher::interrupted, [] { QCoreApplication::exit(Ok); });
    timer.start(500);
    return QCoreApplication::exec();
}

int labStatus(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    if (!parse(parser, ctx, args, QStringLiteral("Show the lab's processes and ports. Exit 0 when it runs.")))
        return Usage;
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    if (recordedLabFlavor(LabConfig::defaultLabDir()) == u"docker")
        return dockerLabStatus(ctx, parser.isSet(QStringLiteral("json")));
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
        if (const auto standalone = LabStandalone::inspect(report.labDir); standalone.state)
            ctx.out << "\nstandalone baseline: " << standalone.summary << '\n';
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
    if (sub == u"logs")
        return labLogs(ctx, rest);
    if (sub == u"env")
        return labEnv(ctx, rest);
    if (sub == u"standalone")
        return runLabStandaloneCommand(ctx, args.mid(1));
    const bool help = sub.isEmpty() || sub == u"--help" || sub == u"-h";
    (help && !sub.isEmpty() ? ctx.out : ctx.err)
            << (sub.isEmpty() || help ? QString() : QStringLiteral("pgha: unknown lab command \"%1\"\n\n").arg(sub))
            << kLabUsage << LabConfig::defaultLabDir() << ".\n";
    return help && !sub.isEmpty() ? Ok : Usage;
}

} // namespace pgha::cli

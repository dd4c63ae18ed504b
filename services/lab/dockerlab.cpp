#include "lab/dockerlab.h"

#include "core/logging.h"
#include "lab/dockerlabfiles.h"
#include "lab/labdir.h"
#include "lab/labfiles.h"
#include "lab/labhealth.h"
#include "process/procutil.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>

namespace pgha::svc {

using docker::CommandResult;
using docker::ContainerInfo;

namespace {

using dockerlab::kQueryTimeoutMs;
constexpr int kHealthRetryMs = 2000;

// Compose substitutes variables from the caller's environment before the .env: an exported
// POSTGRES_PASSWORD or PG1_PORT would silently win over the lab's own. Drop those.
QProcessEnvironment composeEnvironment(const QString &envText, const QStringList &profiles)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &line : envText.split(QLatin1Char('\n'))) {
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq > 0 && !line.startsWith(QLatin1Char('#')))
            env.remove(line.left(eq));
    }
    if (!profiles.isEmpty())
        env.insert(QStringLiteral("COMPOSE_PROFILES"), profiles.join(QLatin1Char(',')));
    return env;
}

} // namespace

DockerLab::DockerLab(LabConfig config, HttpClient *http, QObject *parent)
    : LabService(std::move(config), http, parent)
{
    m_poller.setInterval(kPollMs);
    connect(&m_poller, &QTimer::timeout, this, &DockerLab::poll);
}

DockerLab::~DockerLab() = default;

QList<LabComponent> DockerLab::components() const
{
    return dockerlab::componentsOf(m_config);
}

void DockerLab::fillState(LabState &state) const
{
    state.config = m_config;
    state.processes.clear();
    for (const auto &c : components()) {
        LabState::Process p;
        p.name = c.name;
        p.kind = c.kind;
        p.container = m_containers.value(c.name).name;
        state.processes.append(p);
    }
}

void DockerLab::withSetup(std::function<void()> next, std::function<void(const Error &)> failed)
{
    if (m_setup) {
        next();
        return;
    }
    const quint64 generation = m_generation;
    detect(this, [this, next, failed, generation](const Error *error) {
        if (generation != m_generation)
            return;
        if (error) {
            failed(*error);
            return;
        }
        emit message(QStringLiteral("Docker engine %1, %2").arg(m_setup->engineVersion, m_setup->composeName()));
        next();
    });
}

QProcess *DockerLab::composeCommand(const QStringList &args, int timeoutMs, std::function<void(const CommandResult &)> done,
                                    std::function<void(const QString &)> onLine, const QStringList &profiles)
{
    docker::RunOptions options;
    options.workDir = dockerlab::projectDir(m_config.labDir);
    options.timeoutMs = timeoutMs;
    options.onLine = std::move(onLine);
    options.environment = composeEnvironment(dockerlab::envText(m_config, m_state.secrets),
                                             profiles.isEmpty() ? dockerlab::profilesOf(m_config) : profiles);
    const QStringList full = m_setup->composeArgs(QStringList{QStringLiteral("-p"), m_config.dockerProject} + args);
    qCDebug(lcLab) << "compose" << full;
    return docker::run(m_setup->composeProgram(), full, options, this, std::move(done));
}

void DockerLab::start(const StartOptions &options)
{
    if (!beginStart(options, false))
        return;
    m_upDone = false;
    m_containers.clear();
    m_services.clear();
    // Both flavours may keep their data here, each with its own state file and passwords; only
    // one runs at a time.
    if (const auto native = inspect(m_config.labDir, QStringLiteral("native"));
        native.status != Status::Stopped && native.status != Status::Absent) {
        finishStart(LabOutcome::failure(makeError(ErrorKind::Busy, QStringLiteral("the native lab is in %1 (%2)").arg(m_config.labDir, native.summary),
                                                  QStringLiteral("stop it first (`pgha lab stop`)"))));
        return;
    }
    if (LabState::exists(m_config.labDir, flavor())) {
        auto existing = LabState::load(m_config.labDir, flavor());
        if (!existing) {
            finishStart(LabOutcome::failure(existing.error()));
            return;
        }
        // The directory's own Docker lab wins, --wipe or not: its volumes were made with that
        // project and those passwords (--wipe deletes the volumes, then starts on them afresh).
        const LabConfig asked = m_config;
        m_state = existing.value();
        m_config = m_state.config;
        m_config.labDir = asked.labDir;
        m_config.withPgpool = m_config.withPgpool || asked.withPgpool;
        // Its volumes hold a data directory of one PostgreSQL major: another major is a new lab.
        const int had = dockerlab::releaseOf(m_config).postgres;
        if (asked.dockerPostgres != 0 && asked.dockerPostgres != had) {
            if (!options.wipe) {
                finishStart(LabOutcome::failure(makeError(
                        ErrorKind::Busy,
                        QStringLiteral("the Docker lab in %1 holds PostgreSQL %2 data; PostgreSQL %3 cannot start on it")
                                .arg(m_config.labDir)
                                .arg(had)
                                .arg(asked.dockerPostgres),
                        QStringLiteral("start it with --postgres %1; or delete its data first (--wipe, or `pgha lab stop "
                                       "--volumes`, in the console Stop lab → delete the volumes) and start PostgreSQL %2 "
                                       "from nothing; or give the other one its own directory (PGHA_LAB_DIR)")
                                .arg(had)
                                .arg(asked.dockerPostgres))));
                return;
            }
            m_config.dockerPostgres = asked.dockerPostgres;
            m_config.dockerBaseImage.clear();   // the base image is of the other release
        }
        if (!asked.dockerBaseImage.isEmpty())
            m_config.dockerBaseImage = asked.dockerBaseImage;
    }
    if (m_config.dockerPostgres == 0)
        m_config.dockerPostgres = dockerlab::kDefaultPostgres;
    // Patroni 4 keeps no ttl below 20 ("ttl=10 can't be smaller than 20, adjusting..."): the
    // lab records what Patroni will run, so that status and budgets say the truth.
    const auto &release = dockerlab::releaseOf(m_config);
    if (const QString note = m_config.timings.raiseForPatroni(QString::number(release.patroniMajor), release.minTtl); !note.isEmpty())
        emit message(note);
    if (m_state.secrets.superuser.isEmpty())
        m_state.secrets = generateSecrets();
    if (m_config.restTls || m_config.restAuth)
        emit message(QStringLiteral("the Docker lab serves Patroni's REST API over plain http without auth; "
                                    "--rest-tls and --rest-auth apply to the native lab only"));
    m_config.restTls = m_config.restAuth = false;

    for (const auto &c : dockerlab::componentsOf(m_config)) {
        m_services.append(c.name);
        m_components.insert(c.name, {c.name, c.kind, LabComponentStatus::State::Pending, {}, 0});
    }
    m_stage = Stage::Detect;
    m_breakdown.advance(QStringLiteral("prepare"), QStringLiteral("Docker, Compose, ports"), 0);
    m_breakdown.fromNothing = !LabState::exists(m_config.labDir, flavor()) || options.wipe;
    setStage(QStringLiteral("looking for Docker"), 1);
    withSetup([this] { chooseBaseImage(); }, [this](const Error &e) { failStart(e); });
}

void DockerLab::chooseBaseImage()
{
    if (!m_config.dockerBaseImage.isEmpty()) {
        inspectExisting();
        return;
    }
    // Without a choice: the base built here from Debian packages when there is one (a machine
    // without a registry has no other), else the public image.
    docker::RunOptions options;
    options.timeoutMs = kQueryTimeoutMs;
    const QString offline = dockerlab::offlineBaseImage(m_config);
    const quint64 generation = m_generation;
    docker::run(m_setup->docker, {QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("--format"),
                                  QStringLiteral("{{.Id}}"), offline},
                options, this, [this, offline, generation](const CommandResult &r) {
                    if (generation != m_generation || m_stopRequested)
                        return;
                    if (r.ok()) {
                        m_config.dockerBaseImage = offline;
                        emit message(QStringLiteral("base image: %1 (built here from Debian packages)").arg(offline));
                    }
                    inspectExisting();
                });
}

void DockerLab::inspectExisting()
{
    if (auto written = dockerlab::writeProject(m_config, m_state.secrets); !written) {
        failStart(written.error());
        return;
    }
    const dockerlab::LabRelease &release = dockerlab::releaseOf(m_config);
    emit message(QStringLiteral("Compose project %1 in %2: %3 (%4), base image %5")
                         .arg(m_config.dockerProject, dockerlab::projectDir(m_config.labDir), QLatin1String(release.debian),
                              QLatin1String(release.stack), dockerlab::baseImageOf(m_config)));
    // Recorded before anything is built or started, so that a stop (or a test's cleanup) after
    // a crash of this program finds the project.
    saveState(LabState::Phase::Starting);
    m_stage = Stage::Inspect;
    const quint64 generation = m_generation;
    listContainers(false, this, [this, generation](const Result<QList<ContainerInfo>> &listed) {
        if (generation != m_generation || m_stopRequested)
            return;
        if (!listed) {
            failStart(listed.error());
            return;
        }
        // Volumes outlive a stop without --volumes: --wipe removes them even with no container left.
        if (m_options.wipe) {
            emit message(QStringLiteral("--wipe: removing the earlier containers and volumes"));
            m_removeVolumes = true;
            runDown([this, generation](const LabOutcome &o) {
                m_removeVolumes = false;
                if (generation != m_generation)
                    return;
                if (!o.ok) {
                    failStart(o.error);
                    return;
                }
                m_containers.clear();
                checkPorts({});
            });
            return;
        }
        applyContainers(listed.value());
        if (!listed.value().isEmpty() && allReady()) {
            emit message(QStringLiteral("the Docker lab (project %1) is already running").arg(m_config.dockerProject));
            m_upDone = true;
            checkHealth();
            return;
        }
        QList<ContainerInfo> running;
        for (const auto &c : listed.value())
            if (c.isRunning())
                running.append(c);
        checkPorts(running);
    });
}

void DockerLab::checkPorts(const QList<ContainerInfo> &running)
{
    // A port published by one of the lab's own containers is not taken by someone else.
    QString ours;
    for (const auto &c : running)
        ours += c.ports + QLatin1Char(' ');
    const auto listening = proc::listeningTcpPorts();
    for (const auto &component : dockerlab::componentsOf(m_config)) {
        for (const auto &port : component.ports) {
            if (ours.contains(QStringLiteral(":%1->").arg(port.port)))
                continue;
            const bool taken = listening ? listening->contains(port.port) : proc::isPortInUse(m_config.host, port.port);
            if (taken) {
                failStart(makeError(ErrorKind::Busy, QStringLiteral("host port %1 (%2) is already taken").arg(port.port).arg(port.role),
                                    QStringLiteral("stop what listens there (the native lab? `pgha lab status`; "
                                                   "`ss -ltnp 'sport = :%1'`), or start with --port-offset N")
                                            .arg(port.port)));
                return;
            }
        }
    }
    build();
}

void DockerLab::build()
{
    m_stage = Stage::Build;
    m_buildService.clear();
    m_buildStepsSeen = 0;
    beginStage(QStringLiteral("images"), QStringLiteral("images (build or cache)"));
    setStage(QStringLiteral("building the lab's images on %1 (cached after the first time)").arg(dockerlab::baseImageOf(m_config)), 5);
    const quint64 generation = m_generation;
    // Every service of lab-stack/docker runs the same image: building it for the first service
    // is enough (Compose v1 would otherwise go through the build 16 times, cached or not, which
    // took minutes on a loaded machine). `up` builds whatever image would still be missing.
    m_command = composeCommand({QStringLiteral("build"), m_services.front()}, kBuildTimeoutMs,
                               [this, generation](const CommandResult &r) {
                                   if (generation != m_generation || m_stopRequested)
                                       return;
                                   if (!r.ok()) {
                                       failStart(dockerlab::commandError(r, QStringLiteral("building the lab's images")));
                                       return;
                                   }
                                   emit message(QStringLiteral("images built in %1 s").arg(m_stageClock.elapsed() / 1000.0, 0, 'f', 1));
                                   up();
                               },
                               [this](const QString &line) { onBuildLine(line); });
}

void DockerLab::onBuildLine(const QString &line)
{
    // Compose v1 prints "Building pg1" then the classic builder's "Step 3/9 : RUN …"; v2
    // (BuildKit) prints "#7 [pg1 2/5] RUN …". Either way: which service, which step.
    static const QRegularExpression building(QStringLiteral(R"(^Building ([\w.-]+)$)"));
    static const QRegularExpression step(QStringLiteral(R"(^Step (\d+)/(\d+) : (.*)$)"));
    static const QRegularExpression kitStep(QStringLiteral(R"(^#\d+ \[(\S+) (\d+)/(\d+)\] (.*)$)"));
    if (const auto m = building.match(line); m.hasMatch() && m_components.contains(m.captured(1))) {
        m_buildService = m.captured(1);
        setComponent(m_buildService, LabComponentStatus::State::Starting, QStringLiteral("building its image"));
        return;
    }
    QString service = m_buildService, what;
    int n = 0, of = 0;
    if (const auto m = step.match(line); m.hasMatch()) {
        n = m.captured(1).toInt();
        of = m.captured(2).toInt();
        what = m.captured(3);
    } else if (const auto k = kitStep.match(line); k.hasMatch()) {
        service = k.captured(1);
        n = k.captured(2).toInt();
        of = k.captured(3).toInt();
        what = k.captured(4);
    } else {
        return;
    }
    ++m_buildStepsSeen;
    // Every image has a handful of steps; the build is about 35 % of a cold start.
    const int percent = 5 + std::min(35, m_buildStepsSeen);
    const QString text = QStringLiteral("building %1: step %2/%3 %4").arg(service).arg(n).arg(of).arg(what.left(70));
    emit stageChanged(text, percent);
    if (m_components.contains(service))
        setComponent(service, LabComponentStatus::State::Starting, QStringLiteral("image step %1/%2").arg(n).arg(of));
}

void DockerLab::up()
{
    m_stage = Stage::Up;
    beginStage(QStringLiteral("etcd"), QStringLiteral("etcd ×3 healthy"));
    setStage(QStringLiteral("starting the containers in order of health (etcd → Patroni → PgBouncer → HAProxy)"), 40);
    saveState(LabState::Phase::Starting);
    m_poller.start();
    const quint64 generation = m_generation;
    m_command = composeCommand({QStringLiteral("up"), QStringLiteral("-d"), QStringLiteral("--remove-orphans")},
                               kUpTimeoutMs, [this, generation](const CommandResult &r) {
                                   if (generation != m_generation || m_stopRequested)
                                       return;
                                   if (!r.ok()) {
                                       // Which service failed: one that exited or is unhealthy.
                                       QString culprit;
                                       for (const QString &s : std::as_const(m_services)) {
                                           const auto c = m_containers.value(s);
                                           if (c.health == ContainerInfo::Health::Unhealthy
                                               || (!c.id.isEmpty() && !c.isRunning()))
                                               culprit = culprit.isEmpty() ? s : culprit;
                                       }
                                       failStart(dockerlab::commandError(r, QStringLiteral("starting the containers")), culprit);
                                       return;
                                   }
                                   m_upDone = true;
                                   m_stage = Stage::WaitHealthy;
                                   m_stageClock.start();
                                   poll();
                               });
}

void DockerLab::poll()
{
    if (m_polling || (m_stage != Stage::Up && m_stage != Stage::WaitHealthy))
        return;
    m_polling = true;
    const quint64 generation = m_generation;
    listContainers(false, this, [this, generation](const Result<QList<ContainerInfo>> &listed) {
        m_polling = false;
        if (generation != m_generation || (m_stage != Stage::Up && m_stage != Stage::WaitHealthy))
            return;
        if (!listed) {
            emit message(listed.error().toString());
            return;
        }
        applyContainers(listed.value());
        if (m_stage != Stage::WaitHealthy)
            return;
        for (const QString &s : std::as_const(m_services)) {
            const auto c = m_containers.value(s);
            if (!c.id.isEmpty() && !c.isRunning() && c.state != u"created") {
                failStart(makeError(QStringLiteral("the %1 container stopped: %2").arg(s, c.status)), s);
                return;
            }
        }
        if (allReady()) {
            m_poller.stop();
            checkHealth();
        } else if (m_stageClock.elapsed() > kHealthyTimeoutMs) {
            QStringList waiting;
            for (const QString &s : std::as_const(m_services))
                if (!m_containers.value(s).isReady())
                    waiting << QStringLiteral("%1 (%2)").arg(s, m_containers.value(s).status);
            failStart(makeError(QStringLiteral("not healthy after %1 s: %2").arg(kHealthyTimeoutMs / 1000).arg(waiting.join(u", "))),
                      waiting.isEmpty() ? QString() : waiting.first().section(QLatin1Char(' '), 0, 0));
        }
    });
}

bool DockerLab::allReady() const
{
    for (const QString &s : m_services)
        if (!m_containers.value(s).isReady())
            return false;
    return true;
}

void DockerLab::checkHealth()
{
    m_stage = Stage::Health;
    setStage(QStringLiteral("checking the data path: leader, streaming replicas, a write through HAProxy"), 92);
    runHealthCheck();
}

int DockerLab::healthRetryMs() const
{
    return kHealthRetryMs;
}

std::optional<LabOutcome> DockerLab::judgeHealth(const LabHealth &health)
{
    if (health.healthy) {
        saveState(LabState::Phase::Running);
        LabOutcome o = LabOutcome::success(m_clock.elapsed());
        o.health = health;
        emit stageChanged(QStringLiteral("the Docker lab is healthy"), 100);
        return o;
    }
    if (m_stageClock.elapsed() > kHealthyTimeoutMs)
        failStart(makeError(ErrorKind::Timeout,
                            QStringLiteral("the containers are up but the lab is not healthy: %1").arg(health.problems.join(u"; ")),
                            QStringLiteral("see `pgha lab logs pg1` (and pg2, pg3, haproxy)")));
    else
        emit stageChanged(QStringLiteral("waiting: %1").arg(health.problems.value(0)), 95);
    return std::nullopt;
}

void DockerLab::undoStart(const Error &error, const QString &service, UndoDone done)
{
    const bool started = m_stage == Stage::Up || m_stage == Stage::WaitHealthy || m_stage == Stage::Health;
    m_stage = Stage::Failing;
    m_poller.stop();
    docker::cancel(m_command);
    // A stop that takes over meanwhile (a new generation) removes the containers itself.
    const quint64 generation = m_generation;
    auto finish = [this, started, done, generation](const Error &e) {
        if (generation != m_generation)
            return;
        for (auto it = m_components.begin(); it != m_components.end(); ++it)
            if (it->state != LabComponentStatus::State::Failed && it->state != LabComponentStatus::State::Pending)
                setComponent(it.key(), LabComponentStatus::State::Stopping, QStringLiteral("removing after the failed start"));
        if (!started || !m_setup) {
            if (started)
                saveState(LabState::Phase::Failed, e.toString());
            done(e);
            return;
        }
        // Containers of a failed start are removed (volumes kept): nothing is left running.
        runDown([this, e, done, generation](const LabOutcome &) {
            if (generation != m_generation)
                return;
            saveState(LabState::Phase::Failed, e.toString());
            done(e);
        });
    };
    if (service.isEmpty() || !m_setup) {
        finish(error);
        return;
    }
    // What the failing service said last is the most useful part of the message.
    auto lines = std::make_shared<QStringList>();
    logs(service, kLogTailLines, false, this, [lines](const QString &line) { lines->append(line); },
         [finish, error, service, lines](const Error *) {
             Error e = error;
             if (!lines->isEmpty())
                 e.message += QStringLiteral("\nlast lines of %1's log:\n  %2").arg(service, lines->join(QStringLiteral("\n  ")));
             finish(e);
         });
}

void DockerLab::startEnded()
{
    m_stage = Stage::Idle;
    m_poller.stop();
}

void DockerLab::stop(const StopOptions &stopOptions)
{
    m_removeVolumes = stopOptions.deleteVolumes;
    if (m_busy) {
        if (m_stage == Stage::Stopping || m_stopRequested)
            return;
        // A start in progress: end its command; its callbacks see m_stopRequested and go quiet.
        // The lab stays busy (and locked) from the start through the stop, so that a caller
        // waiting for the start's end does not take the lab for idle.
        m_stopRequested = true;
        docker::cancel(m_command);
        m_poller.stop();
        ++m_generation;
        m_stage = Stage::Stopping;
        emit startFinished(LabOutcome::failure(makeError(ErrorKind::Cancelled, QStringLiteral("the start was cancelled")), m_clock.elapsed()));
        m_stopRequested = false;
    }
    m_busy = true;
    ++m_generation;
    m_clock.start();
    if (auto locked = acquireLock(); !locked) {
        m_busy = false;
        emit stopFinished(LabOutcome::failure(locked.error()));
        return;
    }
    if (LabState::exists(m_config.labDir, flavor())) {
        if (auto loaded = LabState::load(m_config.labDir, flavor())) {
            const QString labDir = m_config.labDir;
            m_state = loaded.value();
            m_config = m_state.config;
            m_config.labDir = labDir;
        }
    }
    if (m_state.secrets.superuser.isEmpty())
        m_state.secrets = generateSecrets();   // only for the .env Compose wants to parse
    m_stage = Stage::Stopping;
    setStage(m_removeVolumes ? QStringLiteral("stopping the Docker lab and deleting its volumes")
                             : QStringLiteral("stopping the Docker lab (volumes kept)"),
             5);
    auto done = [this](const LabOutcome &o) {
        m_stage = Stage::Idle;
        m_busy = false;
        releaseLock();
        emit stopFinished(o);
    };
    withSetup(
            [this, done] {
                if (auto written = dockerlab::writeProject(m_config, m_state.secrets); !written) {
                    done(LabOutcome::failure(written.error()));
                    return;
                }
                runDown([this, done](const LabOutcome &o) {
                    if (o.ok)
                        saveState(LabState::Phase::Stopped);
                    done(o);
                });
            },
            [done](const Error &e) { done(LabOutcome::failure(e)); });
}

void DockerLab::runDown(std::function<void(const LabOutcome &)> then)
{
    for (const QString &s : std::as_const(m_services))
        setComponent(s, LabComponentStatus::State::Stopping, QStringLiteral("stopping"));
    QStringList args{QStringLiteral("down"), QStringLiteral("--remove-orphans"), QStringLiteral("--timeout"), QStringLiteral("10")};
    if (m_removeVolumes)
        args << QStringLiteral("--volumes");
    const bool volumes = m_removeVolumes;
    composeCommand(
            args, kDownTimeoutMs,
            [this, then, volumes](const CommandResult &r) {
                if (!r.ok()) {
                    then(LabOutcome::failure(dockerlab::commandError(r, QStringLiteral("stopping the Docker lab")), m_clock.elapsed()));
                    return;
                }
                for (const QString &s : std::as_const(m_services))
                    setComponent(s, LabComponentStatus::State::Stopped, QStringLiteral("removed"));
                m_containers.clear();
                if (volumes)
                    checkNothingLeft(then);
                else
                    then(LabOutcome::success(m_clock.elapsed()));
            },
            [this](const QString &line) {
                // "Stopping pgha-lab_pg1_1 ... done" (v1), " Container pgha-lab-pg1-1  Stopped" (v2)
                emit message(line.trimmed());
                static const QRegularExpression removed(QStringLiteral(R"((?:Removing|Container) (\S+?)[_-](\S+?)[_-]\d+\b.*(?:done|Removed))"));
                if (const auto m = removed.match(line); m.hasMatch() && m_components.contains(m.captured(2)))
                    setComponent(m.captured(2), LabComponentStatus::State::Stopped, QStringLiteral("removed"));
            },
            dockerlab::allProfiles());
}

} // namespace pgha::svc

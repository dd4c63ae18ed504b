// DockerLab's questions to the engine (detection, containers, logs, what is left after a stop)
// and how its answers and failures read: kinds a caller decides by, an overview for displays.
#include "lab/dockerlab.h"

#include "docker/dockercommand.h"
#include "lab/dockerlabfiles.h"

#include <QDateTime>
#include <QFile>
#include <QStandardPaths>

namespace pgha::svc {

using docker::CommandResult;
using docker::ContainerInfo;
using dockerlab::kQueryTimeoutMs;
using dockerlab::projectLabel;

namespace dockerlab {

QStringList allProfiles()
{
    return {QStringLiteral("haproxy"), QStringLiteral("pgpool")};
}

QString projectLabel(const QString &project)
{
    return QStringLiteral("label=com.docker.compose.project=%1").arg(project);
}

Error commandError(const CommandResult &r, const QString &what)
{
    // The docker layer reads docker's own words (daemon down, socket permission, port taken…)
    // and names the kind; what it leaves unnamed is classified by how the command ended.
    Error e = docker::explainFailure(r, what);
    if (e.kind == ErrorKind::Other)
        e.kind = !r.started ? ErrorKind::NotFound : r.timedOut ? ErrorKind::Timeout
                : r.cancelled ? ErrorKind::Cancelled : ErrorKind::ProcessFailed;
    return e;
}

Error engineError(Error detection)
{
    // Detection asks the engine for its version, then looks for Compose: whatever failed, the
    // Docker lab cannot run here. A docker program that is not there at all is NotFound.
    if (detection.kind == ErrorKind::Other) {
        const QString program = docker::dockerProgram();
        const bool present = QFile::exists(program) || !QStandardPaths::findExecutable(program).isEmpty();
        detection.kind = present ? ErrorKind::Unavailable : ErrorKind::NotFound;
    }
    return detection;
}

QString readySummary(qsizetype ready, qsizetype expected, qsizetype containers)
{
    if (containers == 0)
        return QStringLiteral("no containers");
    return QStringLiteral("%1 of %2 containers running and healthy").arg(ready).arg(expected);
}

} // namespace dockerlab

// Each container's state as the lab's progress says it.
void DockerLab::applyContainers(const QList<ContainerInfo> &containers)
{
    for (const auto &c : containers)
        m_containers.insert(c.service, c);
    using State = LabComponentStatus::State;
    int ready = 0;
    for (const QString &s : std::as_const(m_services)) {
        const auto it = m_containers.constFind(s);
        if (it == m_containers.cend()) {
            continue;
        }
        const ContainerInfo &c = *it;
        if (c.isReady()) {
            ++ready;
            setComponent(s, State::Ready, c.health == ContainerInfo::Health::Healthy ? QStringLiteral("healthy") : QStringLiteral("running"));
        } else if (c.isRunning()) {
            setComponent(s, State::Starting, c.health == ContainerInfo::Health::Unhealthy ? QStringLiteral("unhealthy, retrying")
                                                                                           : QStringLiteral("started, health check pending"));
        } else if (c.state == u"created") {
            setComponent(s, State::Starting, QStringLiteral("created, waiting for what it depends on"));
        } else {
            setComponent(s, State::Failed, c.status);
        }
    }
    if (m_stage == Stage::Up || m_stage == Stage::WaitHealthy) {
        emit stageChanged(QStringLiteral("containers healthy: %1 of %2").arg(ready).arg(m_services.size()),
                          40 + 50 * ready / std::max<qsizetype>(1, m_services.size()));
        noteContainerStages();
    }
    remember(containers);
}

// The Docker lab's stages as its containers' health shows them, at the resolution of the poll
// (kPollMs): Compose starts etcd first, Patroni once etcd is healthy, the proxies once Patroni is.
void DockerLab::noteContainerStages()
{
    const qint64 now = m_clock.elapsed();
    int etcdReady = 0, etcd = 0;
    QStringList patroniReady, patroniWaiting;
    bool proxyStarted = false, proxiesReady = true;
    QStringList proxies;
    for (const auto &component : dockerlab::componentsOf(m_config)) {
        const ContainerInfo c = m_containers.value(component.name);
        switch (component.kind) {
        case LabComponentKind::Etcd:
            ++etcd;
            etcdReady += c.isReady() ? 1 : 0;
            break;
        case LabComponentKind::Patroni:
            (c.isReady() ? patroniReady : patroniWaiting) << component.name;
            break;
        default:
            proxyStarted = proxyStarted || c.isRunning();
            proxiesReady = proxiesReady && c.isReady();
            if (!proxies.contains(kindName(component.kind)))
                proxies << kindName(component.kind);
            break;
        }
    }
    const QString running = QStringLiteral("etcd");
    if (etcd > 0 && etcdReady == etcd && m_breakdown.has(running) && !m_breakdown.stage(running)->finished())
        beginStage(QStringLiteral("bootstrap"), QStringLiteral("first Patroni healthy"));
    if (!patroniReady.isEmpty() && !m_breakdown.has(QStringLiteral("members"))) {
        m_breakdown.setNote(QStringLiteral("bootstrap"), QStringLiteral("%1 healthy first").arg(patroniReady.join(u", ")));
        beginStage(QStringLiteral("members"), QStringLiteral("the rest healthy"));
        for (const QString &name : std::as_const(patroniWaiting))
            m_breakdown.beginParallel(QStringLiteral("replica:") + name, QStringLiteral("%1 healthy").arg(name), now);
    }
    for (const QString &name : std::as_const(patroniReady))
        m_breakdown.end(QStringLiteral("replica:") + name, now);
    if (proxyStarted && !m_breakdown.has(QStringLiteral("proxies"))) {
        m_breakdown.beginParallel(QStringLiteral("proxies"), QStringLiteral("proxies and exporters"), now);
        m_breakdown.setNote(QStringLiteral("proxies"), proxies.join(u", ") + QStringLiteral(": healthy"));
    }
    if (proxyStarted && proxiesReady)
        m_breakdown.end(QStringLiteral("proxies"), now);
}

void DockerLab::detect(QObject *context, std::function<void(const Error *)> then)
{
    QPointer<QObject> guard(context);
    docker::detectDocker(this, [this, guard, then](const Result<docker::DockerSetup> &setup) {
        if (!guard)
            return;
        if (!setup) {
            const Error e = dockerlab::engineError(setup.error());
            then(&e);
            return;
        }
        m_setup = setup.value();
        then(nullptr);
    });
}

void DockerLab::remember(const QList<ContainerInfo> &containers)
{
    m_listed = containers;
    m_listedAtMs = QDateTime::currentMSecsSinceEpoch();
    emit containersChanged(containers);
}

LabService::Overview DockerLab::overview() const
{
    const QString labDir = m_config.labDir;
    const QString project = m_config.dockerProject;
    const Report report = inspect(labDir);
    const bool recorded = report.state && report.state->flavor == flavor();
    using Phase = LabState::Phase;
    const Phase phase = recorded ? report.state->phase : Phase::Stopped;
    QHash<QString, ContainerInfo> byService;
    for (const auto &c : m_listed)
        byService.insert(c.service, c);
    int ready = 0;
    using State = LabComponentStatus::State;
    using Health = ContainerInfo::Health;
    Overview o;
    o.status = report.status;
    const bool shouldRun = recorded && phase == Phase::Running;
    const auto all = components();
    for (const auto &component : all) {
        LabComponentStatus s{component.name, component.kind, State::Stopped, QStringLiteral("no container"), 0};
        const auto it = byService.constFind(component.name);
        if (it == byService.cend()) {
            if (!recorded) {
                s.state = State::Pending;
                s.detail = QStringLiteral("not created");
            } else if (shouldRun) {
                s.state = State::Failed;
                s.detail = QStringLiteral("no container (removed?)");
            }
        } else if (it->isReady()) {
            ++ready;
            s.state = State::Ready;
            s.detail = it->health == Health::Healthy ? QStringLiteral("healthy, up %1").arg(it->uptime)
                                                     : QStringLiteral("running, up %1 (no health check)").arg(it->uptime);
        } else if (it->isRunning()) {
            s.state = it->health == Health::Unhealthy ? State::Failed : State::Starting;
            s.detail = it->health == Health::Unhealthy ? QStringLiteral("unhealthy, up %1").arg(it->uptime)
                                                       : QStringLiteral("started, health check pending");
        } else if (it->state == u"created") {
            s.state = State::Starting;
            s.detail = QStringLiteral("created, not started");
        } else {
            s.state = shouldRun ? State::Failed : State::Stopped;
            s.detail = it->status;
        }
        o.components.append(s);
    }
    // Ask the engine while there may be containers (a failed start removed its containers: the
    // background need not keep asking then).
    o.mayHaveContainers = recorded && (phase == Phase::Running || phase == Phase::Starting || phase == Phase::Stopping);
    if (!recorded)
        o.stage = QStringLiteral("no Docker lab in %1 yet (Compose project %2)").arg(labDir, project);
    else if (phase == Phase::Running && m_listedAtMs > 0)
        o.stage = QStringLiteral("running · %1 (Compose project %2)").arg(dockerlab::readySummary(ready, all.size(), m_listed.size()), project);
    else
        o.stage = report.summary;
    o.percent = report.status == Status::Running ? 100 : 0;
    o.canStart = report.status != Status::Running && report.status != Status::Busy;
    o.canStop = report.status == Status::Running || (recorded && phase != Phase::Stopped) || !m_listed.isEmpty();
    return o;
}

void DockerLab::checkNothingLeft(std::function<void(const LabOutcome &)> then)
{
    // Asked of the engine, not assumed: the test of "stop with volumes" is that nothing is left.
    const QString label = projectLabel(m_config.dockerProject);
    auto left = std::make_shared<QStringList>();
    auto pending = std::make_shared<int>(3);
    auto one = [this, left, pending, then](const QString &what, const QStringList &args) {
        docker::RunOptions options;
        options.timeoutMs = kQueryTimeoutMs;
        docker::run(m_setup->docker, args, options, this, [this, what, left, pending, then](const CommandResult &r) {
            const QString names = QString::fromUtf8(r.out).trimmed();
            if (!r.ok())
                left->append(QStringLiteral("%1: cannot ask (%2)").arg(what, r.said()));
            else if (!names.isEmpty())
                left->append(QStringLiteral("%1: %2").arg(what, names.split(QLatin1Char('\n')).join(u", ")));
            if (--*pending > 0)
                return;
            if (left->isEmpty())
                then(LabOutcome::success(m_clock.elapsed()));
            else
                then(LabOutcome::failure(makeError(ErrorKind::Busy, QStringLiteral("after `down --volumes` the engine still has %1").arg(left->join(u"; ")),
                                                   QStringLiteral("remove them by hand (docker rm -f / docker volume rm / docker network rm)")),
                                         m_clock.elapsed()));
        });
    };
    one(QStringLiteral("containers"), {QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("-q"), QStringLiteral("--filter"), label});
    one(QStringLiteral("volumes"), {QStringLiteral("volume"), QStringLiteral("ls"), QStringLiteral("-q"), QStringLiteral("--filter"), label});
    one(QStringLiteral("networks"), {QStringLiteral("network"), QStringLiteral("ls"), QStringLiteral("-q"), QStringLiteral("--filter"), label});
}

void DockerLab::listContainers(bool withStats, QObject *context, ContainersDone done)
{
    QPointer<QObject> guard(context);
    auto ask = [this, withStats, guard, done] {
        docker::RunOptions options;
        options.timeoutMs = kQueryTimeoutMs;
        const QStringList args{QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
                               projectLabel(m_config.dockerProject), QStringLiteral("--format"), docker::containerListFormat()};
        docker::run(m_setup->docker, args, options, this, [this, withStats, guard, done](const CommandResult &r) {
            if (!guard)
                return;
            if (!r.ok()) {
                done(dockerlab::commandError(r, QStringLiteral("listing the lab's containers")));
                return;
            }
            auto parsed = docker::parseContainerList(r.out);
            if (!parsed || !withStats) {
                if (parsed)
                    remember(parsed.value());
                done(parsed);
                return;
            }
            QStringList running;
            for (const auto &c : parsed.value())
                if (c.isRunning())
                    running << c.name;
            if (running.isEmpty()) {
                done(parsed);
                return;
            }
            docker::RunOptions statsOptions;
            statsOptions.timeoutMs = kQueryTimeoutMs;
            docker::run(m_setup->docker,
                        QStringList{QStringLiteral("stats"), QStringLiteral("--no-stream"), QStringLiteral("--format"),
                                    QStringLiteral("{{json .}}")} + running,
                        statsOptions, this, [this, guard, done, list = parsed.value()](const CommandResult &s) mutable {
                            if (!guard)
                                return;
                            // Stats are extra: without them the table still has everything else.
                            if (auto stats = s.ok() ? docker::parseContainerStats(s.out) : Result<QHash<QString, docker::ContainerStats>>(
                                        docker::explainFailure(s, QStringLiteral("docker stats"))))
                                for (auto &c : list) {
                                    c.cpu = stats.value().value(c.name).cpu;
                                    c.memory = stats.value().value(c.name).memory;
                                }
                            remember(list);
                            done(list);
                        });
        });
    };
    if (m_setup) {
        ask();
        return;
    }
    detect(context, [ask, done](const Error *error) {
        if (error)
            done(*error);
        else
            ask();
    });
}

QProcess *DockerLab::logs(const QString &service, int tail, bool follow, QObject *context,
                          std::function<void(const QString &)> onLine, std::function<void(const Error *)> done)
{
    if (!m_setup) {
        // Detection first; the process handle is then not available to cancel, so a caller that
        // follows a log asks after a start or a listContainers().
        detect(context, [=, this](const Error *error) {
            if (error && done)
                done(error);
            else if (!error)
                logs(service, tail, follow, context, onLine, done);
        });
        return nullptr;
    }
    if (!QFile::exists(dockerlab::projectDir(m_config.labDir) + QStringLiteral("/docker-compose.yml"))) {
        // The project is written with the lab's own passwords, never with empty or new ones.
        if (m_state.secrets.superuser.isEmpty()) {
            auto recorded = LabState::load(m_config.labDir, flavor());
            if (!recorded) {
                const Error e = makeError(ErrorKind::NotFound, QStringLiteral("no Docker lab is recorded in %1").arg(m_config.labDir),
                                          QStringLiteral("start one: pgha lab start --flavor docker"));
                if (done)
                    done(&e);
                return nullptr;
            }
            m_state.secrets = recorded.value().secrets;
        }
        if (auto written = dockerlab::writeProject(m_config, m_state.secrets); !written) {
            if (done)
                done(&written.error());
            return nullptr;
        }
    }
    QStringList args{QStringLiteral("logs"), QStringLiteral("--no-color"), QStringLiteral("--no-log-prefix"),
                     QStringLiteral("--tail"), QString::number(tail)};
    if (follow)
        args << QStringLiteral("--follow");
    args << service;
    QPointer<QObject> guard(context);
    return composeCommand(
            args, follow ? 0 : kQueryTimeoutMs,
            [guard, done, service](const CommandResult &r) {
                if (!guard || !done)
                    return;
                if (r.ok() || r.cancelled) {
                    done(nullptr);
                    return;
                }
                const Error e = dockerlab::commandError(r, QStringLiteral("reading the log of %1").arg(service));
                done(&e);
            },
            [guard, onLine](const QString &line) {
                if (guard && onLine)
                    onLine(line);
            },
            dockerlab::allProfiles());
}

} // namespace pgha::svc

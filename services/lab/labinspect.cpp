#include "lab/labservice.h"
#include "process/procutil.h"

#include <QCoreApplication>

// The read-only side of either flavour: what is in a lab directory and whether it runs.
namespace pgha::svc {

QString LabService::statusName(Status s)
{
    switch (s) {
    case Status::Absent: return QStringLiteral("absent");
    case Status::Stopped: return QStringLiteral("stopped");
    case Status::Running: return QStringLiteral("running");
    case Status::Partial: return QStringLiteral("partial");
    case Status::Stale: return QStringLiteral("stale");
    case Status::Busy: return QStringLiteral("busy");
    }
    return {};
}

LabService::Report LabService::inspect(const QString &labDir, const QString &flavor)
{
    Report r;
    r.labDir = labDir;
    if (flavor.isEmpty() ? !LabState::exists(labDir) : !LabState::exists(labDir, flavor)) {
        r.summary = flavor.isEmpty() ? QStringLiteral("no lab in %1").arg(labDir)
                                     : QStringLiteral("no %1 lab in %2").arg(flavor, labDir);
        return r;
    }
    auto loaded = flavor.isEmpty() ? LabState::load(labDir) : LabState::load(labDir, flavor);
    if (!loaded) {
        r.status = Status::Stale;
        r.summary = loaded.error().toString();
        return r;
    }
    const LabState &state = loaded.value();
    r.state = state;
    if (state.flavor != u"native") {
        // A Docker lab has no PIDs here: its phase says whether it was started and not stopped;
        // the engine is asked by DockerLab::listContainers (`pgha lab status`).
        const bool running = state.phase == LabState::Phase::Running;
        for (const auto &p : state.processes)
            r.components.append({p.name, p.kind, 0, running, {}, {}, p.container});
        const bool controllerAlive = state.controllerPid > 0 && state.controllerPid != QCoreApplication::applicationPid()
                && proc::isAlive(state.controllerPid);
        r.status = running ? Status::Running
                : (state.phase == LabState::Phase::Starting || state.phase == LabState::Phase::Stopping) && controllerAlive
                ? Status::Busy
                : Status::Stopped;
        r.summary = QStringLiteral("%1 lab (Compose project %2): %3").arg(state.flavor, state.config.dockerProject,
                                                                           LabState::phaseName(state.phase));
        return r;
    }
    int alive = 0;
    const auto components = state.config.components();
    const auto listening = proc::listeningTcpPorts();
    for (const auto &c : components) {
        ComponentReport cr{c.name, c.kind, 0, false, c.ports, {}, {}};
        if (const auto *p = state.process(c.name)) {
            cr.pid = p->pid;
            cr.alive = proc::isAlive(p->pid, p->startTicks);
            cr.logFile = p->logFile;
        }
        for (const auto &port : c.ports)
            cr.listening.append(cr.alive
                                && (listening ? listening->contains(port.port) : proc::isPortInUse(state.config.host, port.port)));
        alive += cr.alive ? 1 : 0;
        r.components.append(cr);
    }
    const bool controllerAlive = state.controllerPid > 0 && state.controllerPid != QCoreApplication::applicationPid()
            && proc::isAlive(state.controllerPid);
    const bool transient = state.phase == LabState::Phase::Starting || state.phase == LabState::Phase::Stopping;
    const int total = static_cast<int>(components.size());
    if (transient && controllerAlive)
        r.status = Status::Busy;
    else if (alive == total && state.phase == LabState::Phase::Running)
        r.status = Status::Running;
    else if (alive == 0)
        r.status = (state.phase == LabState::Phase::Stopped || state.phase == LabState::Phase::Failed) ? Status::Stopped
                                                                                                        : Status::Stale;
    else
        r.status = Status::Partial;

    switch (r.status) {
    case Status::Running: r.summary = QStringLiteral("running: %1 of %2 processes alive").arg(alive).arg(total); break;
    case Status::Busy:
        r.summary = QStringLiteral("%1 by pid %2").arg(LabState::phaseName(state.phase)).arg(state.controllerPid);
        break;
    case Status::Stopped:
        r.summary = state.phase == LabState::Phase::Failed
                ? QStringLiteral("stopped after a failed start: %1").arg(state.lastError)
                : QStringLiteral("stopped (data kept in %1)").arg(labDir);
        break;
    case Status::Stale:
        r.summary = QStringLiteral("stale: the lab was %1 but none of its processes is alive (crashed, or the "
                                   "machine restarted)").arg(LabState::phaseName(state.phase));
        break;
    case Status::Partial:
        r.summary = QStringLiteral("partial: %1 of %2 processes alive").arg(alive).arg(total);
        break;
    case Status::Absent: break;
    }
    return r;
}

} // namespace pgha::svc

#include "lab/labmembercontrol.h"

#include "lab/labbinaries.h"
#include "lab/labfiles.h"
#include "lab/labprocess.h"
#include "process/procutil.h"

#include <QLockFile>

namespace pgha::svc::labmember {

Result<LabState> loadRunning(const QString &labDir)
{
    auto state = LabState::load(labDir);
    if (!state)
        return state.error();
    if (state.value().phase != LabState::Phase::Running)
        return makeError(QStringLiteral("the lab in %1 is %2, not running").arg(labDir, LabState::phaseName(state.value().phase)),
                         QStringLiteral("start it with `pgha lab start` (or the Lab panel) first"));
    return state;
}

PostgresProcesses postgresOf(const LabState::Process &member)
{
    PostgresProcesses p;
    if (member.dataDir.isEmpty())
        return p;
    const qint64 postmaster = proc::postmasterPid(member.dataDir);
    if (postmaster <= 0)
        return p;
    p.postmaster = proc::refOf(postmaster);
    for (qint64 child : proc::childPids(postmaster)) {
        const proc::ProcessRef ref = proc::refOf(child);
        p.children.append(ref);
        if (proc::commandLine(child).contains(u"walsender"))
            p.walSenders.append(ref);
    }
    return p;
}

Result<LabState::Process> relaunch(const QString &labDir, const QString &name)
{
    QLockFile lock(LabLayout(labDir).lockFile());
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0))
        return makeError(QStringLiteral("cannot restart %1: another program is starting or stopping the lab in %2").arg(name, labDir),
                         QStringLiteral("wait until it has finished, then try again"));
    auto loaded = loadRunning(labDir);
    if (!loaded)
        return loaded.error();
    LabState state = loaded.value();
    LabState::Process *old = state.process(name);
    if (!old)
        return makeError(QStringLiteral("the lab has no member named \"%1\"").arg(name),
                         QStringLiteral("`pgha lab status` lists the members"));
    if (proc::isAlive(old->pid, old->startTicks))
        return *old;
    LabComponent component;
    bool found = false;
    for (const auto &c : state.config.components())
        if (c.name == name) {
            component = c;
            found = true;
        }
    if (!found)
        return makeError(QStringLiteral("%1 is not part of this lab's configuration").arg(name));
    const bool root = proc::runningAsRoot();
    auto binaries = LabBinaries::locate(state.config, root);
    if (!binaries)
        return binaries.error();
    proc::Account account;
    if (root && !proc::lookupAccount(state.config.runAsUser, &account))
        return makeError(QStringLiteral("the account \"%1\" that runs the lab's members is gone").arg(state.config.runAsUser));
    auto launched = launchLabProcess(state.config, binaries.value(), root ? &account : nullptr, component);
    if (!launched)
        return launched.error();
    *old = launched.value();
    if (auto saved = state.save(labDir); !saved)
        return saved.error();
    return launched.value();
}

} // namespace pgha::svc::labmember

#pragma once

#include "core/result.h"
#include "lab/labbinaries.h"
#include "lab/labconfig.h"
#include "lab/labstate.h"
#include "process/procutil.h"

#include <QProcessEnvironment>
#include <QStringList>

namespace pgha::svc {

// One daemon for the lab to start: what runs, where, and where its output goes.
struct DaemonLaunch {
    QString name;          // for the log header and messages (pg1, standalone, …)
    QString program;
    QStringList args;
    QString workDir;       // also its HOME
    QString logFile;       // stdout and stderr are appended here
    QProcessEnvironment extraEnvironment;   // added to the scrubbed one
};

// A process started by launchDaemon: what the state file records to find and stop it.
struct DaemonProcess {
    qint64 pid = 0;
    qint64 startTicks = 0;
    qint64 pgid = 0;
};

// `program args` as `runAs` (root starts the lab; PostgreSQL refuses root): through setpriv,
// with no way back to privileges. Unchanged when runAs is null.
void runAsAccount(const QString &setpriv, const proc::Account *runAs, QString *program, QStringList *args);

// What the lab's daemons get instead of the caller's environment (see labprocess.cpp).
QProcessEnvironment daemonEnvironment(const QString &home, const proc::Account *runAs);

// Starts a daemon detached, in a session of its own (its process group can be signalled as a
// whole), output appended to its log, with a scrubbed environment, as `runAs` when given.
Result<DaemonProcess> launchDaemon(const DaemonLaunch &daemon, const QString &setpriv, const proc::Account *runAs);

// Starts one lab member process, detached in a session of its own, output appended to its log,
// with a scrubbed environment, as `runAs` when given (root starts the lab). Returns what the
// state file records about it. Used by NativeLab's start and by LabMemberControl's restarts.
Result<LabState::Process> launchLabProcess(const LabConfig &config, const LabBinaries &binaries,
                                           const proc::Account *runAs, const LabComponent &component);

} // namespace pgha::svc

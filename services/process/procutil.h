#pragma once

#include <QList>
#include <QString>
#include <QSet>
#include <QStringList>

#include <optional>

namespace pgha::svc::proc {

// Identity of a running process: a PID alone can be reused after a crash or reboot, so the
// lab stores the kernel's start time next to it and compares both (Linux; elsewhere 0).
qint64 startTicks(qint64 pid);

// True when the process exists, is not a zombie and (if startTicks != 0) is the same process.
bool isAlive(qint64 pid, qint64 expectedStartTicks = 0);

// The process group of a process, or 0. Members are started in a session of their own, but
// QProcess::startDetached makes the *intermediate* child the session leader, so the member's
// group id is not its pid: read it, never assume it.
qint64 processGroup(qint64 pid);

// Signals a process's group when it has one of its own (never ours), else the process alone.
bool terminateGroup(qint64 pid, qint64 pgid);   // SIGTERM
bool killGroup(qint64 pid, qint64 pgid);        // SIGKILL
bool signalProcess(qint64 pid, int signal);

// Direct children of a process (Linux /proc; elsewhere empty).
QList<qint64> childPids(qint64 parent);
// The command line as the process shows it (PostgreSQL rewrites its own: "postgres: walsender …").
QString commandLine(qint64 pid);

// The PID written on the first line of a PostgreSQL data directory's postmaster.pid, or 0.
qint64 postmasterPid(const QString &dataDir);

// The last `lines` lines of a text file (for "member exited: here is why").
QStringList tailOfFile(const QString &path, int lines);

// A local TCP port has a listener (checked by trying to bind it; instant, never blocks).
bool isPortInUse(const QString &host, int port);
// Every TCP port something listens on, from /proc/net/tcp{,6} (one read instead of a bind per
// port); nullopt where /proc does not say (macOS, Windows): ask isPortInUse() then.
std::optional<QSet<int>> listeningTcpPorts();

// Effective uid is 0.
bool runningAsRoot();

struct Account {
    QString name;
    uint uid = 0;
    uint gid = 0;
    QString home;
};
bool lookupAccount(const QString &name, Account *out);

} // namespace pgha::svc::proc

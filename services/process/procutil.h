#pragma once

#include <QList>
#include <QString>
#include <QSet>
#include <QStringList>

#include <csignal>
#include <optional>

namespace pgha::svc::proc {

// The signals the lab sends that Windows' <csignal> lacks, by one name everywhere (POSIX's
// numbers on Unix). Without POSIX signals every function below refuses (returns false), and
// the native lab does not start (NativeLab::start).
#ifdef Q_OS_UNIX
inline constexpr int kSigKill = SIGKILL;
inline constexpr int kSigStop = SIGSTOP;
inline constexpr int kSigCont = SIGCONT;
#else
inline constexpr int kSigKill = 9;
inline constexpr int kSigStop = 19;
inline constexpr int kSigCont = 18;
#endif

// Identity of a running process: a PID alone can be reused after a crash or reboot, so the
// lab stores the kernel's start time next to it and compares both (Linux; elsewhere 0).
qint64 startTicks(qint64 pid);

// A process as recorded at one moment: its PID and the kernel's start time (its identity).
struct ProcessRef {
    qint64 pid = 0;
    qint64 startTicks = 0;
};
ProcessRef refOf(qint64 pid);

// CPU time (user + system) the process has used so far, in seconds; nullopt where it cannot be
// read (not Linux, or the process is gone).
std::optional<double> cpuSeconds(qint64 pid);

// True when the process exists, is not a zombie and (if startTicks != 0) is the same process.
bool isAlive(qint64 pid, qint64 expectedStartTicks = 0);

// The process group of a process, or 0. Members are started in a session of their own, but
// QProcess::startDetached makes the *intermediate* child the session leader, so the member's
// group id is not its pid: read it, never assume it.
qint64 processGroup(qint64 pid);

// Signals a process's group when it has one of its own (never ours), else the process alone.
bool terminateGroup(qint64 pid, qint64 pgid);   // SIGTERM
bool killGroup(qint64 pid, qint64 pgid);        // SIGKILL
bool signalGroup(qint64 pid, qint64 pgid, int signal);
bool signalProcess(qint64 pid, int signal);
// Signals `pid` only while it is still the process recorded with `expectedStartTicks` (Linux;
// elsewhere the PID alone). For PIDs read earlier: between the read and the signal a process can
// die and its PID be given to another.
bool signalSame(qint64 pid, qint64 expectedStartTicks, int signal);

// Direct children of a process (Linux /proc; elsewhere empty).
QList<qint64> childPids(qint64 parent);
// The command line as the process shows it (PostgreSQL rewrites its own: "postgres: walsender …").
QString commandLine(qint64 pid);

// The highest PID any kernel hands out (Linux: 2^22).
inline constexpr qint64 kMaxPid = 4194304;

// What a PostgreSQL data directory's postmaster.pid says (pid 0 when line 1 is not a PID).
struct PostmasterFile {
    qint64 pid = 0;
    QString dataDir;
    qint64 startEpochS = 0;
};
PostmasterFile parsePostmasterFile(const QByteArray &text);

// The PID of a data directory's running postmaster, or 0. The file is written by the postgres
// account, so it is checked: not a link, names this data directory, and (Linux) the process runs
// in it and started when the file says.
qint64 postmasterPid(const QString &dataDir);
// Whether a process runs `dataDir`: its working directory (`cwd`, a /proc/PID/cwd target) when
// it could be read; else — another account's process seen without CAP_SYS_PTRACE, as root in a
// container is — its command line (/proc/PID/cmdline, NUL-separated) must give it as -D DIR,
// -DDIR or --pgdata=DIR. Pure, for tests.
bool runsDataDir(const QString &cwd, const QByteArray &cmdline, const QString &dataDir);

// When a process started, in seconds since the epoch (Linux; elsewhere 0).
qint64 startEpochSeconds(qint64 pid);

// The last `lines` lines of a text file (for "member exited: here is why"), from `fromOffset`
// on (what was written since); a symlink is not followed.
QStringList tailOfFile(const QString &path, int lines, qint64 fromOffset = 0);

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

// Marks every descriptor above stderr close-on-exec, so a program started next inherits only
// stdin/stdout/stderr: a detached lab daemon must not keep a lock, socket or pipe of ours (a
// test runner's flock, the console's own connections) open for its whole life. QProcess's
// startDetached (Qt < 6.7) has no hook in the child to do this there. Returns how many were marked.
int markDescriptorsCloseOnExec();

} // namespace pgha::svc::proc

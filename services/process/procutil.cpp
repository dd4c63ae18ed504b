#include "procutil.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QTcpServer>

#include "core/safefs.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>

#ifdef Q_OS_UNIX
#include <fcntl.h>
#ifdef Q_OS_LINUX
#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>
#endif

namespace pgha::svc::proc {

namespace {
// /proc/PID/stat: "pid (comm) state ppid ..." — comm may contain spaces and ')', so split
// after the last ')'. Field 3 is the state, field 22 the start time in clock ticks.
bool readStat(qint64 pid, char *state, qint64 *ticks, qint64 *ppid = nullptr)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray line = f.readAll();
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return false;
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    if (fields.size() < 20)
        return false;
    if (state)
        *state = fields.at(0).isEmpty() ? '?' : fields.at(0).at(0);
    if (ticks)
        *ticks = fields.at(19).toLongLong();
    if (ppid)
        *ppid = fields.at(1).toLongLong();
    return true;
}
} // namespace

QList<qint64> childPids(qint64 parent)
{
    QList<qint64> children;
#ifdef Q_OS_LINUX
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool number = false;
        const qint64 pid = e.toLongLong(&number);
        qint64 ppid = 0;
        if (number && readStat(pid, nullptr, nullptr, &ppid) && ppid == parent)
            children.append(pid);
    }
#else
    Q_UNUSED(parent)
#endif
    return children;
}

QString commandLine(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QByteArray raw = f.readAll();
    raw.replace('\0', ' ');
    return QString::fromUtf8(raw).trimmed();
}

std::optional<double> cpuSeconds(qint64 pid)
{
#ifdef Q_OS_LINUX
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray line = f.readAll();
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0)
        return std::nullopt;
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (clock ticks).
    const QList<QByteArray> fields = line.mid(close + 2).split(' ');
    if (fields.size() < 13)
        return std::nullopt;
    const long hz = ::sysconf(_SC_CLK_TCK);
    if (hz <= 0)
        return std::nullopt;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(hz);
#else
    Q_UNUSED(pid)
    return std::nullopt;
#endif
}

qint64 startTicks(qint64 pid)
{
    qint64 ticks = 0;
    return readStat(pid, nullptr, &ticks) ? ticks : 0;
}

bool isAlive(qint64 pid, qint64 expectedStartTicks)
{
    if (pid <= 0)
        return false;
#ifdef Q_OS_UNIX
    char state = '?';
    qint64 ticks = 0;
    if (readStat(pid, &state, &ticks)) {
        if (state == 'Z' || state == 'X')
            return false;
        return expectedStartTicks == 0 || ticks == expectedStartTicks;
    }
    return ::kill(static_cast<pid_t>(pid), 0) == 0;
#else
    Q_UNUSED(expectedStartTicks)
    return false;
#endif
}

bool signalProcess(qint64 pid, int signal)
{
#ifdef Q_OS_UNIX
    return pid > 0 && ::kill(static_cast<pid_t>(pid), signal) == 0;
#else
    Q_UNUSED(pid) Q_UNUSED(signal)
    return false;
#endif
}

qint64 processGroup(qint64 pid)
{
#ifdef Q_OS_UNIX
    const pid_t g = ::getpgid(static_cast<pid_t>(pid));
    return g > 0 ? g : 0;
#else
    Q_UNUSED(pid)
    return 0;
#endif
}

bool signalGroup(qint64 pid, qint64 pgid, int signal)
{
#ifdef Q_OS_UNIX
    if (pid <= 0)
        return false;
    const bool ownGroup = pgid > 1 && pgid != ::getpgrp() && processGroup(pid) == pgid;
    if (ownGroup && ::kill(-static_cast<pid_t>(pgid), signal) == 0)
        return true;
    return signalProcess(pid, signal);
#else
    Q_UNUSED(pid) Q_UNUSED(pgid) Q_UNUSED(signal)
    return false;
#endif
}

bool terminateGroup(qint64 pid, qint64 pgid) { return signalGroup(pid, pgid, SIGTERM); }
bool killGroup(qint64 pid, qint64 pgid) { return signalGroup(pid, pgid, kSigKill); }

ProcessRef refOf(qint64 pid)
{
    return {pid, startTicks(pid)};
}

bool signalSame(qint64 pid, qint64 expectedStartTicks, int signal)
{
#ifdef Q_OS_LINUX
    // Without a recorded identity there is nothing to compare: refuse rather than guess.
    if (expectedStartTicks == 0 || !isAlive(pid, expectedStartTicks))
        return false;
#endif
    return signalProcess(pid, signal);
}

PostmasterFile parsePostmasterFile(const QByteArray &text)
{
    // Line 1 the PID, line 2 the data directory, line 3 the start time (seconds since the epoch).
    const QList<QByteArray> lines = text.split('\n');
    PostmasterFile out;
    bool ok = false;
    out.pid = lines.value(0).trimmed().toLongLong(&ok);
    if (!ok || out.pid <= 0 || out.pid > kMaxPid)
        out.pid = 0;
    out.dataDir = QString::fromUtf8(lines.value(1).trimmed());
    out.startEpochS = lines.value(2).trimmed().toLongLong();
    return out;
}

qint64 postmasterPid(const QString &dataDir)
{
    // postmaster.pid lies in a directory the postgres account writes: read it as untrusted. The
    // file is not followed if it is a link, and the PID is believed only when that process
    // really is this data directory's postmaster: it runs in the directory, and it started
    // when the file says.
    constexpr qint64 kMaxFileBytes = 4096;
    auto text = fs::readFileNoFollow(dataDir + QStringLiteral("/postmaster.pid"), kMaxFileBytes);
    if (!text)
        return 0;
    const PostmasterFile file = parsePostmasterFile(text.value());
    if (file.pid == 0 || QDir::cleanPath(file.dataDir) != QDir::cleanPath(dataDir) || !isAlive(file.pid))
        return 0;
#ifdef Q_OS_LINUX
    const QString cwd = QFile::symLinkTarget(QStringLiteral("/proc/%1/cwd").arg(file.pid));
    QByteArray cmdline;
    if (QFile f(QStringLiteral("/proc/%1/cmdline").arg(file.pid)); cwd.isEmpty() && f.open(QIODevice::ReadOnly))
        cmdline = f.read(kMaxFileBytes);
    if (!runsDataDir(cwd, cmdline, dataDir))
        return 0;
    constexpr qint64 kStartToleranceS = 2;
    if (const qint64 started = startEpochSeconds(file.pid); started > 0 && file.startEpochS > 0
        && std::llabs(started - file.startEpochS) > kStartToleranceS)
        return 0;
#endif
    return file.pid;
}

bool runsDataDir(const QString &cwd, const QByteArray &cmdline, const QString &dataDir)
{
    const QString canonical = QFileInfo(dataDir).canonicalFilePath();
    if (canonical.isEmpty())
        return false;
    if (!cwd.isEmpty())
        return QDir::cleanPath(cwd) == canonical;
    auto same = [&](const QByteArray &arg) {
        const QString path = QString::fromUtf8(arg);
        return !path.isEmpty() && QFileInfo(path).canonicalFilePath() == canonical;
    };
    const QList<QByteArray> args = cmdline.split('\0');
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QByteArray &a = args[i];
        if ((a == "-D" && i + 1 < args.size() && same(args[i + 1])) || (a.startsWith("-D") && a.size() > 2 && same(a.mid(2)))
            || (a.startsWith("--pgdata=") && same(a.mid(9))))
            return true;
    }
    return false;
}

qint64 startEpochSeconds(qint64 pid)
{
#ifdef Q_OS_LINUX
    static const qint64 bootEpochS = [] {
        QFile f(QStringLiteral("/proc/stat"));
        if (!f.open(QIODevice::ReadOnly))
            return qint64(0);
        for (const QByteArray &line : f.readAll().split('\n'))
            if (line.startsWith("btime "))
                return line.mid(6).trimmed().toLongLong();
        return qint64(0);
    }();
    const long hz = ::sysconf(_SC_CLK_TCK);
    const qint64 ticks = startTicks(pid);
    if (bootEpochS <= 0 || hz <= 0 || ticks <= 0)
        return 0;
    return bootEpochS + ticks / hz;
#else
    Q_UNUSED(pid)
    return 0;
#endif
}

QStringList tailOfFile(const QString &path, int lines, qint64 fromOffset)
{
    constexpr qint64 kTailBytes = 16 * 1024;
    // Logs may lie in a directory the members' account writes: never follow a link there.
#ifdef Q_OS_UNIX
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return {};
    QFile f;
    if (!f.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        return {};
    }
#else
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
#endif
    const qint64 size = f.size();
    const qint64 from = std::max(size - kTailBytes, fromOffset > size ? 0 : fromOffset);
    if (from > 0)
        f.seek(from);
    QStringList all = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (all.size() > lines)
        all = all.mid(all.size() - lines);
    return all;
}

bool isPortInUse(const QString &host, int port)
{
    QTcpServer probe;
    // Qt sets SO_REUSEADDR on Unix, so sockets in TIME_WAIT do not count as "in use".
    return !probe.listen(QHostAddress(host), static_cast<quint16>(port));
}

namespace {
#ifdef Q_OS_LINUX
constexpr unsigned kTcpListen = 10;               // TCP_LISTEN in the kernel's tcp_states.h
constexpr int kSockDiagBufferBytes = 16 * 1024;
// The kernel's own list of listening TCP sockets (what `ss -ltn` asks): it walks the listening
// table only. /proc/net/tcp walks every established socket of the machine to print them, which
// made it a quarter of an idle console's CPU on a machine running labs (perf, docs/observation.md).
std::optional<QSet<int>> listeningFromSockDiag()
{
    const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0)
        return std::nullopt;
    QSet<int> ports;
    bool ok = true;
    for (const unsigned char family : {static_cast<unsigned char>(AF_INET), static_cast<unsigned char>(AF_INET6)}) {
        struct {
            nlmsghdr header;
            inet_diag_req_v2 request;
        } ask{};
        ask.header.nlmsg_len = sizeof(ask);
        ask.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        ask.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        ask.request.sdiag_family = family;
        ask.request.sdiag_protocol = IPPROTO_TCP;
        ask.request.idiag_states = 1U << kTcpListen;
        if (::send(fd, &ask, sizeof(ask), 0) != static_cast<ssize_t>(sizeof(ask))) {
            ok = false;
            break;
        }
        bool done = false;
        // The kernel answers at once from its own tables: these reads never wait on a peer.
        alignas(nlmsghdr) char buffer[kSockDiagBufferBytes];
        while (!done && ok) {
            const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
            if (n <= 0) {
                ok = false;
                break;
            }
            // NLMSG_NEXT/NLMSG_DATA spelled out: the macros are C casts.
            for (ssize_t at = 0; at + static_cast<ssize_t>(sizeof(nlmsghdr)) <= n;) {
                const auto *h = reinterpret_cast<const nlmsghdr *>(buffer + at);
                if (h->nlmsg_len < sizeof(nlmsghdr) || at + static_cast<ssize_t>(h->nlmsg_len) > n) {
                    ok = false;
                    break;
                }
                at += static_cast<ssize_t>(NLMSG_ALIGN(h->nlmsg_len));
                if (h->nlmsg_type == NLMSG_DONE) {
                    done = true;
                    break;
                }
                if (h->nlmsg_type == NLMSG_ERROR) {
                    ok = false;
                    break;
                }
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
                    continue;
                const auto *msg = reinterpret_cast<const inet_diag_msg *>(reinterpret_cast<const char *>(h) + NLMSG_LENGTH(0));
                ports.insert(ntohs(msg->id.idiag_sport));
            }
        }
        if (!ok)
            break;
    }
    ::close(fd);
    if (!ok)
        return std::nullopt;
    return ports;
}
#endif

std::optional<QSet<int>> listeningFromProcNet()
{
    QSet<int> ports;
    bool any = false;
    for (const char *path : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        QFile f(QString::fromLatin1(path));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        any = true;
        // "  sl  local_address rem_address   st …": local_address is HEXIP:HEXPORT, st 0A = LISTEN.
        const QList<QByteArray> lines = f.readAll().split('\n');
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines[i].simplified().split(' ');
            if (fields.size() < 4 || fields[3] != "0A")
                continue;
            const QByteArray local = fields[1];
            bool ok = false;
            const int port = local.mid(local.lastIndexOf(':') + 1).toInt(&ok, 16);
            if (ok)
                ports.insert(port);
        }
    }
    if (!any)
        return std::nullopt;
    return ports;
}
} // namespace

std::optional<QSet<int>> listeningTcpPorts()
{
#ifdef Q_OS_LINUX
    if (auto ports = listeningFromSockDiag())
        return ports;
#endif
    return listeningFromProcNet();   // a kernel without sock_diag (or another system's /proc)
}

bool runningAsRoot()
{
#ifdef Q_OS_UNIX
    return ::geteuid() == 0;
#else
    return false;
#endif
}

bool lookupAccount(const QString &name, Account *out)
{
#ifdef Q_OS_UNIX
    const QByteArray n = name.toLocal8Bit();
    const passwd *pw = ::getpwnam(n.constData());
    if (!pw)
        return false;
    out->name = name;
    out->uid = pw->pw_uid;
    out->gid = pw->pw_gid;
    out->home = QString::fromLocal8Bit(pw->pw_dir);
    return true;
#else
    Q_UNUSED(name) Q_UNUSED(out)
    return false;
#endif
}

int markDescriptorsCloseOnExec()
{
#ifdef Q_OS_UNIX
    // /proc/self/fd (Linux) or /dev/fd (macOS, BSD) lists the open descriptors; reading the
    // directory opens one more, which is skipped by failing fcntl after it is closed.
    QDir dir(QStringLiteral("/proc/self/fd"));
    if (!dir.exists())
        dir.setPath(QStringLiteral("/dev/fd"));
    int marked = 0;
    const QStringList entries = dir.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        bool ok = false;
        const int fd = e.toInt(&ok);
        if (!ok || fd <= STDERR_FILENO)
            continue;
        const int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC) && ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0)
            ++marked;
    }
    return marked;
#else
    return 0;   // no fcntl: Windows hands a child only the handles marked inheritable
#endif
}

} // namespace pgha::svc::proc

// How the native lab starts one member process: the program and its arguments, dropping root,
// a scrubbed environment, output to the member's log, detached in a session of its own.
#include "lab/labprocess.h"

#include "lab/labfiles.h"
#include "lab/nativelab.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>

namespace pgha::svc {

namespace {

// PATH for the daemons when the caller has none.
constexpr char kDaemonDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";

} // namespace

// Daemons get a clean environment, not the caller's (root's, when CI or sudo starts the lab):
// only what they need to run. In particular no PG* (an exported PGPASSWORD wins over Patroni's
// pgpass and breaks pg_basebackup), PATRONI_* or ETCD_* (they override the generated configs),
// and nothing like LD_PRELOAD or PYTHONPATH that would change what runs as the daemons' account.
QProcessEnvironment daemonEnvironment(const QString &home, const proc::Account *runAs)
{
    const QProcessEnvironment caller = QProcessEnvironment::systemEnvironment();
    QProcessEnvironment env;
    // Root's PATH may name directories of root's own: the members' account gets the system's.
    env.insert(QStringLiteral("PATH"), runAs ? QString::fromLatin1(kDaemonDefaultPath)
                                             : caller.value(QStringLiteral("PATH"), QString::fromLatin1(kDaemonDefaultPath)));
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    if (caller.contains(QStringLiteral("TZ")))
        env.insert(QStringLiteral("TZ"), caller.value(QStringLiteral("TZ")));
    if (runAs) {
        env.insert(QStringLiteral("USER"), runAs->name);
        env.insert(QStringLiteral("LOGNAME"), runAs->name);
    }
    return env;
}

void runAsAccount(const QString &setpriv, const proc::Account *runAs, QString *program, QStringList *args)
{
    if (!runAs)
        return;
    args->prepend(*program);
    // --no-new-privs: nothing the daemons run (an archive_command, a setuid helper) can
    // regain privileges.
    *args = QStringList{QStringLiteral("--reuid=%1").arg(runAs->uid), QStringLiteral("--regid=%1").arg(runAs->gid),
                        QStringLiteral("--clear-groups"), QStringLiteral("--no-new-privs"), QStringLiteral("--")} + *args;
    *program = setpriv;
}

Result<DaemonProcess> launchDaemon(const DaemonLaunch &daemon, const QString &setpriv, const proc::Account *runAs)
{
    QString program = daemon.program;
    QStringList args = daemon.args;
    runAsAccount(setpriv, runAs, &program, &args);
    {
        QFile header(daemon.logFile);
        if (header.open(QIODevice::Append)) {
            header.write(QStringLiteral("=== pgha: %1 starting %2 at %3\n")
                                 .arg(daemon.name, program, QDateTime::currentDateTime().toString(Qt::ISODateWithMs))
                                 .toUtf8());
            header.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
    }
    QProcess process;
    process.setProgram(program);
    process.setArguments(args);
    process.setWorkingDirectory(daemon.workDir);
    QProcessEnvironment env = daemonEnvironment(daemon.workDir, runAs);
    env.insert(daemon.extraEnvironment);
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(daemon.logFile, QIODevice::Append);
    process.setStandardErrorFile(daemon.logFile, QIODevice::Append);
    qint64 pid = 0;
    // Only stdin/stdout/stderr go to a daemon that may outlive us by days.
    proc::markDescriptorsCloseOnExec();
    // Detached (in its own session, so its process group can be signalled as a whole): the
    // lab outlives this program, e.g. after `pgha lab start` returns.
    if (!process.startDetached(&pid))
        return makeError(QStringLiteral("could not start %1 (%2): %3").arg(daemon.name, program, process.errorString()),
                         QStringLiteral("check that the program runs: `%1 --version`").arg(program));
    return DaemonProcess{pid, proc::startTicks(pid), proc::processGroup(pid)};
}

Result<LabState::Process> launchLabProcess(const LabConfig &config, const LabBinaries &binaries,
                                           const proc::Account *runAs, const LabComponent &c)
{
    const LabConfig &m_config = config;
    const LabBinaries &m_binaries = binaries;
    const LabLayout layout(m_config.labDir);
    QString program;
    QStringList args;
    switch (c.kind) {
    case LabComponentKind::Etcd:
        program = m_binaries.etcd;
        args = {QStringLiteral("--config-file"), layout.configFile(c)};
        break;
    case LabComponentKind::Patroni:
        program = m_binaries.patroni;
        args = {layout.configFile(c)};
        break;
    case LabComponentKind::PgBouncer:
        program = m_binaries.pgbouncer;
        args = {layout.configFile(c)};
        break;
    case LabComponentKind::HAProxy:
        program = m_binaries.haproxy;
        args = {QStringLiteral("-db"), QStringLiteral("-f"), layout.configFile(c)};   // -db: stay in the foreground
        break;
    case LabComponentKind::Pgpool:
        program = m_binaries.pgpool;
        // -n: stay in the foreground; -F: its (empty) PCP password file.
        args = {QStringLiteral("-n"), QStringLiteral("-f"), layout.configFile(c), QStringLiteral("-F"),
                layout.configDir(c.name) + QStringLiteral("/pcp.conf")};
        break;
    case LabComponentKind::Exporter:
        program = m_binaries.postgresExporter;
        args = {QStringLiteral("--web.listen-address=%1:%2").arg(m_config.host).arg(m_config.ports.exporter[c.index]),
                QStringLiteral("--log.level=warn")};
        break;
    }
    DaemonLaunch daemon{c.name, program, args, layout.componentDir(c.name), layout.logFile(c.name), {}};
    if (c.kind == LabComponentKind::Exporter) {
        // The exporter watches its own node directly, not through a pooler.
        daemon.extraEnvironment.insert(QStringLiteral("DATA_SOURCE_URI"), QStringLiteral("%1:%2/postgres?sslmode=disable")
                                                                                 .arg(m_config.host).arg(m_config.ports.postgres[c.index]));
        daemon.extraEnvironment.insert(QStringLiteral("DATA_SOURCE_USER"), QStringLiteral("postgres"));
        daemon.extraEnvironment.insert(QStringLiteral("DATA_SOURCE_PASS_FILE"), layout.configFile(c));
    }
    auto launched = launchDaemon(daemon, m_binaries.setpriv, runAs);
    if (!launched)
        return launched.error();
    const DaemonProcess &p = launched.value();
    return LabState::Process{c.name, c.kind, p.pid, p.startTicks, p.pgid, daemon.logFile,
                             c.kind == LabComponentKind::Patroni ? layout.dataDir(c) : QString(), QString()};
}

Result<bool> NativeLab::launch(const LabComponent &c)
{
    auto launched = launchLabProcess(m_config, m_binaries, m_runAs ? &*m_runAs : nullptr, c);
    if (!launched)
        return launched.error();
    const LabState::Process &p = launched.value();
    m_state.processes.append(p);
    saveState(LabState::Phase::Starting);
    m_components[c.name].pid = p.pid;
    setComponent(c.name, LabComponentStatus::State::Starting, QStringLiteral("started, pid %1").arg(p.pid));
    return true;
}

} // namespace pgha::svc

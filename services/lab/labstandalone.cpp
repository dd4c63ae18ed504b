#include "lab/labstandalone.h"

#include "core/logging.h"
#include "core/safefs.h"
#include "docker/dockercommand.h"
#include "lab/labdir.h"
#include "lab/labfiles.h"
#include "lab/labprocess.h"
#include "lab/nativelab.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QThreadPool>


namespace pgha::svc {

namespace {

constexpr char kLockName[] = "standalone.lock";
constexpr qint64 kMaxConfigBytes = 1024 * 1024;
constexpr char kNativeFlavor[] = "native";
// What a member runs with: everything Patroni set (command line, its postgresql.conf) and
// initdb's own file; the primary is preferred, a replica has standby settings besides.
constexpr char kMemberSettingsSql[] = "SELECT name, current_setting(name), pg_is_in_recovery()::text FROM pg_settings "
                                      "WHERE source IN ('command line', 'configuration file') ORDER BY name";
constexpr char kInvalidPasswordState[] = "28P01";
constexpr char kStartingUpState[] = "57P03";

std::optional<fs::Owner> daemonOwner(const std::optional<proc::Account> &runAs)
{
    return runAs ? std::optional<fs::Owner>(fs::Owner{runAs->uid, runAs->gid}) : std::nullopt;
}

// Started as root: what the server only reads is root's, readable through its group (as the
// lab's member configuration); otherwise the caller's, owner-only.
std::optional<fs::Owner> configOwner(const std::optional<proc::Account> &runAs)
{
    return runAs ? std::optional<fs::Owner>(fs::Owner{fs::effectiveUid(), runAs->gid}) : std::nullopt;
}

uint configDirMode(const std::optional<proc::Account> &runAs) { return runAs ? fs::kGroupReadDir : fs::kOwnerOnlyDir; }
uint configFileMode(const std::optional<proc::Account> &runAs) { return runAs ? fs::kGroupReadFile : fs::kOwnerOnlyFile; }

} // namespace

LabStandalone::LabStandalone(QString labDir, QObject *parent) : QObject(parent), m_labDir(std::move(labDir))
{
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, [this] {
        if (m_stage == Stage::WaitReady)
            tickReady();
        else if (m_stage == Stage::StoppingOld || m_stage == Stage::Stopping || m_stage == Stage::Cancelling)
            tickStop();
    });
}

LabStandalone::~LabStandalone()
{
    // Destroyed mid-start (its owner went away): what this start launched is killed, never left
    // half-started. Signals only; nothing here waits.
    if (!m_starting || m_stage == Stage::Idle)
        return;
    if (m_state.pid > 0 && proc::isAlive(m_state.pid, m_state.startTicks))
        proc::killGroup(m_state.pid, m_state.pgid);
    if (m_claimed) {
        m_state.phase = StandaloneState::Phase::Failed;
        m_state.lastError = QStringLiteral("the program that started it went away before it was ready");
        m_state.controllerPid = 0;
        save();
    }
}

QString LabStandalone::dir() const { return LabLayout(m_labDir).componentDir(QLatin1String(kStandaloneName)); }
QString LabStandalone::dataDir() const { return dir() + QStringLiteral("/data"); }
QString LabStandalone::confDir() const { return LabLayout(m_labDir).configDir(QLatin1String(kStandaloneName)); }
QString LabStandalone::logFile() const { return LabLayout(m_labDir).logFile(QLatin1String(kStandaloneName)); }
// The password reaches initdb in a file only the server's account can read, gone afterwards.
QString LabStandalone::initdbPasswordFile() const { return confDir() + QStringLiteral("/initdb-password"); }

QString LabStandalone::logTail() const
{
    QStringList lines = proc::tailOfFile(logFile(), kLogTailLines);
    lines += proc::tailOfFile(dataDir() + QStringLiteral("/log/postgresql.log"), kLogTailLines);
    return lines.join(QStringLiteral("\n    "));
}

bool LabStandalone::save()
{
    auto saved = m_state.save(m_labDir);
    if (!saved)
        emit message(saved.error().toString());
    return saved.ok();
}

PgEndpoint LabStandalone::endpoint() const
{
    PgEndpoint e;
    e.host = m_config.host;
    e.port = m_config.ports.standalone;
    e.password = m_secrets.superuser;
    e.applicationName = QStringLiteral("pgha-standalone");
    e.tls = PgTls::forLab();
    return e;
}

Result<bool> LabStandalone::loadLab()
{
    if (auto trusted = checkLabDirTrusted(m_labDir); !trusted)
        return trusted.error();
    const QString startHint = QStringLiteral("the baseline takes the native lab's PostgreSQL, parameters and password: "
                                             "start the lab once (`pgha lab start`)");
    if (!LabState::exists(m_labDir))
        return makeError(QStringLiteral("standalone baseline: no lab in %1").arg(m_labDir), startHint);
    auto chosen = LabState::load(m_labDir);
    if (!chosen)
        return chosen.error();
    if (chosen.value().flavor != QLatin1String(kNativeFlavor))
        return makeError(QStringLiteral("standalone baseline: only on the native lab for now — the lab in %1 is the %2 "
                                        "flavour, whose PostgreSQL runs in containers")
                                 .arg(m_labDir, chosen.value().flavor),
                         QStringLiteral("stop it (`pgha lab stop`) and start the native lab (`pgha lab start --flavor native`), "
                                        "or give the native lab a directory of its own (PGHA_LAB_DIR)"));
    const LabState &lab = chosen.value();
    if (lab.secrets.superuser.isEmpty() || lab.config.pgBinDir.isEmpty())
        return makeError(QStringLiteral("standalone baseline: the lab in %1 has not been started yet").arg(m_labDir), startHint);
    m_config = lab.config;
    m_config.labDir = m_labDir;
    m_secrets = lab.secrets;
    return true;
}

Result<bool> LabStandalone::lock()
{
    auto lock = std::make_unique<QLockFile>(m_labDir + QLatin1Char('/') + QLatin1String(kLockName));
    lock->setStaleLockTime(0);   // stale by PID only
    if (!lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        lock->getLockInfo(&pid, &host, &app);
        return makeError(QStringLiteral("another program (%1, pid %2) is starting or stopping the standalone baseline in %3")
                                 .arg(app).arg(pid).arg(m_labDir),
                         QStringLiteral("wait for it to finish"));
    }
    m_lock = std::move(lock);
    return true;
}

void LabStandalone::finish(StandaloneOutcome outcome)
{
    m_ticker.stop();
    m_stage = Stage::Idle;
    m_starting = false;
    if (m_lock)
        m_lock->unlock();
    m_lock.reset();
    outcome.elapsedMs = m_clock.elapsed();
    outcome.report = inspect(m_labDir);
    emit finished(outcome);
}

void LabStandalone::failEarly(const Error &error)
{
    StandaloneOutcome o;
    o.error = error;
    finish(o);
}

void LabStandalone::start()
{
    if (isBusy()) {
        StandaloneOutcome o;
        o.error = makeError(QStringLiteral("the standalone baseline is already starting or stopping"));
        emit finished(o);
        return;
    }
    ++m_generation;
    m_clock.start();
    m_starting = true;
    m_claimed = false;
    m_stage = Stage::Parameters;
#ifndef Q_OS_UNIX
    // Like the native lab: a local PostgreSQL started, watched and stopped with POSIX signals.
    return failEarly(makeError(QStringLiteral("the standalone baseline is not available on this platform: it runs "
                                              "PostgreSQL as a local process stopped with POSIX signals (Linux, macOS)"),
                               QStringLiteral("benchmark the profile's own targets instead (`--target direct,rw,ro`)")));
#endif
    if (auto ok = loadLab(); !ok)
        return failEarly(ok.error());
    if (auto ok = lock(); !ok)
        return failEarly(ok.error());
    const StandaloneReport report = inspect(m_labDir);
    m_state = report.state.value_or(StandaloneState());
    switch (report.status) {
    case StandaloneReport::Status::Busy:
        return failEarly(makeError(QStringLiteral("the standalone baseline in %1 is %2").arg(m_labDir, report.summary),
                                   QStringLiteral("wait for that program to finish")));
    case StandaloneReport::Status::Running:
        if (m_state.passwordSha256 == passwordFingerprint(m_secrets.superuser) && m_state.pgBinDir == m_config.pgBinDir) {
            emit message(QStringLiteral("the standalone baseline already runs on %1:%2 (pid %3)")
                                 .arg(m_state.host).arg(m_state.port).arg(report.pid));
            StandaloneOutcome o;
            o.ok = true;
            o.alreadyRunning = true;
            return finish(o);
        }
        emit message(QStringLiteral("the standalone baseline runs with the lab's earlier password or server programs "
                                    "(the lab was started afresh since): stopping it to make it again"));
        break;
    case StandaloneReport::Status::Stale:
        if (report.pid == 0) {
            if (!report.state)
                return failEarly(makeError(report.summary));
            return continueStart();
        }
        emit message(QStringLiteral("a standalone PostgreSQL is left from an interrupted start or stop (pid %1): "
                                    "stopping it first").arg(report.pid));
        break;
    case StandaloneReport::Status::Stopped:
    case StandaloneReport::Status::Absent:
        return continueStart();
    }
    // Something of ours runs and must go first; the state is ours, so it may be written.
    m_claimed = true;
    m_state.phase = StandaloneState::Phase::Stopping;
    m_state.controllerPid = QCoreApplication::applicationPid();
    save();
    m_stage = Stage::StoppingOld;
    stopProcesses([this](const Error *error) {
        if (error)
            return failStart(*error);
        m_state.phase = StandaloneState::Phase::Stopped;
        m_state.pid = 0;
        save();
        continueStart();
    });
}

void LabStandalone::continueStart()
{
    if (auto ok = preflight(); !ok)
        return m_claimed ? failStart(ok.error()) : failEarly(ok.error());
    if (auto ok = claimDir(); !ok)
        return m_claimed ? failStart(ok.error()) : failEarly(ok.error());
    m_stage = Stage::Parameters;
    readMemberParameters();
}

Result<bool> LabStandalone::preflight()
{
    const bool root = proc::runningAsRoot();
    auto binaries = LabBinaries::locate(m_config, root);
    if (!binaries)
        return makeError(QStringLiteral("standalone baseline: ") + binaries.error().message, binaries.error().hint);
    m_binaries = binaries.value();
    m_runAs.reset();
    if (root) {
        proc::Account account;
        if (!proc::lookupAccount(m_config.runAsUser, &account))
            return makeError(QStringLiteral("started as root, but the account \"%1\" that should run PostgreSQL does not "
                                            "exist (PostgreSQL refuses to run as root)").arg(m_config.runAsUser),
                             QStringLiteral("install postgresql-common, which creates it, or `useradd --system %1`")
                                     .arg(m_config.runAsUser));
        if (auto reach = checkReachableBy(m_labDir, account); !reach)
            return reach.error();
        m_runAs = account;
    }
    const int port = m_config.ports.standalone;
    if (proc::isPortInUse(m_config.host, port))
        return makeError(QStringLiteral("cannot start the standalone baseline: port %1 on %2 is in use").arg(port).arg(m_config.host),
                         QStringLiteral("stop what listens there (`ss -ltnp 'sport = :%1'` shows it); the port is %2 plus "
                                        "the lab's port offset (`pgha lab start --port-offset N` moves the whole lab)")
                                 .arg(port).arg(LabPorts().standalone));
    return true;
}

Result<bool> LabStandalone::claimDir()
{
    const QString path = dir();
    const fs::PathInfo info = fs::inspectPath(path);
    if (info.exists) {
        if (info.isSymlink || !info.isDir)
            return makeError(QStringLiteral("%1 is %2, not the standalone baseline's directory: refused")
                                     .arg(path, info.isSymlink ? QStringLiteral("a symbolic link") : QStringLiteral("a file")),
                             QStringLiteral("move it away, then start the baseline again"));
        // Only a directory this lab directory's standalone state records was made by pgha.
        const bool empty = QDir(path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
        if (!StandaloneState::exists(m_labDir) && !empty)
            return makeError(QStringLiteral("%1 holds files that pgha did not make (there is no standalone state in %2): "
                                            "pgha will neither write into it nor delete anything in it").arg(path, m_labDir),
                             QStringLiteral("move it away (or delete it yourself), then start the baseline again"));
    }
    // Recorded before anything is made: only what the state names is ever wiped.
    m_state.phase = StandaloneState::Phase::Starting;
    m_state.controllerPid = QCoreApplication::applicationPid();
    m_state.host = m_config.host;
    m_state.port = m_config.ports.standalone;
    m_state.dataDir = dataDir();
    m_state.logFile = logFile();
    m_state.lastError.clear();
    if (!save())
        return makeError(QStringLiteral("cannot record the standalone baseline in %1").arg(m_labDir));
    m_claimed = true;
    const LabLayout layout(m_labDir);
    if (auto r = fs::makeDir(path, fs::kOwnerOnlyDir, daemonOwner(m_runAs)); !r)
        return r;
    if (auto r = fs::makeDir(layout.logDir(), fs::kOwnerOnlyDir); !r)
        return r;
    if (auto r = fs::makeDir(layout.configRoot(), configDirMode(m_runAs), configOwner(m_runAs)); !r)
        return r;
    return fs::makeDir(confDir(), configDirMode(m_runAs), configOwner(m_runAs));
}

void LabStandalone::readMemberParameters()
{
    LabComponent first;
    for (const auto &c : m_config.components())
        if (c.kind == LabComponentKind::Patroni && c.index == 0)
            first = c;
    // What the members were started with: their patroni.yml as the lab wrote it.
    const QString file = LabLayout(m_labDir).configFile(first);
    QString yamlSource = QStringLiteral("%1's patroni.yml").arg(first.name);
    if (auto bytes = fs::readFileNoFollow(file, kMaxConfigBytes)) {
        m_memberYaml = bytes.value();
    } else {
        auto rendered = renderPatroniConfig(m_config, m_binaries.pgBinDir, m_secrets, first);
        if (!rendered)
            return failStart(rendered.error());
        m_memberYaml = rendered.value().toUtf8();
        yamlSource = QStringLiteral("lab-stack/native/patroni.yml.in");
    }
    const auto fromYaml = [this, yamlSource](const QString &why) {
        auto params = patroniMemberParameters(m_memberYaml);
        if (!params)
            return failStart(params.error());
        useParameters(params.value(), QStringLiteral("%1 (%2; a change made since with `pgha config set` is not seen)")
                                              .arg(yamlSource, why));
    };
    if (NativeLab::inspect(m_labDir, QLatin1String(kNativeFlavor)).status != NativeLab::Status::Running)
        return fromYaml(QStringLiteral("the lab is not running"));

    // The cluster runs: ask its members what they run with (the DCS may have changed since bootstrap).
    struct Asking {
        int pending = 0;
        QStringList errors;
        QList<std::pair<QString, PgResult>> answers;
    };
    auto asking = std::make_shared<Asking>();
    const quint64 gen = m_generation;
    for (const auto &c : m_config.components()) {
        if (c.kind != LabComponentKind::Patroni)
            continue;
        PgEndpoint e = endpoint();
        e.port = m_config.ports.postgres[c.index];
        auto *q = new PgQuery(e, QString::fromLatin1(kMemberSettingsSql), kProbeTimeoutMs, this);
        ++asking->pending;
        connect(q, &PgQuery::finished, this, [this, q, gen, asking, fromYaml, name = c.name](const PgResult &r) {
            q->deleteLater();
            --asking->pending;
            if (r.ok)
                asking->answers.append({name, r});
            else
                asking->errors.append(r.error);
            if (asking->pending > 0 || gen != m_generation || m_stage != Stage::Parameters)
                return;
            if (asking->answers.isEmpty())
                return fromYaml(QStringLiteral("no member answered: %1").arg(asking->errors.join(QStringLiteral("; "))));
            auto chosen = asking->answers.front();
            for (const auto &a : std::as_const(asking->answers))
                if (a.second.rows.value(0).value(2) == u"false")
                    chosen = a;
            QMap<QString, QString> member;
            for (const auto &row : std::as_const(chosen.second.rows))
                member.insert(row.value(0), row.value(1));
            const bool primary = chosen.second.rows.value(0).value(2) == u"false";
            useParameters(member, QStringLiteral("%1, %2, asked when the baseline started")
                                          .arg(chosen.first, primary ? QStringLiteral("the primary") : QStringLiteral("a replica")));
        });
        q->start();
    }
}

void LabStandalone::useParameters(const QMap<QString, QString> &member, const QString &source)
{
    m_state.parameters = standaloneParameters(member, m_config.host, m_config.ports.standalone,
                                              m_config.scope + QStringLiteral("-standalone"));
    m_state.parameters.source = source;
    QStringList differing;
    for (const auto &d : std::as_const(m_state.parameters.differences))
        differing.append(d.name);
    emit message(QStringLiteral("parameters: %1 as the members have them (from %2); differing: %3")
                         .arg(m_state.parameters.values.size()).arg(source, differing.join(QStringLiteral(", "))));
    prepareData();
}

void LabStandalone::prepareData()
{
    const QString data = dataDir();
    if (fs::inspectPath(data + QStringLiteral("/PG_VERSION")).exists) {
        const auto dataVersion = fs::readFileNoFollow(data + QStringLiteral("/PG_VERSION"), 64);
        const QString version = dataVersion ? QString::fromLatin1(dataVersion.value()).trimmed() : QString();
        QString why;
        if (m_state.passwordSha256 != passwordFingerprint(m_secrets.superuser))
            why = QStringLiteral("it was made with the lab's earlier superuser password (the lab was started afresh since)");
        else if (!m_binaries.pgVersion.isEmpty() && version != m_binaries.pgVersion)
            why = QStringLiteral("it was made by PostgreSQL %1; the lab's members run %2").arg(version, m_binaries.pgVersion);
        if (why.isEmpty()) {
            m_state.pgBinDir = m_binaries.pgBinDir;
            return launch();
        }
        emit message(QStringLiteral("making the standalone's data again: %1").arg(why));
    }
    // Old data, or a data directory initdb did not finish (killed at its deadline): ours, inside
    // ours. Deleted on a worker thread: after a pgbench -i it holds gigabytes.
    m_stage = Stage::Initdb;
    const quint64 gen = m_generation;
    QPointer<LabStandalone> self(this);
    QThreadPool::globalInstance()->start([self, gen, data] {
        const Result<bool> removed = fs::removeTree(data);
        if (auto *app = QCoreApplication::instance())
            QMetaObject::invokeMethod(app, [self, gen, removed] {
                if (LabStandalone *standalone = self.data())
                    standalone->dataRemoved(gen, removed);
            }, Qt::QueuedConnection);
    });
}

void LabStandalone::dataRemoved(quint64 generation, const Result<bool> &removed)
{
    if (generation != m_generation || m_stage != Stage::Initdb)
        return;
    if (!removed)
        return failStart(removed.error());
    runInitdb();
}

void LabStandalone::runInitdb()
{
    m_stage = Stage::Initdb;
    auto options = patroniInitdbOptions(m_memberYaml);
    if (!options)
        return failStart(options.error());
    emit message(QStringLiteral("initdb %1 (as the members were bootstrapped) into %2")
                         .arg(options.value().join(QLatin1Char(' ')), dataDir()));
    // Until initdb has finished, the data directory is not one made with the lab's password: a
    // start interrupted now makes it again next time.
    m_state.passwordSha256.clear();
    save();
    const QString pwfile = initdbPasswordFile();
    if (auto w = fs::writeFileAtomic(pwfile, m_secrets.superuser.toUtf8(), configFileMode(m_runAs), configOwner(m_runAs)); !w)
        return failStart(w.error());
    QString program = m_binaries.pgBinDir + QStringLiteral("/initdb");
    QStringList args = QStringList{QStringLiteral("--pgdata=") + dataDir(), QStringLiteral("--username=postgres"),
                                   QStringLiteral("--pwfile=") + pwfile}
            + options.value();
    runAsAccount(m_binaries.setpriv, m_runAs ? &*m_runAs : nullptr, &program, &args);
    docker::RunOptions run;
    run.workDir = dir();
    run.timeoutMs = kInitdbTimeoutMs;
    run.environment = daemonEnvironment(dir(), m_runAs ? &*m_runAs : nullptr);
    const quint64 gen = m_generation;
    m_initdb = docker::run(program, args, run, this, [this, gen, pwfile](const docker::CommandResult &r) {
        m_initdb = nullptr;
        QFile::remove(pwfile);
        QFile log(logFile());
        if (log.open(QIODevice::Append))
            log.write("=== pgha: initdb\n" + r.out + r.err);
        if (m_stage == Stage::Cancelling && gen + 1 == m_generation)
            return finishFailure();   // cancelled by failStart, which waited for initdb to end
        if (gen != m_generation || m_stage != Stage::Initdb)
            return;
        if (!r.ok()) {
            const QString how = !r.started ? QStringLiteral("could not run it")
                    : r.timedOut           ? QStringLiteral("no end within %1 s").arg(kInitdbTimeoutMs / 1000)
                                           : QStringLiteral("exit %1").arg(r.exitCode);
            return failStart(makeError(QStringLiteral("initdb of the standalone baseline failed (%1): %2").arg(how, r.said().right(400)),
                                       QStringLiteral("see %1; is the disk full?").arg(logFile())));
        }
        m_state.passwordSha256 = passwordFingerprint(m_secrets.superuser);
        m_state.pgBinDir = m_binaries.pgBinDir;
        save();
        launch();
    });
}

void LabStandalone::launch()
{
    const QString conf = confDir() + QStringLiteral("/postgresql.conf");
    const QString hba = confDir() + QStringLiteral("/pg_hba.conf");
    auto text = standaloneConfText(m_state.parameters, dataDir() + QStringLiteral("/postgresql.conf"), hba);
    if (!text)
        return failStart(text.error());
    if (auto w = fs::writeFileAtomic(conf, text.value().toUtf8(), configFileMode(m_runAs), configOwner(m_runAs)); !w)
        return failStart(w.error());
    if (auto w = fs::writeFileAtomic(hba, standaloneHbaText(m_config.host).toUtf8(), configFileMode(m_runAs), configOwner(m_runAs)); !w)
        return failStart(w.error());
    const DaemonLaunch daemon{QLatin1String(kStandaloneName),
                              m_binaries.pgBinDir + QStringLiteral("/postgres"),
                              {QStringLiteral("-D"), dataDir(), QStringLiteral("-c"), QStringLiteral("config_file=") + conf},
                              dir(),
                              logFile(),
                              {}};
    auto launched = launchDaemon(daemon, m_binaries.setpriv, m_runAs ? &*m_runAs : nullptr);
    if (!launched)
        return failStart(launched.error());
    m_state.pid = launched.value().pid;
    m_state.startTicks = launched.value().startTicks;
    m_state.pgid = launched.value().pgid;
    save();
    emit message(QStringLiteral("started PostgreSQL (pid %1) on %2:%3; waiting until it answers")
                         .arg(m_state.pid).arg(m_state.host).arg(m_state.port));
    m_stage = Stage::WaitReady;
    m_lastProbeError.clear();
    m_stageClock.start();
    m_ticker.start();
}

void LabStandalone::tickReady()
{
    if (!proc::isAlive(m_state.pid, m_state.startTicks))
        return failStart(makeError(QStringLiteral("the standalone PostgreSQL exited while starting. Last lines of its logs:\n    %1")
                                           .arg(logTail()),
                                   QStringLiteral("fix the cause shown in the log, then start it again")));
    if (m_stageClock.elapsed() > kReadyTimeoutMs)
        return failStart(makeError(QStringLiteral("the standalone PostgreSQL did not answer within %1 s%2")
                                           .arg(kReadyTimeoutMs / 1000)
                                           .arg(m_lastProbeError.isEmpty() ? QString() : QStringLiteral(": ") + m_lastProbeError),
                                   QStringLiteral("look at %1 and %2/log/postgresql.log").arg(logFile(), dataDir())));
    if (!m_probe && proc::isPortInUse(m_state.host, m_state.port))
        probe();
}

void LabStandalone::probe()
{
    auto *q = new PgQuery(endpoint(), QStringLiteral("SELECT current_setting('server_version')"), kProbeTimeoutMs, this);
    m_probe = q;
    const quint64 gen = m_generation;
    connect(q, &PgQuery::finished, this, [this, q, gen](const PgResult &r) {
        q->deleteLater();
        if (m_probe == q)
            m_probe = nullptr;
        if (gen != m_generation || m_stage != Stage::WaitReady)
            return;
        if (r.ok)
            return markRunning(r.rows.value(0).value(0));
        m_lastProbeError = r.error;
        if (r.sqlState == QLatin1String(kInvalidPasswordState))
            return failStart(makeError(QStringLiteral("the standalone PostgreSQL refuses the lab's superuser password: %1").arg(r.error),
                                       QStringLiteral("stop it, delete %1 and start it again").arg(dir())));
        if (r.sqlState != QLatin1String(kStartingUpState))
            qCDebug(lcLab) << "standalone not answering yet:" << r.error;
    });
    q->start();
}

void LabStandalone::markRunning(const QString &version)
{
    m_ticker.stop();
    m_state.phase = StandaloneState::Phase::Running;
    m_state.controllerPid = 0;
    m_state.pgVersion = version;
    save();
    emit message(QStringLiteral("the standalone baseline runs: PostgreSQL %1 on %2:%3 (pid %4), ready after %5 s")
                         .arg(version, m_state.host).arg(m_state.port).arg(m_state.pid)
                         .arg(m_clock.elapsed() / 1000.0, 0, 'f', 1));
    StandaloneOutcome o;
    o.ok = true;
    finish(o);
}

void LabStandalone::failStart(const Error &error)
{
    if (m_stage == Stage::Idle || m_stage == Stage::Cancelling)
        return;
    ++m_generation;
    m_ticker.stop();
    if (m_probe) {
        m_probe->disconnect(this);
        m_probe->cancel();
        m_probe->deleteLater();
        m_probe = nullptr;
    }
    emit message(error.toString());
    m_stage = Stage::Cancelling;
    m_failure = error;
    if (m_initdb && m_initdb->state() != QProcess::NotRunning) {
        // initdb removes what it made on SIGTERM; its end (SIGKILL after 2 s) continues the failure.
        docker::cancel(m_initdb);
        return;
    }
    finishFailure();
}

void LabStandalone::finishFailure()
{
    QFile::remove(initdbPasswordFile());
    stopProcesses([this](const Error *) {
        m_state.phase = StandaloneState::Phase::Failed;
        m_state.lastError = m_failure.message;
        m_state.controllerPid = 0;
        m_state.pid = 0;
        if (m_claimed)
            save();
        failEarly(m_failure);
    });
}

} // namespace pgha::svc

#include "nativelab.h"

#include "core/logging.h"
#include "http/httpclient.h"
#include "lab/labdir.h"
#include "lab/labfiles.h"
#include "lab/labhealth.h"
#include "lab/labstandalone.h"
#include "lab/labstopper.h"
#include "lab/labtls.h"
#include "patroni/patroniclient.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QUrl>

#include <csignal>

namespace pgha::svc {

namespace {
// The last seconds of a start are the data path settling (HAProxy's checks, the replicas'
// walreceivers): a check costs a REST call and two connections, so it can be asked often.
constexpr int kHealthRetryMs = 250;
} // namespace

NativeLab::NativeLab(LabConfig config, HttpClient *http, QObject *parent)
    : LabService(std::move(config), http, parent)
{
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &NativeLab::tick);
}

NativeLab::~NativeLab()
{
    // Last resort when destroyed mid-start (the app should have called stop() and waited):
    // never leave half a lab behind. Signals only; nothing here blocks.
    if (m_busy && m_stage != Stage::Stopping && m_stage != Stage::StoppingRemains) {
        for (const auto &p : std::as_const(m_state.processes)) {
            if (proc::isAlive(p.pid, p.startTicks))
                proc::killGroup(p.pid, p.pgid);
            if (const qint64 pm = proc::postmasterPid(p.dataDir); pm > 0 && proc::isAlive(pm))
                proc::signalProcess(pm, proc::kSigKill);
        }
        saveState(LabState::Phase::Failed, QStringLiteral("the controlling program exited while the lab was starting"));
    }
}

void NativeLab::start(const StartOptions &options)
{
    if (!beginStart(options, proc::runningAsRoot()))
        return;
    m_asking.clear();
    m_leader.clear();
    m_patroniVersion.clear();
    m_lastHealthProblem.clear();
    for (const auto &c : m_config.components())
        m_components.insert(c.name, {c.name, c.kind, LabComponentStatus::State::Pending, {}, 0});
#ifndef Q_OS_UNIX
    // Process groups, POSIX signals and /proc are how this lab starts, watches and stops its
    // processes (services/process/procutil.cpp); this system has none of them.
    finishStart(LabOutcome::failure(makeError(
            QStringLiteral("the native lab is not available on this platform: it runs etcd, Patroni and PostgreSQL "
                           "as local processes with POSIX process groups and signals (Linux, macOS)"),
            QStringLiteral("start the Docker lab instead (`pgha lab start --flavor docker`), or watch a cluster "
                           "that runs elsewhere through a profile"))));
    return;
#endif
    // Both flavours may keep their data here, each with its own state; only one runs at a time.
    if (const auto docker = inspect(m_config.labDir, QStringLiteral("docker"));
        docker.status == Status::Running || docker.status == Status::Busy) {
        finishStart(LabOutcome::failure(makeError(ErrorKind::Busy, QStringLiteral("the Docker lab is in %1 (%2)").arg(m_config.labDir, docker.summary),
                                                  QStringLiteral("stop it first (`pgha lab stop`)"))));
        return;
    }

    const Report existing = inspect(m_config.labDir, flavor());
    if (existing.state) {
        // The lab directory's own configuration wins (its data was made with those ports and
        // names); what this start asks for adds to it (a Pgpool) or says where programs are.
        LabConfig kept = existing.state->config;
        if (kept.labDir.isEmpty())
            kept.labDir = m_config.labDir;
        kept.binarySearchPath = m_config.binarySearchPath;
        if (!m_config.pgBinDir.isEmpty())
            kept.pgBinDir = m_config.pgBinDir;
        kept.withPgpool = kept.withPgpool || m_config.withPgpool;
        kept.restTls = kept.restTls || m_config.restTls;
        kept.restAuth = kept.restAuth || m_config.restAuth;
        m_config = kept;
    }
    switch (existing.status) {
    case Status::Running: {
        emit message(QStringLiteral("the lab in %1 is already running").arg(m_config.labDir));
        // A running lab keeps how it serves its REST API until it is started again.
        if (m_config.restTls != existing.state->config.restTls || m_config.restAuth != existing.state->config.restAuth)
            emit message(QStringLiteral("its REST API keeps running %1; stop the lab and start it again to change that")
                                 .arg(existing.state->config.restTls ? QStringLiteral("with TLS") : QStringLiteral("without TLS")));
        m_config.restTls = existing.state->config.restTls;
        m_config.restAuth = existing.state->config.restAuth;
        m_state = *existing.state;
        m_stage = Stage::Health;
        applyHttpSecurity();
        for (const auto &c : existing.components)
            setComponent(c.name, LabComponentStatus::State::Ready, QStringLiteral("already running (pid %1)").arg(c.pid));
        runHealthCheck();
        return;
    }
    case Status::Busy:
        finishStart(LabOutcome::failure(makeError(QStringLiteral("the lab in %1 is %2").arg(m_config.labDir, existing.summary),
                                             QStringLiteral("wait for that program to finish"))));
        return;
    case Status::Partial:
    case Status::Stale:
        if (m_options.stale == StaleAction::Refuse) {
            LabOutcome refused;
            refused.staleLab = true;
            refused.error = makeError(QStringLiteral("a lab from an earlier run is in %1 — %2").arg(m_config.labDir, existing.summary),
                                      QStringLiteral("start it again with its data (`pgha lab start --reuse`) or delete it "
                                                     "and start fresh (`pgha lab start --wipe`)"));
            finishStart(refused);
            return;
        }
        m_reuseData = m_options.stale == StaleAction::Reuse && existing.state.has_value();
        if (existing.state) {
            m_state = *existing.state;   // reuse keeps its passwords: the databases have them
            emit message(QStringLiteral("stopping what is left of the earlier lab"));
            beginStage(QStringLiteral("remains"), QStringLiteral("stopping what an earlier lab left"));
            m_stage = Stage::StoppingRemains;
            runStopper(*existing.state, [this](const LabOutcome &) { continueStart(); });
            return;
        }
        break;
    case Status::Stopped:
        m_reuseData = !m_options.wipe;
        if (existing.state)
            m_state = *existing.state;
        break;
    case Status::Absent:
        m_reuseData = false;
        break;
    }
    continueStart();
}

void NativeLab::continueStart()
{
    if (m_reuseData && m_options.wipe)
        m_reuseData = false;
    // The breakdown begins here, at the start's 0 unless an earlier lab's remains came first.
    const QString checks = QStringLiteral("checks and configuration");
    if (m_breakdown.has(QStringLiteral("remains")))
        beginStage(QStringLiteral("prepare"), checks);
    else
        m_breakdown.advance(QStringLiteral("prepare"), checks, 0);
    m_breakdown.fromNothing = !m_reuseData;
    setStage(QStringLiteral("checking programs, ports and permissions"), 2);
    if (auto ok = preflight(); !ok) {
        finishStart(LabOutcome::failure(ok.error(), m_clock.elapsed()));
        return;
    }
    // Only after every check passed, and only the native lab's own entries: a Docker lab's
    // files and passwords in the same directory stay.
    if (!m_reuseData) {
        // Deleting the old data took 0.2–6.6 s here (hundreds of MB, a disk that discards):
        // renamed aside at once and deleted beside the start instead.
        if (auto wiped = wipeFlavourInBackground(m_config.labDir, flavor(), m_config); !wiped) {
            finishStart(LabOutcome::failure(wiped.error(), m_clock.elapsed()));
            return;
        }
        m_state.secrets = {};
    }
    if (auto ok = prepare(); !ok) {
        finishStart(LabOutcome::failure(ok.error(), m_clock.elapsed()));
        return;
    }
    applyHttpSecurity();
    if (m_config.restTls && !(m_reuseData && labTlsFilesExist(m_config.labDir)))
        makeCertificates();
    else
        launchEtcd();
}

void NativeLab::makeCertificates()
{
    setStage(QStringLiteral("making the lab's CA and REST API certificate in %1").arg(labTlsDir(m_config.labDir)), 8);
    beginStage(QStringLiteral("certificates"), QStringLiteral("the lab's CA and REST certificate"));
    m_stage = Stage::Certificates;
    auto *maker = new LabTlsMaker(m_config, m_binaries.openssl, m_runAs ? &*m_runAs : nullptr, this);
    const quint64 gen = m_generation;
    connect(maker, &LabTlsMaker::finished, this, [this, maker, gen](const QString &error) {
        maker->deleteLater();
        if (gen != m_generation || m_stage != Stage::Certificates)
            return;
        if (!error.isEmpty()) {
            failStart(makeError(error, QStringLiteral("check that `openssl version` works (Debian package openssl)")));
            return;
        }
        launchEtcd();
    });
    maker->start();
}

void NativeLab::launchEtcd()
{
    setStage(QStringLiteral("starting etcd ×3, and beside it %1").arg(proxiesDescription()), 10);
    beginStage(QStringLiteral("etcd"), QStringLiteral("etcd ×3: quorum"));
    // PgBouncer, HAProxy, the exporters and Pgpool-II depend on neither etcd nor Patroni (they
    // retry their backends): started now, their start-up CPU is spent while etcd elects its
    // leader, not while Patroni runs initdb and the clones on the same two cores.
    m_breakdown.beginParallel(QStringLiteral("proxies"), QStringLiteral("proxies and exporters"), m_clock.elapsed());
    m_breakdown.setNote(QStringLiteral("proxies"), proxiesDescription() + QStringLiteral(": listening"));
    for (const auto &c : m_config.components())
        if (c.kind != LabComponentKind::Patroni)
            if (auto ok = launch(c); !ok) {
                failStart(ok.error());
                return;
            }
    m_stage = Stage::WaitEtcd;
    m_stageClock.start();
    m_ticker.start();
}

// The lab's probes and health check (and whoever shares this HttpClient) speak https with the
// lab's CA and send the lab's REST credentials.
void NativeLab::applyHttpSecurity()
{
    for (const auto &o : labHttpSecurity(m_config, m_state.secrets))
        m_http->setSecurity(o.origin, o.security);
}

Result<bool> NativeLab::preflight()
{
    if (auto t = m_config.timings.validate(); !t)
        return t.error();
    const bool root = proc::runningAsRoot();
    auto binaries = LabBinaries::locate(m_config, root);
    if (!binaries)
        return binaries.error();
    m_binaries = binaries.value();
    m_runAs.reset();
    if (root) {
        proc::Account account;
        if (!proc::lookupAccount(m_config.runAsUser, &account))
            return makeError(QStringLiteral("started as root, but the account \"%1\" that should run PostgreSQL and "
                                            "PgBouncer does not exist (both refuse to run as root)").arg(m_config.runAsUser),
                             QStringLiteral("install postgresql-common, which creates it, or `useradd --system %1`")
                                     .arg(m_config.runAsUser));
        if (auto reach = checkReachableBy(m_config.labDir, account); !reach)
            return reach.error();
        m_runAs = account;
    }
    QStringList busy;
    int firstBusy = 0;
    for (const auto &c : m_config.components())
        for (const auto &p : c.ports)
            if (proc::isPortInUse(m_config.host, p.port)) {
                busy.append(QStringLiteral("port %1 (%2)").arg(p.port).arg(p.role));
                firstBusy = firstBusy ? firstBusy : p.port;
            }
    // The standalone baseline's port is in the lab's port map too (taken only when someone starts
    // it); the lab's own baseline, running, holds it rightly.
    if (const int port = m_config.ports.standalone; proc::isPortInUse(m_config.host, port)
        && LabStandalone::inspect(m_config.labDir).status != StandaloneReport::Status::Running) {
        busy.append(QStringLiteral("port %1 (standalone PostgreSQL baseline)").arg(port));
        firstBusy = firstBusy ? firstBusy : port;
    }
    if (!busy.isEmpty())
        return makeError(QStringLiteral("cannot start the native lab: %1 %2 in use on %3")
                                 .arg(busy.join(QStringLiteral(", ")), busy.size() == 1 ? QStringLiteral("is")
                                                                                        : QStringLiteral("are"),
                                      m_config.host),
                         QStringLiteral("stop what listens there (`ss -ltnp 'sport = :%1'` shows it; a system service "
                                        "such as postgresql or etcd?) or start the lab on other ports with --port-offset N")
                                 .arg(firstBusy));
    return true;
}

Result<bool> NativeLab::prepare()
{
    setStage(m_reuseData ? QStringLiteral("reusing the lab's data in %1").arg(m_config.labDir)
                         : QStringLiteral("writing configuration to %1").arg(m_config.labDir), 5);
    if (!m_reuseData || m_state.secrets.superuser.isEmpty())
        m_state.secrets = generateSecrets();
    if (m_state.secrets.restApi.isEmpty())   // a lab made before REST auth existed
        m_state.secrets.restApi = generateLabPassword();
    m_config.pgBinDir = m_binaries.pgBinDir;
    auto written = writeLabFiles(m_config, m_binaries, m_state.secrets, m_runAs ? &*m_runAs : nullptr);
    if (!written)
        return written.error();
    m_state.config = m_config;
    m_postgresLogStart.clear();
    const LabLayout layout(m_config.labDir);
    for (const auto &c : m_config.components())
        if (c.kind == LabComponentKind::Patroni)
            m_postgresLogStart.insert(c.name, QFileInfo(postgresLogOf(layout.dataDir(c))).size());
    m_state.processes.clear();
    if (!saveState(LabState::Phase::Starting))
        return makeError(QStringLiteral("cannot save the lab state in %1").arg(m_config.labDir));
    emit message(QStringLiteral("Patroni timings: %1; PostgreSQL from %2").arg(m_config.timings.describe(), m_binaries.pgBinDir));
    return true;
}

bool NativeLab::checkMembersAlive()
{
    for (const auto &p : std::as_const(m_state.processes)) {
        if (proc::isAlive(p.pid, p.startTicks))
            continue;
        const QStringList tail = proc::tailOfFile(p.logFile, kLogTailLines);
        setComponent(p.name, LabComponentStatus::State::Failed, QStringLiteral("exited"));
        failStart(makeError(QStringLiteral("%1 exited while the lab was starting. Last lines of %2:\n    %3")
                                    .arg(p.name, p.logFile, tail.join(QStringLiteral("\n    "))),
                            QStringLiteral("fix the cause shown in the log, then start again")));
        return false;
    }
    return true;
}

void NativeLab::tick()
{
    ++m_ticks;
    if (!checkMembersAlive())
        return;
    if (m_clock.elapsed() > kStartTimeoutMs) {
        failStart(makeError(QStringLiteral("the lab did not become healthy within %1 s: %2")
                                    .arg(kStartTimeoutMs / 1000)
                                    .arg(m_lastHealthProblem.isEmpty() ? notReadySummary() : m_lastHealthProblem),
                            QStringLiteral("look at the member logs in %1/logs").arg(m_config.labDir)));
        return;
    }
    if (m_stage == Stage::WaitEtcd)
        tickEtcd();
    else if (m_stage == Stage::WaitMembers && !checkMemberLogs())
        return;
    else if (m_stage == Stage::WaitMembers)
        tickMembers();
}

// Where a member's PostgreSQL logs (lab-stack/native/patroni.yml.in: logging_collector).
QString NativeLab::postgresLogOf(const QString &dataDir)
{
    return dataDir + QStringLiteral("/log/postgresql.log");
}

// Says at once, by name, what a member's log shows that waiting cannot cure (see
// diagnoseMemberLog), instead of letting the start run into its timeout.
bool NativeLab::checkMemberLogs()
{
    constexpr int kLogLinesRead = 200;
    // Only data made earlier can disagree with the lab's passwords (and a fresh bootstrap can
    // see a rejected login or two while its users are being made).
    if (!m_reuseData)
        return true;
    for (const auto &c : m_config.components()) {
        if (c.kind != LabComponentKind::Patroni || m_components.value(c.name).state == LabComponentStatus::State::Ready)
            continue;
        const auto *p = m_state.process(c.name);
        if (!p)
            continue;
        // Patroni's own log, and what PostgreSQL logged since this start (its logging collector).
        QStringList lines = proc::tailOfFile(p->logFile, kLogLinesRead);
        lines += proc::tailOfFile(postgresLogOf(p->dataDir), kLogLinesRead, m_postgresLogStart.value(c.name));
        if (auto problem = diagnoseMemberLog(c.name, lines, m_config.labDir)) {
            setComponent(c.name, LabComponentStatus::State::Failed, problem->message);
            failStart(*problem);
            return false;
        }
    }
    return true;
}

QString NativeLab::notReadySummary() const
{
    QStringList parts;
    for (const auto &c : m_config.components()) {
        const auto &s = m_components.value(c.name);
        if (s.state != LabComponentStatus::State::Ready)
            parts.append(QStringLiteral("%1 not ready (%2)").arg(c.name, s.detail));
    }
    return parts.join(QStringLiteral("; "));
}

// The message part of a member's last log line ("waiting on etcd"), for progress displays.
QString NativeLab::lastLogMessage(const QString &name) const
{
    const auto *p = m_state.process(name);
    const QStringList tail = p ? proc::tailOfFile(p->logFile, 1) : QStringList();
    if (tail.isEmpty() || tail.front().startsWith(u"=== pgha"))
        return QStringLiteral("REST API not up yet");
    const QString line = tail.front();
    const qsizetype colon = line.indexOf(QStringLiteral(": "));
    return QStringLiteral("REST API busy or not up yet; log: ") + (colon > 0 && colon < 40 ? line.mid(colon + 2) : line).left(120);
}

int NativeLab::healthRetryMs() const
{
    return kHealthRetryMs;
}

std::optional<LabOutcome> NativeLab::judgeHealth(const LabHealth &health)
{
    const bool alreadyRunning = !m_ticker.isActive() && m_state.phase == LabState::Phase::Running;
    if (!health.healthy && !alreadyRunning) {
        m_lastHealthProblem = health.problems.join(QStringLiteral("; "));
        emit stageChanged(QStringLiteral("waiting for the data path: %1").arg(m_lastHealthProblem), 92);
        return std::nullopt;
    }
    m_ticker.stop();
    if (!alreadyRunning) {
        saveState(LabState::Phase::Running);
        setStage(QStringLiteral("healthy after %1 s").arg(m_clock.elapsed() / 1000.0, 0, 'f', 1), 100);
    }
    LabOutcome outcome = LabOutcome::success(m_clock.elapsed());
    outcome.ok = health.healthy;
    outcome.alreadyRunning = alreadyRunning;
    outcome.health = health;
    if (!health.healthy)
        outcome.error = makeError(QStringLiteral("the lab is running but not healthy: ") + health.problems.join(QStringLiteral("; ")),
                                  QStringLiteral("it may still be settling after a fault; see `pgha status`"));
    return outcome;
}

void NativeLab::undoStart(const Error &error, const QString &, UndoDone done)
{
    m_ticker.stop();
    m_stage = Stage::Cancelling;
    emit message(error.toString());
    emit message(QStringLiteral("stopping everything this start launched"));
    saveState(LabState::Phase::Stopping);
    runStopper(m_state, [this, error, done](const LabOutcome &) {
        m_state.processes.clear();
        saveState(LabState::Phase::Failed, error.message);
        done(error);
    });
}

void NativeLab::startEnded()
{
    m_stage = Stage::Idle;
}

void NativeLab::runStopper(LabState state, std::function<void(const LabOutcome &)> then)
{
    auto *stopper = new LabStopper(std::move(state), this);
    m_stopper = stopper;
    connect(stopper, &LabStopper::componentChanged, this, [this](const LabComponentStatus &s) {
        setComponent(s.name, s.state, s.detail);
    });
    connect(stopper, &LabStopper::finished, this, [stopper, then = std::move(then)](const LabOutcome &o) {
        stopper->deleteLater();
        then(o);
    });
    stopper->start();
}

void NativeLab::stop(const StopOptions &)
{
    if (m_busy) {
        if (m_stage == Stage::Cancelling || m_stage == Stage::Stopping || m_stage == Stage::StoppingRemains)
            return;
        // Cancel the start in progress; startFinished (cancelled) then stopFinished follow.
        m_stopRequested = true;
        failStart(makeError(ErrorKind::Cancelled, QStringLiteral("the start was cancelled")));
        return;
    }
    const Report report = inspect(m_config.labDir, flavor());
    if (!report.state) {
        emit stopFinished(LabOutcome::success());
        emit message(report.summary);
        return;
    }
    m_busy = true;
    m_stage = Stage::Stopping;
    m_clock.start();
    // A stop never runs beside a start or another stop: the holder is named instead.
    if (auto locked = acquireLock(); !locked) {
        m_busy = false;
        m_stage = Stage::Idle;
        emit stopFinished(LabOutcome::failure(locked.error()));
        return;
    }
    m_state = *report.state;
    m_config.labDir = report.labDir;
    saveState(LabState::Phase::Stopping, m_state.lastError);
    setStage(QStringLiteral("stopping the lab in %1").arg(m_config.labDir), 0);
    runStopper(m_state, [this](const LabOutcome &lab) {
        // The standalone baseline goes with the lab: nothing of it outlives `pgha lab stop`.
        stopStandalone(m_config.labDir, this, [this, lab](const StandaloneOutcome &standalone) {
            LabOutcome outcome = lab;
            if (!standalone.ok && outcome.ok)
                outcome = LabOutcome::failure(standalone.error, lab.elapsedMs);
            else if (standalone.wasRunning)
                emit message(QStringLiteral("stopped the standalone baseline too"));
            finishStop(outcome);
        });
    });
}

void NativeLab::finishStop(const LabOutcome &outcome)
{
    m_state.processes.clear();
    saveState(LabState::Phase::Stopped, outcome.ok ? m_state.lastError : outcome.error.message);
    m_stage = Stage::Idle;
    m_busy = false;
    releaseLock();
    setStage(QStringLiteral("stopped in %1 s").arg(m_clock.elapsed() / 1000.0, 0, 'f', 1), 100);
    LabOutcome o = outcome;
    o.elapsedMs = m_clock.elapsed();
    emit stopFinished(o);
}

LabService::Overview NativeLab::overview() const
{
    const Report report = inspect(m_config.labDir);
    Overview o;
    o.status = report.status;
    using State = LabComponentStatus::State;
    for (const auto &c : report.components) {
        LabComponentStatus s{c.name, c.kind, State::Stopped, QStringLiteral("not running"), c.pid};
        if (c.alive) {
            const bool closed = c.listening.contains(false);
            s.state = closed ? State::Starting : State::Ready;
            s.detail = closed ? QStringLiteral("pid %1, a port is not open").arg(c.pid) : QStringLiteral("running, pid %1").arg(c.pid);
        } else if (!report.state) {
            s.state = State::Pending;
            s.detail = QStringLiteral("not created");
        }
        o.components.append(s);
    }
    o.stage = report.summary;
    o.percent = report.status == Status::Running ? 100 : 0;
    o.canStart = report.status != Status::Running && report.status != Status::Busy;
    o.canStop = report.status == Status::Running || report.status == Status::Partial || report.status == Status::Stale;
    return o;
}

} // namespace pgha::svc

#include "chaos/chaosrunner.h"

#include "chaos/expectations.h"
#include "chaos/measurement.h"
#include "core/logging.h"
#include "etcd/etcdtypes.h"
#include "http/httpclient.h"
#include "lab/labmembercontrol.h"
#include "lab/labtls.h"
#include "patroni/patroniparser.h"
#include "process/procutil.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

#include <csignal>

namespace pgha::svc {

namespace {
QUrl localUrl(const QString &host, int port, const QString &path, bool tls)
{
    QUrl url;
    url.setScheme(tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port);
    url.setPath(path);
    return url;
}

bool isMemberFault(FaultKind k)
{
    switch (k) {
    case FaultKind::CrashPrimary:
    case FaultKind::StopPrimary:
    case FaultKind::FreezePrimary:
    case FaultKind::StallThenCrash:
    case FaultKind::CrashReplica:
    case FaultKind::FreezeReplica:
    case FaultKind::PartitionPrimary:
        return true;
    default:
        return false;
    }
}
} // namespace

ChaosRunner::ChaosRunner(QString labDir, ChaosOptions options, HttpClient *http, QObject *parent)
    : QObject(parent), m_labDir(std::move(labDir)), m_options(std::move(options)), m_http(http)
{
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &ChaosRunner::tick);
}

ChaosRunner::~ChaosRunner()
{
    // Never leave a lab frozen or half broken behind: a destroyed runner still undoes its fault.
    if (m_injected && !m_undone)
        for (qint64 pid : std::as_const(m_frozen))
            proc::signalProcess(pid, SIGCONT);
}

qint64 ChaosRunner::clockMs() const
{
    return m_write ? m_write->nowMs() : 0;
}

qint64 ChaosRunner::liveRtoMs() const
{
    if (!m_injected || m_faultAtMs < 0)
        return -1;
    if (m_report.rtoMs)
        return *m_report.rtoMs;
    const Outage o = m_write ? measureOutage([this] {
        QList<qint64> t;
        for (const auto &a : m_write->acks())
            t.append(a.atMs);
        return t;
    }(), m_faultAtMs, clockMs()) : Outage{};
    if (o.rtoMs && !m_writesFailing)
        return *o.rtoMs;
    return clockMs() - m_faultAtMs;
}

void ChaosRunner::setStage(const QString &text)
{
    qCDebug(lcActions) << "chaos:" << text;
    emit stageChanged(text);
}

void ChaosRunner::addEvent(qint64 probeMs, const QString &source, const QString &text)
{
    ChaosReport::Event e{probeMs, source, text};
    m_report.events.append(e);   // absolute on the probe clock; made relative to the fault in finish()
    if (m_faultAtMs >= 0)
        e.atMs = probeMs - m_faultAtMs;
    else
        e.atMs = probeMs - clockMs();
    emit event(e);
}

void ChaosRunner::waitUntil(int timeoutMs, std::function<bool()> condition, std::function<void(bool)> then)
{
    m_wait = Wait{std::move(condition), m_runClock.elapsed() + timeoutMs, std::move(then)};
    if (!m_ticker.isActive())
        m_ticker.start();
}

void ChaosRunner::tick()
{
    if (!m_wait)
        return;
    const bool met = m_wait->condition();
    if (!met && m_runClock.elapsed() < m_wait->deadlineMs && !m_cancelled)
        return;
    auto then = std::move(m_wait->then);
    m_wait.reset();
    then(met);
}

void ChaosRunner::start()
{
    if (m_running)
        return;
    m_running = true;
    m_runClock.start();
    m_fault = faultById(m_options.faultId);
    m_report.runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_report.startedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    m_report.iteration = m_options.iteration;
    m_report.iterations = m_options.iterations;
    m_report.labDir = m_labDir;
    m_report.faultId = m_options.faultId;
    m_report.writes.intervalMs = m_options.writeIntervalMs;
    m_report.haproxyInterMs = kLabHaproxyCheck.interMs;
    m_report.haproxyFall = kLabHaproxyCheck.fall;
    m_report.haproxyRise = kLabHaproxyCheck.rise;
    if (!m_fault) {
        fail(QStringLiteral("no fault named \"%1\"; `pgha chaos list` shows them").arg(m_options.faultId));
        return;
    }
    m_report.faultTitle = m_fault->title;
    m_report.faultWhat = m_fault->what;
    auto state = labmember::loadRunning(m_labDir);
    if (!state) {
        fail(state.error().toString());
        return;
    }
    m_state = state.value();
    m_report.flavor = m_state.flavor;
    const FaultAvailability available = faultAvailability(*m_fault, {true, m_labDir, m_state.flavor, true});
    if (!available.available) {
        fail(QStringLiteral("%1 is not available: %2").arg(m_fault->id, available.reason));
        return;
    }
    for (const auto &o : labHttpSecurity(m_state.config, m_state.secrets))
        m_http->setSecurity(o.origin, o.security);
    setStage(QStringLiteral("checking that the lab is healthy"));
    checkHealthy(m_runClock.elapsed() + kHealthyTimeoutMs, [this](const LabHealth &h) {
        m_startHealth = h;
        m_report.oldLeader = h.leader;
        if (const PatroniMember *l = h.cluster.leader())
            m_report.oldTimeline = l->timeline;
        m_report.paused = h.cluster.paused;
        readConfig();
    });
}

void ChaosRunner::checkHealthy(qint64 deadlineMs, std::function<void(const LabHealth &)> then,
                               std::function<void(const LabHealth &)> onTimeout)
{
    auto *check = new LabHealthCheck(m_state.config, m_state.secrets, m_http, this);
    connect(check, &LabHealthCheck::finished, this, [this, check, deadlineMs, then, onTimeout](const LabHealth &h) {
        check->deleteLater();
        if (m_finished)
            return;
        // Healthy, with both replicas streaming: a run on a lab still recovering from the last one
        // would measure that recovery, not the fault.
        if (h.healthy && h.streamingReplicas.size() >= kLabMembers - 1) {
            then(h);
            return;
        }
        if (m_runClock.elapsed() >= deadlineMs || m_cancelled) {
            if (onTimeout && !m_cancelled)
                onTimeout(h);
            else
                fail(QStringLiteral("the lab is not healthy: %1").arg(h.problems.join(QStringLiteral("; "))));
            return;
        }
        QTimer::singleShot(1000, this, [this, deadlineMs, then, onTimeout] { checkHealthy(deadlineMs, then, onTimeout); });
    });
    check->start();
}

QUrl ChaosRunner::restUrl(const QString &member, const QString &path) const
{
    for (int i = 0; i < kLabMembers; ++i)
        if (m_state.config.memberName(i) == member)
            return localUrl(m_state.config.host, m_state.config.ports.rest[i], path, m_state.config.restTls);
    return {};
}

PgEndpoint ChaosRunner::directEndpoint(const QString &member) const
{
    PgEndpoint e{m_state.config.host, 0, QStringLiteral("postgres"), QStringLiteral("postgres"), m_state.secrets.superuser,
                 QStringLiteral("pgha-chaos")};
    for (int i = 0; i < kLabMembers; ++i)
        if (m_state.config.memberName(i) == member)
            e.port = m_state.config.ports.postgres[i];
    return e;
}

PgEndpoint ChaosRunner::entryPoint(int port) const
{
    return PgEndpoint{m_state.config.host, port, QStringLiteral("postgres"), QStringLiteral("postgres"),
                      m_state.secrets.superuser, QStringLiteral("pgha-chaos")};
}

QString ChaosRunner::memberForPort(int port) const
{
    for (int i = 0; i < kLabMembers; ++i)
        if (m_state.config.ports.postgres[i] == port)
            return m_state.config.memberName(i);
    return QString::number(port);
}

void ChaosRunner::readConfig()
{
    setStage(QStringLiteral("reading Patroni's configuration"));
    m_http->get(restUrl(m_report.oldLeader, QStringLiteral("/config")), 3000, this, [this](const HttpResult &r) {
        auto config = r.isSuccess() ? parsePatroniConfig(r.body) : Result<PatroniDynamicConfig>(makeError(explainHttpFailure(r, m_report.oldLeader + QStringLiteral("'s REST API"))));
        if (!config) {
            fail(QStringLiteral("cannot read GET /config: %1").arg(config.error().message));
            return;
        }
        const auto &c = config.value();
        m_report.ttl = c.ttl.value_or(30);
        m_report.loopWait = c.loopWait.value_or(10);
        m_report.retryTimeout = c.retryTimeout.value_or(10);
        m_report.preset = LabTimings::presetMatching(m_report.ttl, m_report.loopWait, m_report.retryTimeout);
        m_report.synchronousMode = c.synchronousMode;
        m_report.failsafeMode = c.failsafeMode;
        // Paused, no failover is expected: there is no failover budget to meet.
        const Budget b = m_fault->expectsFailover && m_report.paused
                ? Budget{}
                : faultBudget(m_fault->kind, m_report.ttl, m_report.loopWait, m_report.retryTimeout, kLabHaproxyCheck);
        m_report.budgetMs = b.ms;
        m_report.budgetFormula = b.formula;
        configure();
    });
}

void ChaosRunner::patchConfig(const QJsonObject &patch, std::function<void(bool)> then)
{
    const QByteArray body = QJsonDocument(patch).toJson(QJsonDocument::Compact);
    m_http->send("PATCH", restUrl(m_report.oldLeader, QStringLiteral("/config")), body, 5000, this,
                 [this, body, then](const HttpResult &r) {
                     if (!r.isSuccess()) {
                         fail(QStringLiteral("PATCH /config %1 failed: %2")
                                      .arg(QString::fromUtf8(body), explainHttpFailure(r, m_report.oldLeader + QStringLiteral("'s REST API"))));
                         return;
                     }
                     addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("PATCH /config %1").arg(QString::fromUtf8(body)));
                     then(true);
                 });
}

void ChaosRunner::configure()
{
    QJsonObject patch;
    if (m_options.synchronousMode && *m_options.synchronousMode != m_report.synchronousMode) {
        m_restoreSync = m_report.synchronousMode;
        patch.insert(QStringLiteral("synchronous_mode"), *m_options.synchronousMode);
        m_report.synchronousMode = *m_options.synchronousMode;
    }
    const bool wantFailsafe = m_fault->kind == FaultKind::LoseEtcdQuorumFailsafe;
    const bool quorumFault = m_fault->kind == FaultKind::LoseEtcdQuorum || wantFailsafe;
    if (quorumFault && wantFailsafe != m_report.failsafeMode) {
        m_restoreFailsafe = m_report.failsafeMode;
        patch.insert(QStringLiteral("failsafe_mode"), wantFailsafe);
        m_report.failsafeMode = wantFailsafe;
    }
    if (patch.isEmpty()) {
        warmUp();
        return;
    }
    setStage(QStringLiteral("setting %1 for this run").arg(QString::fromUtf8(QJsonDocument(patch).toJson(QJsonDocument::Compact))));
    patchConfig(patch, [this, patch](bool) {
        // Patroni applies the change in its next loop; synchronous_mode shows in /cluster.
        auto afterSync = [this](bool ok) {
            if (!ok) {
                fail(QStringLiteral("synchronous_mode did not take effect within 30 s (no sync_standby in /cluster)"));
                return;
            }
            QTimer::singleShot(m_report.loopWait * 1000 + 1000, this, [this] { warmUp(); });
        };
        if (patch.contains(QStringLiteral("synchronous_mode")))
            waitForSyncMode(m_report.synchronousMode, afterSync);
        else
            afterSync(true);
    });
}

void ChaosRunner::waitForSyncMode(bool on, std::function<void(bool)> then)
{
    auto seen = std::make_shared<std::optional<bool>>();
    auto busy = std::make_shared<bool>(false);
    const QString leader = m_report.oldLeader;
    waitUntil(30000, [this, seen, busy, on, leader] {
        if (!*busy) {
            *busy = true;
            m_http->get(restUrl(leader, QStringLiteral("/cluster")), 2000, this, [seen, busy](const HttpResult &r) {
                *busy = false;
                if (auto c = r.isSuccess() ? parsePatroniCluster(r.body) : Result<ClusterSnapshot>(makeError(r.error))) {
                    bool sync = false;
                    for (const auto &m : c.value().members)
                        sync = sync || m.role == MemberRole::SyncStandby;
                    *seen = sync;
                }
            });
        }
        return seen->has_value() && **seen == on;
    }, std::move(then));
}

void ChaosRunner::warmUp()
{
    if (m_cancelled) {
        fail(QStringLiteral("cancelled"));
        return;
    }
    setStage(QStringLiteral("starting the write and read probes"));
    m_write = std::make_unique<WriteProbe>(entryPoint(m_state.config.ports.haproxyReadWrite));
    m_write->setIntervalMs(m_options.writeIntervalMs);
    connect(m_write.get(), &WriteProbe::acknowledged, this, [this](qint64, qint64 at) { onWrite(true, at, {}); });
    connect(m_write.get(), &WriteProbe::writeFailed, this, [this](qint64, qint64 at, const QString &e) { onWrite(false, at, e); });
    m_write->start();
    m_read = std::make_unique<ReadProbe>(entryPoint(m_state.config.ports.haproxyReadOnly));
    m_read->setIntervalMs(m_options.readIntervalMs);
    connect(m_read.get(), &ReadProbe::answered, this, &ChaosRunner::onRead);
    m_read->start(m_write->clock());

    PhaseTracker::Sources sources;
    for (int i = 0; i < kLabMembers; ++i) {
        sources.members.append({m_state.config.memberName(i),
                                localUrl(m_state.config.host, m_state.config.ports.rest[i], QString(), m_state.config.restTls)});
        sources.etcd.append(localUrl(m_state.config.host, m_state.config.ports.etcdClient[i], QString(), false));
    }
    sources.leaderKey = QStringLiteral("/service/%1/leader").arg(m_state.config.scope);
    sources.haproxyStats = localUrl(m_state.config.host, m_state.config.ports.haproxyStats, QStringLiteral("/stats;csv"), false);
    m_tracker = new PhaseTracker(sources, m_http, m_write->clock(), this);
    connect(m_tracker, &PhaseTracker::transition, this, &ChaosRunner::onTransition);
    m_tracker->start();

    waitUntil(20000, [this] { return m_write->nowMs() >= kWarmUpMs && m_write->acknowledgedCount() >= 10; }, [this](bool ok) {
        if (!ok) {
            fail(QStringLiteral("the write probe could not write through the read-write port %1: %2")
                         .arg(m_state.config.ports.haproxyReadWrite).arg(m_write->lastError()));
            return;
        }
        inject();
    });
}

void ChaosRunner::inject()
{
    if (m_cancelled) {
        fail(QStringLiteral("cancelled"));
        return;
    }
    // Who is hit.
    const FaultKind kind = m_fault->kind;
    QStringList replicas = m_startHealth.streamingReplicas;
    replicas.sort();
    switch (kind) {
    case FaultKind::CrashReplica:
    case FaultKind::FreezeReplica:
        m_victims = {m_options.target.isEmpty() ? replicas.value(0) : m_options.target};
        if (m_victims.front() == m_report.oldLeader) {
            fail(QStringLiteral("%1 is the leader; a replica fault needs a replica").arg(m_options.target));
            return;
        }
        break;
    case FaultKind::CrashEtcdMember:
        m_victims = {QStringLiteral("etcd1")};
        break;
    case FaultKind::LoseEtcdQuorum:
    case FaultKind::LoseEtcdQuorumFailsafe:
        m_victims = {QStringLiteral("etcd1"), QStringLiteral("etcd2")};
        break;
    case FaultKind::CrashHaproxy:
        m_victims = {QStringLiteral("haproxy")};
        break;
    case FaultKind::CrashPgbouncer:
        m_victims = {QStringLiteral("pgbouncer") + m_report.oldLeader.mid(2)};   // pgN beside pgN
        break;
    default:
        m_victims = {m_report.oldLeader};
    }
    m_report.target = m_victims.join(QStringLiteral(", "));
    if (kind == FaultKind::CrashEtcdMember || kind == FaultKind::LoseEtcdQuorum || kind == FaultKind::LoseEtcdQuorumFailsafe) {
        // Hit the raft leader: the harder case (an election on top of the loss).
        auto statuses = std::make_shared<QList<std::pair<int, EtcdStatus>>>();
        auto pending = std::make_shared<int>(kLabMembers);
        for (int i = 0; i < kLabMembers; ++i)
            m_http->postJson(localUrl(m_state.config.host, m_state.config.ports.etcdClient[i], QStringLiteral("/v3/maintenance/status"), false),
                             "{}", 2000, this, [this, i, statuses, pending, kind](const HttpResult &r) {
                                 if (auto s = r.isSuccess() ? parseEtcdStatus(r.body) : Result<EtcdStatus>(makeError(r.error)))
                                     statuses->append({i, s.value()});
                                 if (--*pending > 0)
                                     return;
                                 int leader = -1;
                                 for (const auto &[index, st] : *statuses)
                                     if (st.isLeader())
                                         leader = index;
                                 if (leader >= 0) {
                                     const QString name = QStringLiteral("etcd%1").arg(leader + 1);
                                     if (kind == FaultKind::CrashEtcdMember)
                                         m_victims = {name};
                                     else
                                         m_victims = {name, QStringLiteral("etcd%1").arg((leader + 1) % kLabMembers + 1)};
                                     m_report.target = m_victims.join(QStringLiteral(", ")) + QStringLiteral(" (raft leader first)");
                                 }
                                 injectNow();
                             });
        return;
    }
    injectNow();
}

void ChaosRunner::injectNow()
{
    const FaultKind kind = m_fault->kind;
    const LabState::Process *first = m_state.process(m_victims.front());
    if (!first) {
        fail(QStringLiteral("the lab has no process named %1").arg(m_victims.front()));
        return;
    }
    auto crash = [this](const QString &name) {
        const LabState::Process *p = m_state.process(name);
        if (!p)
            return QStringLiteral("no process %1").arg(name);
        QStringList what;
        if (p->kind == LabComponentKind::Patroni) {
            const auto pg = labmember::postgresOf(*p);
            proc::signalProcess(p->pid, SIGKILL);
            what << QStringLiteral("Patroni pid %1").arg(p->pid);
            if (pg.postmaster) {
                proc::signalProcess(pg.postmaster, SIGKILL);
                for (qint64 c : pg.children)
                    proc::signalProcess(c, SIGKILL);
                what << QStringLiteral("postmaster pid %1 and its %2 children").arg(pg.postmaster).arg(pg.children.size());
            }
        } else {
            proc::killGroup(p->pid, p->pgid);
            what << QStringLiteral("pid %1").arg(p->pid);
        }
        return QStringLiteral("SIGKILL to %1: %2").arg(name, what.join(QStringLiteral(", ")));
    };
    auto freeze = [this](const QString &name) {
        const LabState::Process *p = m_state.process(name);
        const auto pg = labmember::postgresOf(*p);
        QList<qint64> pids{p->pid};
        if (pg.postmaster)
            pids << pg.postmaster << pg.children;
        for (qint64 pid : pids)
            proc::signalProcess(pid, SIGSTOP);
        m_frozen << pids;
        return QStringLiteral("SIGSTOP to %1: Patroni and %2 PostgreSQL processes").arg(name).arg(pids.size() - 1);
    };

    QString what;
    switch (kind) {
    case FaultKind::StallThenCrash: {
        const auto pg = labmember::postgresOf(*first);
        for (qint64 pid : pg.walSenders)
            proc::signalProcess(pid, SIGSTOP);
        addEvent(clockMs(), QStringLiteral("chaos"),
                 QStringLiteral("SIGSTOP to %1's %2 WAL senders: replication stalls, writes go on").arg(first->name).arg(pg.walSenders.size()));
        setStage(QStringLiteral("replication stalled on %1 for %2 s").arg(first->name).arg(kStallMs / 1000));
        QTimer::singleShot(kStallMs, this, [this, crash] {
            m_faultAtMs = clockMs();
            m_injected = true;
            addEvent(m_faultAtMs, QStringLiteral("chaos"), crash(m_victims.front()));
            emit faultInjected(m_report.target);
            observe();
        });
        return;
    }
    case FaultKind::StopPrimary:
        proc::signalProcess(first->pid, SIGTERM);
        what = QStringLiteral("SIGTERM to %1's Patroni (pid %2): a clean stop").arg(first->name).arg(first->pid);
        break;
    case FaultKind::FreezePrimary:
    case FaultKind::FreezeReplica:
        what = freeze(first->name);
        break;
    default: {
        QStringList parts;
        for (const QString &v : std::as_const(m_victims))
            parts << crash(v);
        what = parts.join(QStringLiteral("; "));
    }
    }
    m_faultAtMs = clockMs();
    m_injected = true;
    addEvent(m_faultAtMs, QStringLiteral("chaos"), what);
    emit faultInjected(m_report.target);
    observe();
}

void ChaosRunner::observe()
{
    const FaultKind kind = m_fault->kind;
    setStage(QStringLiteral("%1: following the cluster").arg(m_fault->title));
    const qint64 defaultHold = [&]() -> qint64 {
        switch (kind) {
        case FaultKind::LoseEtcdQuorum:
        case FaultKind::LoseEtcdQuorumFailsafe:
            // Long enough for Patroni to give up on etcd (or, with failsafe_mode, to prove it need not).
            return (m_report.ttl + m_report.loopWait) * 1000LL + 4000;
        case FaultKind::CrashHaproxy:
        case FaultKind::CrashPgbouncer:
            return 3000;
        default:
            return 5000;
        }
    }();
    const qint64 hold = m_options.holdMs > 0 ? m_options.holdMs : defaultHold;
    if (m_fault->expectsFailover && !m_report.paused) {
        // Done when a member other than the old leader holds the key and a write went through after it.
        const qint64 deadline = m_report.budgetMs.value_or(30000) * 2 + 5000;
        waitUntil(static_cast<int>(deadline), [this] {
            const auto *promoted = m_tracker->firstAfter(m_faultAtMs, [this](const PhaseTracker::Transition &t) {
                return t.source.endsWith(u" /primary") && t.value == u"200" && t.subject != m_report.oldLeader;
            });
            if (!promoted)
                return false;
            const auto *ack = m_write->firstAckFrom(promoted->atMs);
            return ack != nullptr;
        }, [this](bool ok) {
            if (!ok)
                addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("no new leader took writes before the deadline"));
            undo();
        });
        return;
    }
    if (kind == FaultKind::LoseEtcdQuorum && !m_report.paused) {
        // Undo 2 s after the primary stopped taking writes, or when the hold runs out.
        waitUntil(static_cast<int>(hold), [this] {
            return m_firstFailAfterFault >= 0 && clockMs() - m_firstFailAfterFault >= 2000;
        }, [this](bool) { undo(); });
        return;
    }
    const qint64 holdFor = m_fault->expectsFailover ? (m_report.ttl + m_report.loopWait) * 1000LL + 3000 : hold;
    waitUntil(static_cast<int>(holdFor), [] { return false; }, [this](bool) { undo(); });
}

void ChaosRunner::undo()
{
    if (m_undone)
        return;
    m_undone = true;
    m_undoAtMs = clockMs();
    QStringList done;
    for (qint64 pid : std::as_const(m_frozen))
        proc::signalProcess(pid, SIGCONT);
    if (!m_frozen.isEmpty())
        done << QStringLiteral("SIGCONT to %1 processes").arg(m_frozen.size());
    m_frozen.clear();
    const FaultKind kind = m_fault->kind;
    if (kind == FaultKind::StallThenCrash) {
        // The frozen WAL senders died with the crash; nothing to thaw.
    }
    if (kind != FaultKind::FreezePrimary && kind != FaultKind::FreezeReplica) {
        for (const QString &v : std::as_const(m_victims)) {
            auto started = labmember::relaunch(m_labDir, v);
            if (!started) {
                addEvent(m_undoAtMs, QStringLiteral("chaos"), QStringLiteral("restarting %1 failed: %2").arg(v, started.error().toString()));
                continue;
            }
            done << QStringLiteral("%1 started again (pid %2)").arg(v).arg(started.value().pid);
        }
        if (auto reloaded = LabState::load(m_labDir))
            m_state = reloaded.value();
    }
    addEvent(m_undoAtMs, QStringLiteral("chaos"), QStringLiteral("undo: %1").arg(done.join(QStringLiteral("; "))));
    recover();
}

void ChaosRunner::recover()
{
    if (m_fault->expectsFailover && m_report.paused) {
        recoverPaused();
        return;
    }
    if (isMemberFault(m_fault->kind)) {
        m_rejoinMember = m_victims.front();
        m_report.rejoin.member = m_rejoinMember;
        trackRejoin();
        return;
    }
    m_report.rejoin.state = QStringLiteral("not_applicable");
    // Writes must be back before the probes stop: the outage ends with the first acknowledged write.
    waitUntil(kHealthyTimeoutMs, [this] { return m_write->firstAckFrom(m_undoAtMs) && !m_writesFailing; },
              [this](bool) { finalHealth(); });
}

// In maintenance mode nobody took over, and the restarted Patroni does not start PostgreSQL on
// its own: ask it to (POST /restart) when its PostgreSQL is not running, then wait for writes.
void ChaosRunner::recoverPaused()
{
    m_rejoinMember = m_victims.front();
    m_report.rejoin.member = m_rejoinMember;
    setStage(QStringLiteral("paused: waiting for %1 to serve writes again").arg(m_rejoinMember));
    QTimer::singleShot(3000, this, [this] {
        m_http->get(restUrl(m_rejoinMember, QStringLiteral("/patroni")), 2000, this, [this](const HttpResult &r) {
            const auto st = r.isSuccess() ? parsePatroniStatus(r.body) : Result<PatroniNodeStatus>(makeError(r.error));
            if (st && st.value().state == u"running")
                return;
            addEvent(clockMs(), QStringLiteral("chaos"),
                     QStringLiteral("paused: Patroni does not start PostgreSQL in maintenance mode; POST /restart to %1").arg(m_rejoinMember));
            m_http->send("POST", restUrl(m_rejoinMember, QStringLiteral("/restart")), "{}", 30000, this, [this](const HttpResult &rr) {
                if (!rr.isSuccess())
                    addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("POST /restart failed: %1")
                                                                         .arg(explainHttpFailure(rr, m_rejoinMember + QStringLiteral("'s REST API"))));
            });
        });
    });
    waitUntil(kRejoinTimeoutMs, [this] { return m_write->firstAckFrom(m_undoAtMs) && !m_writesFailing; }, [this](bool ok) {
        m_report.rejoin.state = ok ? QStringLiteral("leader_again") : QStringLiteral("needs_reinit");
        m_report.rejoin.ms = ok ? std::optional<qint64>(clockMs() - m_undoAtMs) : std::nullopt;
        m_report.rejoin.note = ok ? QStringLiteral("paused: no failover; %1 leads again once its PostgreSQL runs").arg(m_rejoinMember)
                                  : QStringLiteral("paused: %1 did not serve writes %2 s after the undo").arg(m_rejoinMember).arg(kRejoinTimeoutMs / 1000);
        finalHealth();
    });
}

void ChaosRunner::trackRejoin()
{
    setStage(QStringLiteral("waiting for %1 to stream again").arg(m_rejoinMember));
    waitUntil(kRejoinTimeoutMs, [this] {
        if (m_rejoined)
            return true;
        // The member came back as the leader (a thawed primary that took its key back): it will
        // never stream as a replica, and that is the story to tell.
        if (m_currentLeaderKey == m_rejoinMember && m_undoAtMs >= 0 && clockMs() - m_undoAtMs > 3000
            && m_write->firstAckFrom(m_undoAtMs)) {
            m_report.rejoin.state = QStringLiteral("leader_again");
            m_report.rejoin.note = QStringLiteral("%1 holds the leader key again after the undo").arg(m_rejoinMember);
            return true;
        }
        if (!m_rejoinQueryBusy) {
            // Ask whoever holds the leader key now, directly (not through HAProxy).
            const QString leader = m_currentLeaderKey.isEmpty() ? m_report.oldLeader : m_currentLeaderKey;
            if (leader == m_rejoinMember)
                return false;
            m_rejoinQueryBusy = true;
            auto *q = new PgQuery(directEndpoint(leader),
                                  QStringLiteral("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"), 1000, this);
            const quint64 generation = m_generation;
            connect(q, &PgQuery::finished, this, [this, q, generation](const PgResult &r) {
                q->deleteLater();
                if (generation != m_generation)
                    return;
                m_rejoinQueryBusy = false;
                if (!r.ok)
                    return;
                for (const auto &row : r.rows)
                    if (row.value(0) == m_rejoinMember && !m_rejoined) {
                        m_rejoined = true;
                        m_report.rejoin.ms = clockMs() - m_undoAtMs;
                        addEvent(clockMs(), QStringLiteral("pg_stat_replication"),
                                 QStringLiteral("%1 streams again").arg(m_rejoinMember));
                    }
            });
            q->start();
        }
        return false;
    }, [this](bool ok) {
        if (ok) {
            if (m_report.rejoin.state.isEmpty())
                m_report.rejoin.state = QStringLiteral("streaming");
            finalHealth();
            return;
        }
        // Not back: say what Patroni says about it, and reinitialise it so the lab is whole again.
        m_report.rejoin.state = QStringLiteral("needs_reinit");
        m_http->get(restUrl(m_rejoinMember, QStringLiteral("/patroni")), 2000, this, [this](const HttpResult &r) {
            const auto st = r.isSuccess() ? parsePatroniStatus(r.body) : Result<PatroniNodeStatus>(makeError(r.error));
            m_report.rejoin.note = QStringLiteral("not streaming %1 s after the undo (Patroni: %2); the console reinitialised it")
                                           .arg(kRejoinTimeoutMs / 1000)
                                           .arg(st ? st.value().state : r.error);
            m_http->send("POST", restUrl(m_rejoinMember, QStringLiteral("/reinitialize")), "{\"force\": true}", 5000, this,
                         [this](const HttpResult &) { finalHealth(); });
        });
    });
}

void ChaosRunner::stopProbes()
{
    if (m_probesStoppedAtMs < 0)
        m_probesStoppedAtMs = clockMs();
    if (m_write)
        m_write->stop();
    if (m_read)
        m_read->stop();
    if (m_tracker)
        m_tracker->stop();
}

void ChaosRunner::finalHealth()
{
    setStage(QStringLiteral("waiting until the lab is healthy again"));
    // A second of writes on the recovered cluster, so the probes end on acknowledged writes.
    QTimer::singleShot(1000, this, [this] {
        stopProbes();
        checkHealthy(m_runClock.elapsed() + kSettleTimeoutMs, [this](const LabHealth &h) { afterRecovery(h); },
                     [this](const LabHealth &h) { heal(h); });
    });
}

// Replicas that do not stream from the leader after the settle time have diverged (seen after a
// thawed primary took its key back: both replicas ahead of it on the same timeline, which
// Patroni 3.0.2 does not rewind). Reinitialising them is the undo that brings the lab back.
void ChaosRunner::heal(const LabHealth &h)
{
    QStringList stuck;
    for (int i = 0; i < kLabMembers; ++i) {
        const QString name = m_state.config.memberName(i);
        if (!h.leader.isEmpty() && name != h.leader && !h.streamingReplicas.contains(name))
            stuck << name;
    }
    if (stuck.isEmpty()) {
        m_report.error = QStringLiteral("the lab is not healthy after the run: %1").arg(h.problems.join(QStringLiteral("; ")));
        afterRecovery(h);
        return;
    }
    setStage(QStringLiteral("reinitialising %1: not streaming from %2").arg(stuck.join(QStringLiteral(", ")), h.leader));
    for (const QString &name : std::as_const(stuck)) {
        m_report.reinitialised << name;
        addEvent(clockMs(), QStringLiteral("chaos"),
                 QStringLiteral("%1 does not stream from %2 %3 s after the undo: reinitialising it")
                         .arg(name, h.leader).arg(kSettleTimeoutMs / 1000));
        m_http->send("POST", restUrl(name, QStringLiteral("/reinitialize")), "{\"force\": true}", 5000, this,
                     [this, name](const HttpResult &r) {
                         if (!r.isSuccess())
                             addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("reinitialising %1 failed: %2")
                                                                                 .arg(name, explainHttpFailure(r, name + QStringLiteral("'s REST API"))));
                     });
    }
    checkHealthy(m_runClock.elapsed() + kHealthyTimeoutMs, [this](const LabHealth &again) { afterRecovery(again); },
                 [this](const LabHealth &again) {
                     m_report.error = QStringLiteral("the lab is not healthy after the run, even after reinitialising %1: %2")
                                              .arg(m_report.reinitialised.join(QStringLiteral(", ")),
                                                   again.problems.join(QStringLiteral("; ")));
                     afterRecovery(again);
                 });
}

void ChaosRunner::afterRecovery(const LabHealth &h)
{
    m_report.newLeader = h.leader.isEmpty() ? m_currentLeaderKey : h.leader;
    if (const PatroniMember *l = h.cluster.leader())
        m_report.newTimeline = l->timeline;
    restoreConfig([this] { checkRpo(); });
}

void ChaosRunner::restoreConfig(std::function<void()> then)
{
    QJsonObject patch;
    if (m_restoreSync)
        patch.insert(QStringLiteral("synchronous_mode"), *m_restoreSync);
    if (m_restoreFailsafe)
        patch.insert(QStringLiteral("failsafe_mode"), *m_restoreFailsafe);
    if (patch.isEmpty()) {
        then();
        return;
    }
    putConfigBack(patch, m_runClock.elapsed() + kRestoreTimeoutMs, std::move(then));
}

// Right after etcd regains its quorum Patroni may refuse the PATCH for a moment: try again until
// the deadline, and make a configuration left changed an error of the run, never a silent one.
void ChaosRunner::putConfigBack(const QJsonObject &patch, qint64 deadlineMs, std::function<void()> then)
{
    const QByteArray body = QJsonDocument(patch).toJson(QJsonDocument::Compact);
    const QString leader = m_report.newLeader.isEmpty() ? m_report.oldLeader : m_report.newLeader;
    m_http->send("PATCH", restUrl(leader, QStringLiteral("/config")), body, 5000, this,
                 [this, patch, body, deadlineMs, leader, then](const HttpResult &r) {
                     if (r.isSuccess()) {
                         m_restoreSync.reset();
                         m_restoreFailsafe.reset();
                         addEvent(clockMs(), QStringLiteral("chaos"),
                                  QStringLiteral("configuration put back: PATCH /config %1").arg(QString::fromUtf8(body)));
                         then();
                         return;
                     }
                     const QString why = explainHttpFailure(r, leader + QStringLiteral("'s REST API"));
                     if (m_runClock.elapsed() < deadlineMs) {
                         QTimer::singleShot(1000, this, [this, patch, deadlineMs, then] { putConfigBack(patch, deadlineMs, then); });
                         return;
                     }
                     const QString error = QStringLiteral("could not put the configuration back (PATCH /config %1): %2; "
                                                          "set it by hand with `pgha config set %3`")
                                                   .arg(QString::fromUtf8(body), why,
                                                        patch.keys().join(QStringLiteral("=… ")) + QStringLiteral("=…"));
                     addEvent(clockMs(), QStringLiteral("chaos"), error);
                     if (m_report.error.isEmpty())
                         m_report.error = error;
                     m_restoreSync.reset();
                     m_restoreFailsafe.reset();
                     then();
                 });
}

void ChaosRunner::checkRpo()
{
    setStage(QStringLiteral("reading the acknowledged writes back from %1").arg(m_report.newLeader));
    QList<qint64> acked;
    for (const auto &a : m_write->acks())
        acked.append(a.id);
    m_report.rpo.acknowledged = static_cast<int>(acked.size());
    if (m_report.newLeader.isEmpty()) {
        m_report.rpo.note = QStringLiteral("no leader to read back from");
        finish();
        return;
    }
    if (acked.isEmpty()) {
        m_report.rpo.note = QStringLiteral("no write was acknowledged");
        checkHistory();
        return;
    }
    const qint64 lo = *std::min_element(acked.cbegin(), acked.cend());
    const qint64 hi = *std::max_element(acked.cbegin(), acked.cend());
    auto *q = new PgQuery(directEndpoint(m_report.newLeader),
                          QStringLiteral("SELECT id FROM %1 WHERE id BETWEEN %2 AND %3").arg(QLatin1String(WriteProbe::kTable)).arg(lo).arg(hi),
                          10000, this);
    connect(q, &PgQuery::finished, this, [this, q, acked](const PgResult &r) {
        q->deleteLater();
        if (!r.ok) {
            m_report.rpo.note = QStringLiteral("reading back from %1 failed: %2").arg(m_report.newLeader, r.error);
        } else {
            QList<qint64> present;
            for (const auto &row : r.rows)
                present.append(row.value(0).toLongLong());
            const QList<qint64> missing = missingIds(acked, present);
            m_report.rpo.checked = true;
            m_report.rpo.checkedOn = m_report.newLeader;
            m_report.rpo.missing = static_cast<int>(missing.size());
            m_report.rpo.missingIds = missing.mid(0, 100);
        }
        checkHistory();
    });
    q->start();
}

void ChaosRunner::checkHistory()
{
    const bool switched = m_report.oldTimeline && m_report.newTimeline && *m_report.newTimeline > *m_report.oldTimeline;
    if (!switched || m_faultAtMs < 0) {
        finish();
        return;
    }
    m_http->get(restUrl(m_report.newLeader, QStringLiteral("/history")), 3000, this, [this](const HttpResult &r) {
        const auto history = r.isSuccess() ? parsePatroniHistory(r.body) : Result<QList<TimelineSwitch>>(makeError(r.error));
        const WriteProbe::Ack *last = m_write->lastAckBefore(m_faultAtMs + 1);
        if (history && last) {
            for (const auto &s : history.value())
                if (s.timeline == *m_report.oldTimeline)
                    if (const auto lsn = parseLsn(last->lsn))
                        m_report.rpo.lsnGapBytes = std::max<qint64>(0, *lsn - s.lsn);
        }
        if (!m_report.rpo.lsnGapBytes)
            m_report.rpo.note += (m_report.rpo.note.isEmpty() ? QString() : QStringLiteral("; "))
                                 + QStringLiteral("no WAL gap: GET /history %1").arg(history ? QStringLiteral("has no switch from timeline %1").arg(*m_report.oldTimeline) : r.error);
        finish();
    });
}

void ChaosRunner::onTransition(const PhaseTracker::Transition &t)
{
    QString text;
    if (t.source == u"etcd leader key") {
        m_currentLeaderKey = t.value;
        text = t.value.isEmpty() ? QStringLiteral("leader key gone") : QStringLiteral("leader key held by %1").arg(t.value);
    } else if (t.source == u"etcd") {
        text = t.value == u"answers" ? QStringLiteral("etcd answers") : QStringLiteral("no etcd member answers (no quorum or all down)");
    } else if (t.source.endsWith(u" /primary")) {
        text = t.value == u"200" ? QStringLiteral("%1 answers 200 on /primary").arg(t.subject)
                                 : QStringLiteral("%1 /primary: %2").arg(t.subject, t.value);
    } else if (t.source == u"HAProxy") {
        text = t.value == u"answers" ? QStringLiteral("HAProxy stats answer") : QStringLiteral("HAProxy stats do not answer");
    } else {
        text = QStringLiteral("HAProxy marks %1 %2 for writes").arg(t.subject, t.value);
    }
    addEvent(t.atMs, t.source.section(u' ', 0, 0), text);
}

void ChaosRunner::onWrite(bool ok, qint64 atMs, const QString &error)
{
    if (!ok) {
        m_report.writes.lastError = error;
        if (m_faultAtMs >= 0 && m_firstFailAfterFault < 0 && atMs >= m_faultAtMs)
            m_firstFailAfterFault = atMs;
        if (!m_writesFailing)
            addEvent(atMs, QStringLiteral("probe"), QStringLiteral("writes fail: %1").arg(error.section(u'\n', 0, 0)));
        m_writesFailing = true;
        return;
    }
    if (m_writesFailing)
        addEvent(atMs, QStringLiteral("probe"), QStringLiteral("writes acknowledged again"));
    m_writesFailing = false;
}

void ChaosRunner::onRead(const ReadProbe::Answer &a)
{
    if (a.ok) {
        const QString who = memberForPort(a.serverPort);
        if (!m_report.reads.answeredBy.contains(who))
            m_report.reads.answeredBy.append(who);
        if (m_readsFailing)
            addEvent(a.atMs, QStringLiteral("probe"), QStringLiteral("reads answered again (by %1)").arg(who));
        m_readsFailing = false;
        return;
    }
    if (!m_readsFailing)
        addEvent(a.atMs, QStringLiteral("probe"), QStringLiteral("reads fail: %1").arg(a.error.section(u'\n', 0, 0)));
    m_readsFailing = true;
}

void ChaosRunner::buildPhases()
{
    auto rel = [this](qint64 abs) { return std::optional<qint64>(abs - m_faultAtMs); };
    auto phase = [&](const QString &key, const QString &title, const PhaseTracker::Transition *t) {
        m_report.phases.append({key, title, t ? rel(t->atMs) : std::nullopt, t ? t->source : QString()});
    };
    const QString oldLeader = m_report.oldLeader;
    // The member that took over first (a thawed old primary may have taken the key back since).
    QString newLeader = m_report.newLeader;
    if (m_tracker)
        if (const auto *t = m_tracker->firstAfter(m_faultAtMs, [&](const auto &tr) {
                return tr.source == u"etcd leader key" && !tr.value.isEmpty() && tr.value != oldLeader;
            }))
            newLeader = t->value;
    if (m_tracker && m_fault->expectsFailover) {
        phase(QStringLiteral("haproxy_old_down"), QStringLiteral("HAProxy marks the old primary DOWN"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) { return t.source == QStringLiteral("HAProxy ") + oldLeader && t.value == u"DOWN"; }));
        phase(QStringLiteral("leader_key_gone"), QStringLiteral("leader key gone in etcd"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) { return t.source == u"etcd leader key" && t.value.isEmpty(); }));
        phase(QStringLiteral("new_leader_key"), QStringLiteral("new leader key written"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) {
                  return t.source == u"etcd leader key" && !t.value.isEmpty() && t.value != oldLeader;
              }));
        phase(QStringLiteral("new_primary_200"), QStringLiteral("/primary answers 200 on the new leader"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) {
                  return t.source.endsWith(u" /primary") && t.value == u"200" && t.subject != oldLeader;
              }));
        phase(QStringLiteral("haproxy_new_up"), QStringLiteral("HAProxy marks the new primary UP"),
              newLeader.isEmpty() || newLeader == oldLeader
                      ? nullptr
                      : m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) { return t.source == QStringLiteral("HAProxy ") + newLeader && t.value == u"UP"; }));
    } else if (m_tracker) {
        // Not a failover, but a leader key that moves is worth a line of its own.
        phase(QStringLiteral("new_leader_key"), QStringLiteral("leader key moved"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) {
                  return t.source == u"etcd leader key" && !t.value.isEmpty() && t.value != oldLeader;
              }));
    }
    m_report.phases.append({QStringLiteral("first_failed_write"), QStringLiteral("first failed write"),
                            m_firstFailAfterFault >= 0 ? rel(m_firstFailAfterFault) : std::nullopt, QString()});
    m_report.phases.append({QStringLiteral("undo"), QStringLiteral("fault undone"), m_undoAtMs >= 0 ? rel(m_undoAtMs) : std::nullopt,
                            m_fault->undo});
    // Whether the outage ended when the cluster came back or when the client tried again: the
    // write that ended it, when it was sent and how long it waited.
    QString firstWriteDetail;
    if (m_report.rtoMs)
        if (const WriteProbe::Ack *a = m_write->firstAckFrom(m_faultAtMs + *m_report.rtoMs))
            firstWriteDetail = QStringLiteral("sent at %1, answered %2 ms later")
                                       .arg(formatSeconds(a->sentMs - m_faultAtMs))
                                       .arg(a->atMs - a->sentMs);
    m_report.phases.append({QStringLiteral("first_write"), QStringLiteral("first acknowledged write after the outage"),
                            m_report.rtoMs, firstWriteDetail});
}

void ChaosRunner::finish()
{
    if (m_finished)
        return;
    m_ticker.stop();
    if (m_write && m_faultAtMs >= 0) {
        QList<qint64> times;
        for (const auto &a : m_write->acks())
            times.append(a.atMs);
        const Outage o = measureOutage(times, m_faultAtMs, m_probesStoppedAtMs >= 0 ? m_probesStoppedAtMs : m_write->nowMs());
        m_report.rtoMs = o.rtoMs;
        m_report.writeGapMs = o.gapMs;
        m_report.writeGapStartMs = o.startMs;
        m_report.undoAtMs = m_undoAtMs >= 0 ? std::optional<qint64>(m_undoAtMs - m_faultAtMs) : std::nullopt;
        if (m_tracker)
            for (const auto &t : m_tracker->transitions())
                if (t.source == u"etcd leader key" && t.atMs >= m_faultAtMs)
                    m_report.leaderHistory.append({t.atMs - m_faultAtMs, t.value});
        buildPhases();
    }
    if (m_write) {
        m_report.writes.sent = m_write->sentCount();
        m_report.writes.acknowledged = m_write->acknowledgedCount();
        m_report.writes.failed = m_write->failedCount();
    }
    if (m_read) {
        m_report.reads.attempted = static_cast<int>(m_read->answers().size());
        m_report.reads.succeeded = m_read->okCount();
        m_report.reads.longestGapMs = m_faultAtMs >= 0 ? m_read->longestGapMs(m_faultAtMs) : -1;
    }
    const qint64 base = m_faultAtMs >= 0 ? m_faultAtMs : 0;
    for (auto &e : m_report.events)
        e.atMs -= base;
    std::stable_sort(m_report.events.begin(), m_report.events.end(), [](const auto &a, const auto &b) { return a.atMs < b.atMs; });
    if (m_report.error.isEmpty() && m_fault) {
        m_report.expectations = judgeRun(m_fault->kind, m_report);
        bool all = !m_report.expectations.isEmpty();
        for (const auto &e : m_report.expectations)
            all = all && e.passed;
        m_report.verdict = all ? QStringLiteral("PASS") : QStringLiteral("FAIL");
    } else {
        m_report.verdict = QStringLiteral("ERROR");
    }
    m_finished = true;
    m_running = false;
    ++m_generation;
    emit finished(m_report);
}

void ChaosRunner::fail(const QString &error)
{
    if (m_finished)
        return;
    m_report.error = error;
    m_wait.reset();
    // Undo what was done, put the configuration back, then report.
    if (m_injected && !m_undone) {
        m_undone = true;
        for (qint64 pid : std::as_const(m_frozen))
            proc::signalProcess(pid, SIGCONT);
        m_frozen.clear();
        for (const QString &v : std::as_const(m_victims))
            labmember::relaunch(m_labDir, v);
    }
    stopProbes();
    if (m_restoreSync || m_restoreFailsafe) {
        restoreConfig([this] { finish(); });
        return;
    }
    finish();
}

void ChaosRunner::cancel()
{
    if (!m_running || m_finished)
        return;
    m_cancelled = true;
    fail(QStringLiteral("cancelled"));
}

} // namespace pgha::svc

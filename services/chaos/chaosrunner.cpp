#include "chaos/chaosrunner.h"

#include "chaos/commandfaults.h"
#include "chaos/expectations.h"
#include "chaos/measurement.h"
#include "chaos/containerfaults.h"
#include "chaos/nativefaults.h"
#include "core/logging.h"
#include "etcd/etcdtypes.h"
#include "haproxy/haproxystats.h"
#include "http/httpclient.h"
#include "lab/labmembercontrol.h"
#include "lab/labtls.h"
#include "process/procutil.h"

#include <QDateTime>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace pgha::svc {

ChaosRunner::ChaosRunner(QString labDir, ChaosOptions options, HttpClient *http, QObject *parent)
    : QObject(parent), m_labDir(std::move(labDir)), m_options(std::move(options)), m_http(http), m_patroni(http)
{
    m_ticker.setInterval(kTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &ChaosRunner::tick);
    // A live load chart marks the fault at once, not with pgbench's next second (which may be
    // many seconds away while its clients have lost the server).
    connect(this, &ChaosRunner::faultInjected, this, [this] {
        if (m_pgbench && m_loadStartMs >= 0) {
            const qint64 at = (m_faultAtMs >= 0 ? m_faultAtMs : clockMs()) - m_loadStartMs;
            emit loadSample(static_cast<double>(at) / 1000.0, -1, static_cast<double>(at) / 1000.0);
        }
    });
}

ChaosRunner::ChaosRunner(Profile profile, ChaosOptions options, HttpClient *http, QObject *parent)
    : ChaosRunner(profile.labDir, std::move(options), http, parent)
{
    if (m_labDir.isEmpty())
        m_profile = std::move(profile);
}

ChaosRunner::~ChaosRunner()
{
    // Never leave a lab frozen or half broken behind: a destroyed runner still undoes its fault.
    if (!m_undone && !m_frozen.isEmpty())
        nativefaults::thaw(m_frozen);
    if (!m_undone && m_containers)
        m_containers->undoDetached(m_pausedContainer, m_stalledContainer, m_partitionedContainer,
                                   m_victims.value(0));
    // pgbench, a child, is killed with this runner; its logs go now.
    if (!m_loadDir.isEmpty())
        QDir(m_loadDir).removeRecursively();
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
    if (!m_fault) {
        fail(QStringLiteral("no fault named \"%1\"; `pgha chaos list` shows them").arg(m_options.faultId));
        return;
    }
    m_report.faultTitle = m_fault->title;
    m_report.faultWhat = m_fault->what;
    askEnvironment();
    if (isExternalFault(m_fault->kind) && m_options.injectCommand.trimmed().isEmpty()) {
        fail(QStringLiteral("%1 needs the command that injects it (--inject 'docker kill $PGHA_TARGET', say)").arg(m_fault->id));
        return;
    }
    if (m_profile) {
        m_report.flavor = QStringLiteral("profile");
        m_report.cluster = m_profile->sourceFile.isEmpty() ? m_profile->name : m_profile->sourceFile;
        const FaultAvailability available = faultAvailability(*m_fault, chaosEnvironmentFor(*m_profile));
        if (!available.available) {
            fail(QStringLiteral("%1 is not available: %2").arg(m_fault->id, available.reason));
            return;
        }
        if (m_profile->patroni.isEmpty()) {
            fail(QStringLiteral("the profile names no Patroni REST API (`patroni:`): the console cannot find the members"));
            return;
        }
        if (m_options.synchronousMode && !m_profile->actionsEnabled) {
            fail(QStringLiteral("--sync changes the cluster's configuration, and this profile has actions_enabled off; "
                                "set `actions_enabled: true` in it, or run without --sync"));
            return;
        }
        setStage(QStringLiteral("reading the cluster through its Patroni REST API"));
        startOnProfile(0);
        return;
    }
    startOnLab();
}

void ChaosRunner::startOnLab()
{
    auto state = labmember::loadRunning(m_labDir);
    if (!state) {
        fail(state.error().toString());
        return;
    }
    m_state = state.value();
    m_cluster = chaosClusterForLab(m_state, m_labDir);
    m_report.flavor = m_state.flavor;
    m_report.cluster = m_cluster.description;
    if (m_state.flavor == u"docker" && !m_containers && !isExternalFault(m_fault->kind))
        m_containers = new ContainerFaults(this);
    const ChaosEnvironment env{true, m_labDir, m_state.flavor, true, false, true};
    const FaultAvailability available = faultAvailability(*m_fault, env);
    if (!available.available) {
        fail(QStringLiteral("%1 is not available: %2").arg(m_fault->id, available.reason));
        return;
    }
    for (const auto &o : labHttpSecurity(m_state.config, m_state.secrets))
        m_http->setSecurity(o.origin, o.security);
    setStage(QStringLiteral("checking that the lab is healthy"));
    checkHealthy(m_runClock.elapsed() + kHealthyTimeoutMs, [this](const LabHealth &h) {
        rememberStart(h);
        readConfig();
    });
}

void ChaosRunner::rememberStart(const LabHealth &h)
{
    m_startHealth = h;
    m_report.oldLeader = h.leader;
    if (const PatroniMember *l = h.cluster.leader())
        m_report.oldTimeline = l->timeline;
    m_report.paused = h.cluster.paused;
}

void ChaosRunner::checkHealthy(qint64 deadlineMs, std::function<void(const LabHealth &)> then,
                               std::function<void(const LabHealth &)> onTimeout)
{
    auto *check = new LabHealthCheck(m_cluster.healthTargets(), m_http, this);
    connect(check, &LabHealthCheck::finished, this, [this, check, deadlineMs, then, onTimeout](const LabHealth &h) {
        check->deleteLater();
        if (m_finished)
            return;
        // Healthy, with both replicas streaming: a run on a lab still recovering from the last one
        // would measure that recovery, not the fault.
        if (h.healthy && h.streamingReplicas.size() >= m_cluster.members.size() - 1) {
            then(h);
            return;
        }
        if (m_runClock.elapsed() >= deadlineMs || m_cancelled) {
            if (onTimeout && !m_cancelled)
                onTimeout(h);
            else
                fail(QStringLiteral("%1 is not healthy: %2").arg(m_cluster.description, h.problems.join(QStringLiteral("; "))));
            return;
        }
        QTimer::singleShot(1000, this, [this, deadlineMs, then, onTimeout] { checkHealthy(deadlineMs, then, onTimeout); });
    });
    check->start();
}

// The member whose PostgreSQL answered the read probe: by address and port, else by the port
// alone when one member has it (the Docker lab's members all say 5432 from inside).
QString ChaosRunner::memberAnswering(const QString &address, int port) const
{
    if (const QString m = m_cluster.memberAt(address, port); !m.isEmpty())
        return m;
    QStringList byPort;
    for (const auto &m : m_cluster.members)
        if (m.postgres.port == port)
            byPort << m.name;
    return byPort.size() == 1 ? byPort.front() : QStringLiteral("%1:%2").arg(address).arg(port);
}

void ChaosRunner::readConfig()
{
    setStage(QStringLiteral("reading Patroni's configuration"));
    m_patroni.config(m_cluster.api(m_report.oldLeader), kRestConfigTimeoutMs, this,
                     [this](const PatroniReply<PatroniDynamicConfig> &reply) {
        const auto &config = reply.result;
        if (!config) {
            fail(QStringLiteral("cannot read GET /config: %1").arg(config.error().message));
            return;
        }
        const auto &c = config.value();
        m_report.ttl = c.effectiveTtl();
        m_report.loopWait = c.effectiveLoopWait();
        m_report.retryTimeout = c.effectiveRetryTimeout();
        // The lab's presets name the lab's timings; another cluster's are only numbers.
        if (m_cluster.builtInLab)
            m_report.preset = LabTimings::presetMatching(m_report.ttl, m_report.loopWait, m_report.retryTimeout);
        m_report.synchronousMode = c.synchronousMode;
        m_report.failsafeMode = c.failsafeMode;
        configure();
    });
}

void ChaosRunner::patchConfig(const QJsonObject &patch, std::function<void(bool)> then)
{
    const QByteArray body = QJsonDocument(patch).toJson(QJsonDocument::Compact);
    m_patroni.patchConfig(m_cluster.api(m_report.oldLeader), patch, kRestWriteTimeoutMs, this,
                          [this, body, then](const PatroniReply<PatroniAnswer> &reply) {
                              if (!reply.ok()) {
                                  fail(QStringLiteral("PATCH /config %1 failed: %2")
                                               .arg(QString::fromUtf8(body), reply.result.error().message));
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
            m_patroni.cluster(m_cluster.api(leader), kRestStatusTimeoutMs, this,
                              [seen, busy](const PatroniReply<ClusterSnapshot> &reply) {
                *busy = false;
                if (const auto &c = reply.result) {
                    bool sync = false;
                    for (const auto &m : c.value().members)
                        sync = sync || m.role == MemberRole::SyncStandby || m.role == MemberRole::QuorumStandby;
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
    // The budget, with the configuration this run has (synchronous_mode may have just been set).
    // Paused, no failover is expected: there is no failover budget to meet.
    const Budget b = m_fault->expectsFailover && m_report.paused
            ? Budget{}
            : faultBudget(m_fault->kind,
                          {m_report.ttl, m_report.loopWait, m_report.retryTimeout, m_report.synchronousMode}, m_cluster.haproxyCheck);
    m_report.haproxyInterMs = m_cluster.haproxyCheck.interMs;
    m_report.haproxyFall = m_cluster.haproxyCheck.fall;
    m_report.haproxyRise = m_cluster.haproxyCheck.rise;
    m_report.budgetMs = b.ms;
    m_report.budgetFormula = b.formula;
    if (b.ms && !m_cluster.haproxyCheckKnown)
        m_report.budgetFormula += QStringLiteral(" (HAProxy's check timings are not in its stats: its defaults assumed)");
    setStage(QStringLiteral("starting the write and read probes"));
    m_write = std::make_unique<WriteProbe>(m_cluster.readWrite);
    m_write->setIntervalMs(m_options.writeIntervalMs);
    connect(m_write.get(), &WriteProbe::acknowledged, this, [this](qint64, qint64 at) { onWrite(true, at, {}); });
    connect(m_write.get(), &WriteProbe::writeFailed, this, [this](qint64, qint64 at, const QString &e) { onWrite(false, at, e); });
    m_write->start();
    m_probeEpochMs = QDateTime::currentMSecsSinceEpoch() - m_write->nowMs();
    if (m_options.load)
        startLoad();
    m_read = std::make_unique<ReadProbe>(m_cluster.readOnly);
    m_read->setIntervalMs(m_options.readIntervalMs);
    connect(m_read.get(), &ReadProbe::answered, this, &ChaosRunner::onRead);
    m_read->start(m_write->clock());

    PhaseTracker::Sources sources;
    for (const auto &m : std::as_const(m_cluster.members))
        sources.members.append(m.api);
    sources.etcd = m_cluster.etcd;
    sources.leaderKey = m_cluster.leaderKey;
    sources.etcdV2 = m_cluster.etcdV2;
    sources.haproxyStats = m_cluster.haproxyStats;
    sources.readWriteProxy = m_cluster.haproxyReadWriteProxy;
    sources.serverMembers = m_cluster.haproxyServerMembers;
    m_tracker = new PhaseTracker(sources, m_http, m_write->clock(), this);
    connect(m_tracker, &PhaseTracker::transition, this, &ChaosRunner::onTransition);
    connect(m_tracker, &PhaseTracker::learned, this, [this](const QString &server, const QString &member) {
        addEvent(clockMs(), QStringLiteral("HAProxy"), QStringLiteral("%1 is %2's: the one member answering 200 on /primary as "
                                                                      "HAProxy marked it UP").arg(server, member));
    });
    m_tracker->start();

    const int warmUpLimitMs = 20000 + (m_options.load ? m_options.load->leadS * 1000 : 0);
    waitUntil(warmUpLimitMs, [this] {
        return m_write->nowMs() >= kWarmUpMs && m_write->acknowledgedCount() >= 10 && loadWarmedUp();
    }, [this](bool ok) {
        if (!ok && m_options.load && m_write->acknowledgedCount() >= 10) {
            fail(QStringLiteral("the load did not reach %1 s of steady pgbench before the fault (%2)")
                         .arg(m_options.load->leadS)
                         .arg(m_loadResult ? m_loadResult->error : QStringLiteral("no progress from pgbench")));
            return;
        }
        if (!ok) {
            fail(QStringLiteral("the write probe could not write through the read-write entry point %1:%2: %3")
                         .arg(m_cluster.readWrite.host).arg(m_cluster.readWrite.port).arg(m_write->lastError()));
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
    case FaultKind::ExternalReplica:
        m_victims = {m_options.target.isEmpty() ? replicas.value(0) : m_options.target};
        if (!m_cluster.member(m_victims.front())) {
            fail(QStringLiteral("the cluster has no member named %1").arg(m_victims.front()));
            return;
        }
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
            m_http->postJson(m_state.config.url(m_state.config.ports.etcdClient[i], QStringLiteral("/v3/maintenance/status")),
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
    if (isExternalFault(kind)) {
        injectByCommand();
        return;
    }
    const LabState::Process *first = m_state.process(m_victims.front());
    if (!first) {
        fail(QStringLiteral("the lab has no process named %1").arg(m_victims.front()));
        return;
    }
    if (m_containers) {
        injectInContainers();
        return;
    }
    QString what;
    switch (kind) {
    case FaultKind::StallThenCrash: {
        // Thawed if the run ends during the stall; they die with the crash otherwise.
        addEvent(clockMs(), QStringLiteral("chaos"), nativefaults::freezeWalSenders(*first, &m_frozen));
        setStage(QStringLiteral("replication stalled on %1 for %2 s").arg(first->name).arg(kStallMs / 1000));
        QTimer::singleShot(kStallMs, this, [this] {
            if (m_finished)
                return;
            m_frozen.clear();
            m_faultAtMs = clockMs();
            m_injected = true;
            addEvent(m_faultAtMs, QStringLiteral("chaos"), nativefaults::crash(*m_state.process(m_victims.front())));
            emit faultInjected(m_report.target);
            observe();
        });
        return;
    }
    case FaultKind::StopPrimary:
        what = nativefaults::stopGracefully(*first);
        break;
    case FaultKind::FreezePrimary:
    case FaultKind::FreezeReplica:
        what = nativefaults::freeze(*first, &m_frozen);
        break;
    default: {
        QStringList parts;
        for (const QString &v : std::as_const(m_victims))
            if (const LabState::Process *p = m_state.process(v))
                parts << nativefaults::crash(*p);
        what = parts.join(QStringLiteral("; "));
    }
    }
    m_faultAtMs = clockMs();
    m_injected = true;
    addEvent(m_faultAtMs, QStringLiteral("chaos"), what);
    emit faultInjected(m_report.target);
    observe();
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
        if (const PhaseTracker *tracker = m_tracker.data())
            for (const auto &t : tracker->transitions())
                if (t.source == u"etcd leader key" && t.atMs >= m_faultAtMs)
                    m_report.leaderHistory.append({t.atMs - m_faultAtMs, t.value});
        buildPhases();
    }
    if (m_options.load && m_faultAtMs >= 0) {
        if (m_loadResult) {
            m_report.load = analyzeLoad(*m_loadResult, m_probeEpochMs + m_faultAtMs);
            if (m_historyAfter && *m_historyAfter >= 0) {
                const qint64 rows = *m_historyAfter;
                m_report.load->historyRows = rows;
                m_report.load->lostTransactions = std::max<qint64>(0, m_report.load->committed - rows);
                m_report.load->unacknowledgedRows = std::max<qint64>(0, rows - m_report.load->committed);
            }
        } else {
            m_report.load = ChaosLoadReport{};
            m_report.load->workload = describeWorkload(m_options.load->workload);
            m_report.load->error = QStringLiteral("pgbench gave no result");
        }
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
    auto rest = [this] {
        stopProbes();
        stopLoad([this] {
            if (m_restoreSync || m_restoreFailsafe) {
                restoreConfig([this] { finish(); });
                return;
            }
            finish();
        });
    };
    if (m_containers && !m_undone
        && (m_injected || !m_pausedContainer.isEmpty() || !m_stalledContainer.isEmpty() || !m_partitionedContainer.isEmpty())) {
        m_undone = true;
        undoContainers([this, rest](const QStringList &done) {
            addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("undo after the error: %1").arg(done.join(QStringLiteral("; "))));
            rest();
        });
        return;
    }
    if (m_fault && isExternalFault(m_fault->kind) && !m_undone && m_injected && !m_options.undoCommand.isEmpty()) {
        m_undone = true;
        undoByCommand([this, rest](const QString &sentence) {
            addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("undo after the error: %1").arg(sentence));
            rest();
        });
        return;
    }
    if (!m_undone && (m_injected || !m_frozen.isEmpty()) && !isExternalFault(m_fault->kind)) {
        m_undone = true;
        QStringList done{nativefaults::thaw(m_frozen)};
        m_frozen.clear();
        if (m_injected && m_fault->kind != FaultKind::FreezePrimary && m_fault->kind != FaultKind::FreezeReplica)
            for (const QString &v : std::as_const(m_victims))
                done << nativefaults::restart(m_labDir, v);
        addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("undo after the error: %1").arg(done.join(QStringLiteral("; "))));
    }
    rest();
}

void ChaosRunner::cancel()
{
    if (!m_running || m_finished)
        return;
    m_cancelled = true;
    fail(QStringLiteral("cancelled"));
}

} // namespace pgha::svc

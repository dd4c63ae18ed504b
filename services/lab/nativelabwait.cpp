// How the native lab waits for its processes while it starts — etcd's quorum, the proxies'
// ports, each Patroni member's state — and what each stage of the start took (the breakdown).
#include "lab/nativelab.h"

#include "http/httpclient.h"
#include "patroni/patroniclient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace pgha::svc {

namespace {

// etcd's /health waits for a raft leader while there is none: a short timeout asks again soon.
constexpr int kEtcdProbeTimeoutMs = 500;
// Patroni's REST API stalls while its member bootstraps; a request closed early makes Patroni log
// a traceback (BrokenPipe), and its answer comes as soon as it can anyway.
constexpr int kPatroniProbeTimeoutMs = 3000;
// etcd serves Patroni once a majority of its members runs; the last one catches up meanwhile.
constexpr int kEtcdQuorum = kLabMembers / 2 + 1;

bool isProxy(LabComponentKind kind)
{
    return kind != LabComponentKind::Etcd && kind != LabComponentKind::Patroni;
}

QString replicaStage(const QString &member)
{
    return QStringLiteral("replica:") + member;
}

} // namespace

QString NativeLab::proxiesDescription() const
{
    QString d = QStringLiteral("PgBouncer ×%1, HAProxy, postgres_exporter ×%1").arg(kLabMembers);
    if (m_config.withPgpool)
        d += QStringLiteral(", Pgpool-II");
    return d;
}

void NativeLab::tickEtcd()
{
    if (m_stageClock.elapsed() > kEtcdTimeoutMs) {
        failStart(makeError(QStringLiteral("etcd did not report healthy within %1 s").arg(kEtcdTimeoutMs / 1000),
                            QStringLiteral("look at %1/logs/etcd*.log").arg(m_config.labDir)));
        return;
    }
    tickProxies();
    int healthy = 0;
    for (const auto &c : m_config.components()) {
        if (c.kind != LabComponentKind::Etcd)
            continue;
        if (m_components[c.name].state == LabComponentStatus::State::Ready)
            ++healthy;
        else
            probeEtcd(c);
    }
    // Patroni must not come before etcd answers: its client sleeps 5 s when etcd refuses it
    // ("waiting on etcd"). A quorum is enough; the members are asked in parallel.
    if (healthy >= kEtcdQuorum)
        launchMembers();
}

// One /health question in flight per etcd member. "true" means the member has a raft leader, so
// a majority of the cluster runs.
void NativeLab::probeEtcd(const LabComponent &c)
{
    if (m_asking.contains(c.name))
        return;
    m_asking.insert(c.name);
    const quint64 gen = m_generation;
    m_http->get(m_config.url(m_config.ports.etcdClient[c.index], QStringLiteral("/health")), kEtcdProbeTimeoutMs, this,
                [this, gen, name = c.name](const HttpResult &r) {
                    if (gen != m_generation)
                        return;
                    m_asking.remove(name);
                    if (m_stage != Stage::WaitEtcd && m_stage != Stage::WaitMembers)
                        return;
                    const auto doc = QJsonDocument::fromJson(r.body).object();
                    if (r.isSuccess() && doc.value(u"health").toString() == u"true")
                        setComponent(name, LabComponentStatus::State::Ready, QStringLiteral("healthy"));
                    else
                        setComponent(name, LabComponentStatus::State::Starting,
                                     r.transportOk() ? QStringLiteral("waiting for quorum") : QStringLiteral("not listening yet"));
                });
}

// The proxies are ready once they listen. Read from the kernel's socket table rather than by
// binding the port: a probe that binds could take the port from a proxy starting that instant.
void NativeLab::tickProxies()
{
    const auto listening = proc::listeningTcpPorts();
    bool all = true;
    for (const auto &c : m_config.components()) {
        if (!isProxy(c.kind) || m_components[c.name].state == LabComponentStatus::State::Ready)
            continue;
        const int port = c.ports.front().port;
        if (listening ? listening->contains(port) : proc::isPortInUse(m_config.host, port))
            setComponent(c.name, LabComponentStatus::State::Ready, QStringLiteral("listening on %1").arg(port));
        else
            all = false;
    }
    if (all)
        m_breakdown.end(QStringLiteral("proxies"), m_clock.elapsed());
}

void NativeLab::launchMembers()
{
    setStage(QStringLiteral("starting Patroni ×%1 (PostgreSQL %2)").arg(kLabMembers).arg(m_binaries.pgVersion), 25);
    beginStage(QStringLiteral("bootstrap"), m_reuseData ? QStringLiteral("first leader, from its data")
                                                        : QStringLiteral("bootstrap: initdb, leader"));
    for (const auto &c : m_config.components())
        if (c.kind == LabComponentKind::Patroni)
            if (auto ok = launch(c); !ok) {
                failStart(ok.error());
                return;
            }
    m_stage = Stage::WaitMembers;
    m_stageClock.start();
}

void NativeLab::tickMembers()
{
    tickProxies();
    int ready = 0;
    const auto components = m_config.components();
    for (const auto &c : components) {
        if (m_components[c.name].state == LabComponentStatus::State::Ready) {
            ++ready;
            continue;
        }
        if (c.kind == LabComponentKind::Etcd)
            probeEtcd(c);   // the member past the quorum
        if (c.kind != LabComponentKind::Patroni || m_asking.contains(c.name) || m_ticks % kPatroniEveryTicks != 0)
            continue;
        m_asking.insert(c.name);
        const quint64 gen = m_generation;
        m_http->get(patroniUrl(m_config.restUrl(c.index), PatroniEndpoint::Patroni), kPatroniProbeTimeoutMs,
                    this, [this, gen, name = c.name](const HttpResult &r) {
                        if (gen != m_generation)
                            return;
                        m_asking.remove(name);
                        if (m_stage != Stage::WaitMembers)
                            return;
                        const auto o = QJsonDocument::fromJson(r.body).object();
                        const QString state = o.value(u"state").toString();
                        const MemberRole role = normaliseRole(o.value(u"role").toString());
                        if (!r.transportOk())
                            setComponent(name, LabComponentStatus::State::Starting, lastLogMessage(name));
                        else if (state == u"running")
                            setComponent(name, LabComponentStatus::State::Ready, QStringLiteral("running as %1").arg(roleName(role)));
                        else
                            setComponent(name, LabComponentStatus::State::Starting,
                                         state.isEmpty() ? QStringLiteral("bootstrapping") : state);
                        if (r.transportOk()) {
                            notePatroniVersion(o.value(u"patroni").toObject().value(u"version").toString());
                            noteMember(name, role == MemberRole::Leader, state);
                        }
                    });
    }
    const int total = static_cast<int>(components.size());
    emit stageChanged(QStringLiteral("waiting for members: %1 of %2 ready").arg(ready).arg(total), 25 + 60 * ready / total);
    if (ready == total) {
        m_stage = Stage::Health;
        setStage(QStringLiteral("checking the data path: write through %1, read through %2")
                         .arg(m_config.ports.haproxyReadWrite).arg(m_config.ports.haproxyReadOnly), 90);
        runHealthCheck();
    }
}

// Patroni 3.2 and later keep no ttl below 20 and store the raised one in /config: the lab
// records what the first member to answer says it runs, as the Docker lab does from its
// release, so that status, budgets and waits say the truth.
void NativeLab::notePatroniVersion(const QString &version)
{
    if (version.isEmpty() || !m_patroniVersion.isEmpty())
        return;
    m_patroniVersion = version;
    if (const QString note = m_config.timings.raiseForPatroni(version, LabTimings::minTtlOf(version)); !note.isEmpty()) {
        emit message(note);
        m_state.config.timings = m_config.timings;   // the state holds its own copy of the config
        saveState(LabState::Phase::Starting);
    }
}

// What a member's answer says about the stages: the first leader running ends the bootstrap;
// each other member then has a stage of its own until it runs as a replica (from the leader on:
// its clone cannot begin before the leader key exists, and Patroni wakes on that key).
void NativeLab::noteMember(const QString &name, bool leader, const QString &state)
{
    const qint64 now = m_clock.elapsed();
    auto label = [this](const QString &member) {
        return m_reuseData ? QStringLiteral("%1: replica up").arg(member) : QStringLiteral("%1: basebackup, up").arg(member);
    };
    if (leader && state == u"running") {
        if (!m_leader.isEmpty())
            return;
        m_leader = name;
        m_breakdown.setNote(QStringLiteral("bootstrap"), QStringLiteral("%1 leads").arg(name));
        beginStage(QStringLiteral("replicas"), QStringLiteral("replicas running"));
        for (const auto &c : m_config.components())
            if (c.kind == LabComponentKind::Patroni && c.name != name
                && m_components[c.name].state != LabComponentStatus::State::Ready)
                m_breakdown.beginParallel(replicaStage(c.name), label(c.name), now);
        return;
    }
    if (leader)
        return;
    const QString key = replicaStage(name);
    if (state == u"creating replica") {
        m_breakdown.beginParallel(key, label(name), now);
        if (const auto *s = m_breakdown.stage(key); s && s->note.isEmpty())
            m_breakdown.setNote(key, QStringLiteral("basebackup seen at %1 s").arg(now / 1000.0, 0, 'f', 1));
    } else if (state == u"running") {
        // Running before the leader was seen (a restart from its data): since Patroni started.
        if (const auto *bootstrap = m_breakdown.stage(QStringLiteral("bootstrap")))
            m_breakdown.beginParallel(key, label(name), bootstrap->startMs);
        m_breakdown.end(key, now);
    }
}

} // namespace pgha::svc

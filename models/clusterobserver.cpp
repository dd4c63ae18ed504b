#include "clusterobserver.h"

#include "clustermodel.h"
#include "consistencywatchdog.h"
#include "etcd/etcdpoller.h"
#include "eventtimelinemodel.h"
#include "haproxy/haproxypoller.h"
#include "patroni/patronipoller.h"
#include "lab/labstate.h"
#include "pg/pgbouncerpoller.h"
#include "pg/pgpoller.h"
#include "sourcehealthmodel.h"

#include <QDateTime>

namespace pgha::models {

ClusterObserver::ClusterObserver(svc::HttpClient *http, QObject *parent)
    : QObject(parent),
      m_patroni(new svc::PatroniPoller(http, this)),
      m_haproxyPoller(new svc::HaproxyPoller(http, this)),
      m_etcdPoller(new svc::EtcdPoller(http, this)),
      m_pgPoller(new svc::PgPoller(http, this)),
      m_bouncerPoller(new svc::PgBouncerPoller(http, this)),
      m_cluster(new ClusterModel(this)),
      m_sources(new SourceHealthModel(this)),
      m_timeline(new EventTimelineModel(this)),
      m_watchdog(new ConsistencyWatchdog(this))
{
    connect(m_watchdog, &ConsistencyWatchdog::event, this, &ClusterObserver::record);
    for (svc::EndpointPoller *p : allPollers())
        connect(p, &svc::EndpointPoller::healthChanged, this, &ClusterObserver::onHealth);
    connect(m_patroni, &svc::PatroniPoller::snapshotReady, this, [this](const svc::ClusterSnapshot &s) {
        for (const auto &e : diffCluster(m_lastCluster, s, m_lagThreshold))
            record(e);
        if (m_lastCluster.members.isEmpty() && s.leader())
            record({s.fetchedAtMs, QStringLiteral("patroni"), ClusterEvent::Severity::Info, QStringLiteral("leader-changed"),
                    s.leader()->name, tr("%1 is the leader").arg(s.leader()->name)});
        m_lastCluster = s;
        m_cluster->setSnapshot(s);
        for (const auto &m : s.members)
            if (!m.isLeader() && m.lag.kind == svc::MemberLag::Kind::Bytes)
                m_series.append(QStringLiteral("lag_bytes:") + m.name, s.fetchedAtMs, static_cast<double>(m.lag.bytes));
        m_watchdog->report(ConsistencyWatchdog::kPatroni, s.leader() ? s.leader()->name : QString(), s.fetchedAtMs);
    });
    connect(m_patroni, &svc::PatroniPoller::roundFinished, this, [this](bool any, const QString &error) {
        // Nothing answered: the last good picture stays, marked stale (diffs continue from it).
        if (!any && !m_lastCluster.members.isEmpty())
            m_cluster->setStale(true);
        if (!any)
            m_watchdog->report(ConsistencyWatchdog::kPatroni, std::nullopt, QDateTime::currentMSecsSinceEpoch());
        emit patroniRoundFinished(any, error);
    });
    connect(m_haproxyPoller, &svc::HaproxyPoller::statsReady, this, [this](const QString &, const svc::HaproxyStats &stats) {
        for (const auto &e : diffHaproxy(m_haproxy, stats, QDateTime::currentMSecsSinceEpoch()))
            record(e);
        m_haproxy = stats;
        emit haproxyUpdated();
        // Which proxy carries writes: the profile's, else the one named like it.
        QString proxy = m_readWriteProxy;
        if (proxy.isEmpty())
            for (const auto &r : stats.rows)
                if (r.kind == svc::HaproxyRow::Kind::Server
                    && (r.proxy.contains(u"write") || r.proxy.contains(u"primary") || r.proxy.contains(u"master")
                        || r.proxy == u"rw"))
                    proxy = r.proxy;
        if (!proxy.isEmpty()) {
            QStringList up;
            for (const auto &r : stats.servers(proxy))
                if (r.isUp())
                    up.append(r.name);
            // Two servers UP for writes is itself a disagreement: report both.
            m_watchdog->report(ConsistencyWatchdog::kHaproxy, up.join(QStringLiteral(" + ")), QDateTime::currentMSecsSinceEpoch());
        }
    });
    connect(m_pgPoller, &svc::PgPoller::observed, this, [this](const svc::PgNodeObservation &o) {
        m_postgres.insert(o.name, o);
        for (const auto &w : o.replication) {
            // A NULL replay_lag means no WAL is flowing: with nothing left to replay, that is 0 s.
            const double seconds = w.replayLagS.value_or(w.replayLagBytes.value_or(1) == 0 ? 0.0 : -1.0);
            if (seconds >= 0)
                m_series.append(QStringLiteral("lag_seconds:") + w.applicationName, o.fetchedAtMs, seconds);
        }
        emit postgresUpdated();
    });
    // PostgreSQL votes once per round, when every node has answered: voting per answer would
    // read "no primary" whenever a replica happens to answer first.
    connect(m_pgPoller, &svc::EndpointPoller::roundFinished, this, [this](bool any) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (!any) {
            m_watchdog->report(ConsistencyWatchdog::kPostgres, std::nullopt, now);
            return;
        }
        QStringList primaries;
        for (const auto &n : std::as_const(m_postgres))
            if (!n.inRecovery && now - n.fetchedAtMs < 3 * m_pgPoller->intervalMs())
                primaries.append(n.name);
        m_watchdog->report(ConsistencyWatchdog::kPostgres, primaries.join(QStringLiteral(" + ")), now);
    });
    connect(m_bouncerPoller, &svc::PgBouncerPoller::observed, this, [this](const svc::PgBouncerObservation &o) {
        m_pgbouncers.insert(o.name, o);
        emit pgbouncersUpdated();
    });
    connect(m_etcdPoller, &svc::EtcdPoller::snapshotReady, this, [this](const svc::EtcdSnapshot &s) {
        for (const auto &e : diffEtcd(m_etcd, s))
            record(e);
        m_etcd = s;
        emit etcdUpdated();
        for (const auto &scope : s.scopes)
            if (m_scope.isEmpty() || scope.scope == m_scope) {
                m_watchdog->report(ConsistencyWatchdog::kDcs, scope.leader, s.fetchedAtMs);
                break;
            }
    });
}

void ClusterObserver::onHealth(const svc::SourceHealth &h)
{
    for (const auto &e : diffHealth(m_lastHealth.value(h.id), h, QDateTime::currentMSecsSinceEpoch()))
        record(e);
    m_lastHealth.insert(h.id, h);
    m_sources->update(h);
}

void ClusterObserver::setProfile(const svc::Profile &profile)
{
    stop();
    m_lastCluster = {};
    m_haproxy = {};
    m_etcd = {};
    m_lastHealth.clear();
    m_cluster->clear();
    m_sources->clear();
    QList<svc::EndpointPoller::Endpoint> patroni, etcd, haproxy;
    for (const auto &e : profile.patroni)
        patroni.append({e.name, e.url});
    for (const auto &e : profile.etcd)
        etcd.append({e.name, e.url});
    if (profile.haproxyStats.isValid() && !profile.haproxyStats.isEmpty())
        haproxy.append({QStringLiteral("haproxy"), profile.haproxyStats});
    m_patroni->setEndpoints(patroni);
    m_etcdPoller->setEndpoints(etcd);
    m_etcdPoller->setNamespace(profile.dcsNamespace);
    m_haproxyPoller->setEndpoints(haproxy);
    QList<svc::EndpointPoller::Endpoint> postgres;
    for (const auto &e : profile.postgres)
        postgres.append({e.name, e.url});
    m_pgPoller->setEndpoints(postgres);
    QList<svc::EndpointPoller::Endpoint> bouncers;
    for (const auto &e : profile.pgbouncers)
        bouncers.append({e.name, e.url});
    m_bouncerPoller->setEndpoints(bouncers);
    m_bouncerPoller->setCredentials(profile.readWrite.user, {});
    m_pgbouncers.clear();
    m_pgPoller->setCredentials(profile.readWrite.user, profile.readWrite.database, {});
    // The built-in lab's password lives in its 0600 state file; other profiles rely on
    // PGPASSFILE/~/.pgpass (and, later, the keychain) — never on the profile.
    if (profile.isBuiltInLab())
        if (const auto state = svc::LabState::load(profile.labDir))
        {
            m_pgPoller->setCredentials(QStringLiteral("postgres"), QStringLiteral("postgres"), state.value().secrets.superuser);
            m_bouncerPoller->setCredentials(QStringLiteral("postgres"), state.value().secrets.superuser);
        }
    m_postgres.clear();
    m_scope = profile.scope;
    m_readWriteProxy = profile.haproxyReadWriteProxy;
}

void ClusterObserver::setIntervalMs(int ms)
{
    for (svc::EndpointPoller *p : allPollers())
        p->setIntervalMs(ms);
}

void ClusterObserver::start()
{
    for (svc::EndpointPoller *p : activePollers())
        p->start();
}

void ClusterObserver::stop()
{
    for (svc::EndpointPoller *p : allPollers())
        p->stop();
}

void ClusterObserver::pollOnce()
{
    for (svc::EndpointPoller *p : activePollers())
        p->pollOnce();
}

QList<svc::EndpointPoller *> ClusterObserver::allPollers() const
{
    return {m_patroni, m_haproxyPoller, m_etcdPoller, m_pgPoller, m_bouncerPoller};
}

QList<svc::EndpointPoller *> ClusterObserver::activePollers() const
{
    QList<svc::EndpointPoller *> out;
    for (svc::EndpointPoller *p : allPollers())
        if (!p->endpoints().isEmpty())
            out.append(p);
    return out;
}

void ClusterObserver::record(const ClusterEvent &event)
{
    m_timeline->append(event);
    emit eventRecorded(event);
}

} // namespace pgha::models

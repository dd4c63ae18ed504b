#include "clusterobserver.h"

#include "clustermodel.h"
#include "consistencywatchdog.h"
#include "credentials/credentials.h"
#include "secrets/secretstore.h"
#include "etcd/etcdpoller.h"
#include "etcd/etcdwatcher.h"
#include "eventtimelinemodel.h"
#include "haproxy/haproxypoller.h"
#include "http/httpclient.h"
#include "metrics/metricspoller.h"
#include "patroni/patronipoller.h"
#include "pg/pgbouncerpoller.h"
#include "pg/pgpoller.h"
#include "pg/pgpoolpoller.h"
#include "pg/sqlsourcepoller.h"
#include "primaryvoices.h"
#include "sourcehealthmodel.h"

#include <QDateTime>

#include <tuple>
#include <utility>

namespace pgha::models {

namespace {
// Observations older than this many poll intervals no longer vote.
constexpr int kFreshIntervals = 3;
// Where a URL without a port points (Patroni's REST API, PostgreSQL).
constexpr int kPatroniRestPort = 8008;
constexpr int kPostgresPort = 5432;

QList<svc::EndpointPoller::Endpoint> toEndpoints(const QList<svc::Profile::Endpoint> &list)
{
    QList<svc::EndpointPoller::Endpoint> out;
    for (const auto &e : list)
        out.append({e.name, e.url});
    return out;
}
} // namespace

ClusterObserver::ClusterObserver(svc::HttpClient *http, QObject *parent)
    : QObject(parent),
      m_http(http),
      m_patroni(new svc::PatroniPoller(http, this)),
      m_haproxyPoller(new svc::HaproxyPoller(http, this)),
      m_etcdPoller(new svc::EtcdPoller(http, this)),
      m_etcdWatcher(new svc::EtcdWatcher(http, this)),
      m_pgPoller(new svc::PgPoller(http, this)),
      m_bouncerPoller(new svc::PgBouncerPoller(http, this)),
      m_metricsPoller(new svc::MetricsPoller(http, this)),
      m_pgpoolPoller(new svc::PgpoolPoller(http, this)),
      m_cluster(new ClusterModel(this)),
      m_sources(new SourceHealthModel(this)),
      m_timeline(new EventTimelineModel(this)),
      m_watchdog(new ConsistencyWatchdog(this)),
      m_countdownTicker(new QTimer(this))
{
    m_countdownTicker->setInterval(kCountdownTickMs);
    connect(m_countdownTicker, &QTimer::timeout, this, &ClusterObserver::followCountdown);
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
        discoverPostgres(s);
        updateLayout();
        for (const auto &m : s.members)
            if (!m.isLeader() && m.lag.kind == svc::MemberLag::Kind::Bytes)
                m_series.append(QStringLiteral("lag_bytes:") + m.name, s.fetchedAtMs, static_cast<double>(m.lag.bytes));
        m_watchdog->report(ConsistencyWatchdog::kPatroni, s.leader() ? s.leader()->name : QString(), s.fetchedAtMs);
    });
    connect(m_patroni, &svc::PatroniPoller::nodesReported, this, [this](const QList<svc::PatroniNodeReport> &nodes) {
        for (const auto &e : diffRoleChecks(m_patroniNodes, nodes))
            record(e);
        m_patroniNodes = nodes;
        m_watchdog->report(ConsistencyWatchdog::kPatroniPrimary, patroniPrimaryVoice(nodes, m_lastCluster), QDateTime::currentMSecsSinceEpoch());
        emit patroniNodesUpdated();
    });
    connect(m_patroni, &svc::PatroniPoller::configReady, this, [this](const svc::PatroniDynamicConfig &c) {
        for (const auto &e : diffConfig(m_config, c, QDateTime::currentMSecsSinceEpoch()))
            record(e);
        m_config = c;
        emit configUpdated();
    });
    connect(m_patroni, &svc::PatroniPoller::historyReady, this, [this](const QList<svc::TimelineSwitch> &h) {
        m_history = h;
        emit historyUpdated();
    });
    connect(m_patroni, &svc::PatroniPoller::membersDiscovered, this, &ClusterObserver::onDiscovered);
    connect(m_patroni, &svc::PatroniPoller::foreignScope, this,
            [this](const QString &label, const QUrl &base, const QString &scope, const QString &watched) {
                record({QDateTime::currentMSecsSinceEpoch(), QStringLiteral("patroni"), ClusterEvent::Severity::Warning,
                        QStringLiteral("foreign-scope"), label,
                        tr("%1 (%2) answers for Patroni scope \"%3\", not \"%4\": left out — another cluster's member, or "
                           "the profile's scope: is wrong").arg(label, base.toString(), scope, watched)});
            });
    connect(m_patroni, &svc::PatroniPoller::roundFinished, this, [this](bool any, const QString &error) {
        // Nothing answered: the last good picture stays, marked stale (diffs continue from it).
        if (!any && !m_lastCluster.members.isEmpty())
            m_cluster->setStale(true);
        if (!any) {
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            m_watchdog->report(ConsistencyWatchdog::kPatroni, std::nullopt, now);
            m_watchdog->report(ConsistencyWatchdog::kPatroniPrimary, std::nullopt, now);
        }
        emit patroniRoundFinished(any, error);
    });
    connect(m_haproxyPoller, &svc::HaproxyPoller::statsReady, this, [this](const QString &, const svc::HaproxyStats &stats) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const auto &e : diffHaproxy(m_haproxy, stats, now))
            record(e);
        m_haproxy = stats;
        updateLayout();
        emit haproxyUpdated();
        // Two servers UP for writes is itself a disagreement: the voice names both.
        if (const auto voice = haproxyVoice(stats, m_layout))
            m_watchdog->report(ConsistencyWatchdog::kHaproxy, voice, now);
        voteThroughPgBouncer();
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
        if (!m_postgresDue.isEmpty()) {   // members found meanwhile: polled from the next round on
            m_postgresEndpoints = std::exchange(m_postgresDue, {});
            m_pgPoller->setEndpoints(toEndpoints(m_postgresEndpoints));
        }
        if (!any) {
            m_watchdog->report(ConsistencyWatchdog::kPostgres, std::nullopt, QDateTime::currentMSecsSinceEpoch());
            return;
        }
        votePostgres();
    });
    connect(m_bouncerPoller, &svc::EndpointPoller::roundFinished, this, &ClusterObserver::voteThroughPgBouncer);
    connect(m_bouncerPoller, &svc::PgBouncerPoller::observed, this, [this](const svc::PgBouncerObservation &o) {
        m_pgbouncers.insert(o.name, o);
        updateLayout();
        emit pgbouncersUpdated();
    });
    connect(m_etcdPoller, &svc::EtcdPoller::snapshotReady, this, &ClusterObserver::onEtcdSnapshot);
    connect(m_pgPoller, &svc::SqlSourcePoller::sessionLost, this,
            [this](const QString &label, const QUrl &, const QString &why, qint64 atMs) { onSessionLost(label, why, atMs); });
    connect(m_patroni, &svc::PatroniPoller::restReached, this, &ClusterObserver::onRestReached);
    connect(m_etcdWatcher, &svc::EtcdWatcher::keysChanged, this, &ClusterObserver::onWatchedKeys);
    connect(m_etcdWatcher, &svc::EtcdWatcher::stateChanged, this, &ClusterObserver::followWatchState);
    connect(m_etcdWatcher, &svc::EtcdWatcher::leaseUpdated, this, &ClusterObserver::followCountdown);
    connect(m_metricsPoller, &svc::MetricsPoller::scraped, this, &ClusterObserver::onMetrics);
    connect(m_metricsPoller, &svc::EndpointPoller::roundFinished, this, [this] {
        m_metricsRoundOpen = false;
        applyMetricsEndpoints();
    });
    connect(m_pgpoolPoller, &svc::PgpoolPoller::observed, this, [this](const svc::PgpoolObservation &o) {
        for (const auto &e : diffPgpool(m_pgpools.value(o.name), o))
            record(e);
        m_pgpools.insert(o.name, o);
        emit pgpoolsUpdated();
        m_watchdog->report(ConsistencyWatchdog::kPgpool, pgpoolVoice(o, m_layout.members), o.fetchedAtMs);
    });
    connect(m_pgpoolPoller, &svc::EndpointPoller::roundFinished, this, [this](bool any) {
        if (!any)
            m_watchdog->report(ConsistencyWatchdog::kPgpool, std::nullopt, QDateTime::currentMSecsSinceEpoch());
    });
}

void ClusterObserver::onEtcdSnapshot(svc::EtcdSnapshot s)
{
    // The watch needs Patroni's keys in the v3 keyspace: it starts once a round found them
    // there (a cluster on etcd's v2 API is read by polling only).
    if (m_running && s.keyspace == u"v3" && m_etcdWatcher->state() == svc::EtcdWatcher::State::Off)
        m_etcdWatcher->start();
    else if (s.keyspace == u"v2" && m_etcdWatcher->state() != svc::EtcdWatcher::State::Off)
        m_etcdWatcher->stop();
    if (m_etcdPoller->keysFromWatch())
        s.scopes = m_etcd.scopes;   // the watch keeps them; this round read status and members
    applyEtcd(s, tr("etcd poll"));
}

void ClusterObserver::onWatchedKeys(const QList<svc::EtcdWatchEvent> &events, qint64 revision, qint64 atMs)
{
    if (!m_etcdPoller->keysFromWatch() && events.isEmpty())
        return;   // the watch's first read: the poll round's keys stand until the watch is live
    svc::EtcdSnapshot s = m_etcd;
    s.scopes = m_etcdWatcher->scopes();
    s.keyspace = QStringLiteral("v3");
    s.keysError.clear();
    s.fetchedAtMs = atMs;
    applyEtcd(s, tr("etcd watch, revision %1").arg(revision));
}

void ClusterObserver::applyEtcd(const svc::EtcdSnapshot &s, const QString &via)
{
    for (const auto &e : diffEtcd(m_etcd, s))
        record(e);
    if (!m_etcd.scopes.isEmpty())
        for (const auto &e : diffDcsScope(m_etcd.watchedScope(m_scope), s.watchedScope(m_scope), s.fetchedAtMs, via))
            record(e);
    m_etcd = s;
    if (const auto *scope = s.watchedScope(m_scope); scope && !scope->leader.isEmpty())
        m_leaseHolder = scope->leader;
    emit etcdUpdated();
    followCountdown();
    if (const auto *scope = s.watchedScope(m_scope))
        m_watchdog->report(ConsistencyWatchdog::kDcs, scope->leader, s.fetchedAtMs);
}

void ClusterObserver::followWatchState()
{
    const bool watching = m_etcdWatcher->isWatching();
    m_etcdPoller->setKeysFromWatch(watching);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    switch (m_etcdWatcher->state()) {
    case svc::EtcdWatcher::State::Watching:
        record({now, QStringLiteral("etcd"), ClusterEvent::Severity::Info, QStringLiteral("etcd-watch"), QString(),
                tr("etcd watch: %1 — changes to Patroni's keys arrive as they happen").arg(m_etcdWatcher->note())});
        break;
    case svc::EtcdWatcher::State::Polling:
        record({now, QStringLiteral("etcd"), ClusterEvent::Severity::Warning, QStringLiteral("etcd-watch"), QString(),
                tr("etcd watch: %1").arg(m_etcdWatcher->note())});
        break;
    case svc::EtcdWatcher::State::Off:
    case svc::EtcdWatcher::State::Connecting:
        break;
    }
}

// Ticks only while the leader key counts down: an idle window wakes for nothing.
void ClusterObserver::followCountdown()
{
    const bool counting = leaderKey(QDateTime::currentMSecsSinceEpoch()).isCountingDown();
    if (counting && !m_countdownTicker->isActive())
        m_countdownTicker->start();
    else if (!counting)
        m_countdownTicker->stop();
    emit leaseUpdated();
}

LeaderKeyClock ClusterObserver::leaderKey(qint64 nowMs) const
{
    const svc::EtcdLeaseClock &lease = m_etcdWatcher->leaderLease();
    const auto *scope = m_etcd.watchedScope(m_scope);
    const bool present = scope && !scope->leader.isEmpty() && scope->leaderLease == lease.leaseId();
    return leaderKeyClock(lease, m_leaseHolder, present, m_etcdWatcher->leaseFollowedAtMs(), m_etcdWatcher->loopWaitS(),
                          m_reachability.isDown(m_leaseHolder), nowMs);
}

// The member whose REST API is at `base`: by /cluster's api_url, else the endpoint's label.
QString ClusterObserver::memberOfApi(const QUrl &base) const
{
    if (const auto *m = m_lastCluster.memberWithApi(base))
        return m->name;
    for (const auto &e : m_patroni->endpoints())
        if (e.baseUrl == base)
            return e.label;
    return {};
}

void ClusterObserver::onSessionLost(const QString &label, const QString &why, qint64 atMs)
{
    const QString member = m_layout.postgresMembers.value(label, label);
    if (m_reachability.isDown(member))
        return;
    m_reachability.sessionLost(member, atMs, why);
    // The dropped session is a sign, not a verdict: its REST API says at once.
    for (const auto &e : m_patroni->endpoints())
        if (memberOfApi(e.baseUrl) == member) {
            m_patroni->probe(e.baseUrl);
            return;
        }
}

void ClusterObserver::onRestReached(const QUrl &base, const svc::HttpResult &r)
{
    const QString member = memberOfApi(base);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    std::optional<ClusterEvent> event;
    if (r.transportOk()) {
        event = m_reachability.restAnswered(member, now);
    } else if (r.failure == svc::HttpResult::Failure::Refused) {
        event = m_reachability.restFailed(member, now, tr("refused"));
    } else if (r.failure == svc::HttpResult::Failure::Timeout) {
        event = m_reachability.restFailed(member, now, tr("did not answer within %1 ms").arg(r.elapsedMs));
    } else if (r.failure == svc::HttpResult::Failure::Unreachable) {
        event = m_reachability.restFailed(member, now, tr("is unreachable"));
    }
    if (!event)
        return;
    record(*event);
    // A dead holder renews nothing: ask its lease often from now on, and show the countdown.
    m_etcdWatcher->setHolderSuspect(m_reachability.isDown(m_leaseHolder));
    emit reachabilityChanged();
    followCountdown();
}

void ClusterObserver::voteThroughPgBouncer()
{
    // Only fresh PgBouncer answers count: an old SHOW DATABASES may name a node that moved.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QMap<QString, svc::PgBouncerObservation> fresh;
    for (auto it = m_pgbouncers.cbegin(); it != m_pgbouncers.cend(); ++it)
        if (now - it.value().fetchedAtMs < kFreshIntervals * m_bouncerPoller->intervalMs())
            fresh.insert(it.key(), it.value());
    m_watchdog->report(ConsistencyWatchdog::kPgBouncer, pgbouncerVoice(m_haproxy, m_layout, fresh), now);
}

// PostgreSQL votes once per round, when every node has answered: voting per answer would read
// "no primary" whenever a replica happens to answer first.
void ClusterObserver::votePostgres()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QMap<QString, svc::PgNodeObservation> fresh;
    for (auto it = m_postgres.cbegin(); it != m_postgres.cend(); ++it)
        if (now - it->fetchedAtMs < kFreshIntervals * m_pgPoller->intervalMs())
            fresh.insert(it.key(), it.value());
    m_watchdog->report(ConsistencyWatchdog::kPostgres, postgresVoice(fresh, m_layout), now);
}

// A profile that lists no PostgreSQL endpoints gets each member's, as /cluster reports them
// (host:port, the address Patroni itself gives out): one Patroni URL is enough to watch it all.
QStringList ClusterObserver::discoveredSummary() const
{
    QStringList out;
    QStringList apis;
    for (const auto &e : m_patroni->endpoints()) {
        bool listed = false;
        for (const auto &p : m_profile.patroni)
            listed |= svc::sameHostPort(svc::hostPortOf(p.url, kPatroniRestPort), svc::hostPortOf(e.baseUrl, kPatroniRestPort));
        if (!listed)
            apis.append(QStringLiteral("%1 (%2)").arg(e.label, e.baseUrl.toString()));
    }
    if (!apis.isEmpty())
        out.append(tr("Patroni REST APIs of %1").arg(apis.join(QStringLiteral(", "))));
    if (m_profile.postgres.isEmpty() && !m_postgresEndpoints.isEmpty()) {
        QStringList pg;
        for (const auto &e : m_postgresEndpoints)
            pg.append(QStringLiteral("%1 (%2)").arg(e.name, svc::hostPortOf(e.url, kPostgresPort).text()));
        out.append(tr("PostgreSQL of %1, from /cluster").arg(pg.join(QStringLiteral(", "))));
    }
    if (m_profile.scrapeBuiltInMetrics && !apis.isEmpty())
        out.append(tr("/metrics of every member's REST API (%1 endpoints in all)").arg(metricsEndpointCount()));
    return out;
}

void ClusterObserver::discoverPostgres(const svc::ClusterSnapshot &s)
{
    if (!m_profile.postgres.isEmpty() || !m_profile.discoverMembers)
        return;
    QList<svc::Profile::Endpoint> found;
    for (const auto &m : s.members)
        if (!m.host.isEmpty() && m.port > 0) {
            QUrl url;
            url.setScheme(QStringLiteral("postgresql"));
            url.setHost(m.host);
            url.setPort(m.port);
            found.append({m.name, url});
        }
    QStringList before, after;
    for (const auto &e : std::as_const(m_postgresEndpoints))
        before.append(e.name + e.url.toString());
    for (const auto &e : std::as_const(found))
        after.append(e.name + e.url.toString());
    before.sort();
    after.sort();
    if (found.isEmpty() || before == after)
        return;
    if (m_pgPoller->isActive()) {
        m_postgresDue = found;   // replacing the list mid-round would leave that round without an end
        return;
    }
    const bool first = m_postgresEndpoints.isEmpty();
    m_postgresEndpoints = found;
    m_pgPoller->setEndpoints(toEndpoints(found));
    if (first)
        record({QDateTime::currentMSecsSinceEpoch(), QStringLiteral("postgres"), ClusterEvent::Severity::Info,
                QStringLiteral("postgres-discovered"), QString(),
                tr("the profile lists no PostgreSQL endpoints: reading each member's at the address /cluster gives (%1)")
                        .arg(after.size())});
    if (m_patroni->isActive())
        m_pgPoller->start();
    emit pollerGrew(m_pgPoller);
}

void ClusterObserver::updateLayout()
{
    ClusterLayout::Inputs in;
    in.cluster = m_lastCluster;
    in.haproxy = m_haproxy;
    in.postgres = m_postgresEndpoints;
    in.pgbouncers = m_profile.pgbouncers;
    in.bouncerObservations = m_pgbouncers;
    in.readWriteProxy = m_profile.haproxyReadWriteProxy;
    in.readOnlyProxy = m_profile.haproxyReadOnlyProxy;
    const ClusterLayout before = m_layout;
    m_layout = ClusterLayout::derive(in, before);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[choice, was, what] : {std::tuple{m_layout.haproxy.readWrite, before.haproxy.readWrite, tr("read-write")},
                                            std::tuple{m_layout.haproxy.readOnly, before.haproxy.readOnly, tr("read-only")}})
        if (choice.proxy != was.proxy && !choice.proxy.isEmpty())
            record({now, QStringLiteral("haproxy"), ClusterEvent::Severity::Info, QStringLiteral("proxy-role"), choice.proxy,
                    tr("HAProxy %1 proxy: %2").arg(what, choice.reason)});
    // What cannot be mapped is said once, in words: never a disagreement.
    QStringList notes = m_layout.notes();
    for (const auto &e : std::as_const(m_postgresEndpoints))
        if (!m_layout.members.isEmpty() && !m_layout.postgresMembers.contains(e.name))
            notes.append(tr("PostgreSQL endpoint %1 is at an address no member of /cluster reports (%2): its answers do not vote "
                            "for a primary; list the address /cluster shows, or name the endpoint after its member")
                                 .arg(e.name, MemberMap::unmappedText(e.url.authority())));
    for (const auto &n : std::as_const(notes))
        if (!m_layoutNotes.contains(n))
            record({now, QStringLiteral("layout"), ClusterEvent::Severity::Warning, QStringLiteral("unmapped"), QString(), n});
    m_layoutNotes = notes;
    // PostgreSQL answered before /cluster told which member each endpoint is: its vote (an
    // abstention then) is cast again with the same answers, between rounds only. Otherwise a
    // one-shot `pgha status` could end without the PostgreSQL voice.
    if (!m_postgres.isEmpty() && !m_pgPoller->isActive())
        votePostgres();
    emit layoutUpdated();
}

void ClusterObserver::onMetrics(const QString &label, const svc::MetricsDigest &digest)
{
    const svc::MetricsDigest previous = m_metrics.value(label);
    m_metrics.insert(label, digest);
    // Commits per second from the exporter's counter (a reset after a restart is skipped).
    const auto commits = digest.value(QStringLiteral("xact_commit"));
    const auto before = previous.value(QStringLiteral("xact_commit"));
    if (commits && before && *commits >= *before && digest.fetchedAtMs > previous.fetchedAtMs)
        m_series.append(QStringLiteral("commits_per_s:") + label, digest.fetchedAtMs,
                        (*commits - *before) * 1000.0 / double(digest.fetchedAtMs - previous.fetchedAtMs));
    if (const auto fsync = digest.value(QStringLiteral("wal_fsync_p99_s")))
        m_series.append(QStringLiteral("etcd_wal_fsync_p99_s:") + label, digest.fetchedAtMs, *fsync);
    emit metricsUpdated();
}

void ClusterObserver::onDiscovered(const QStringList &names)
{
    for (const auto &name : names)
        record({QDateTime::currentMSecsSinceEpoch(), QStringLiteral("patroni"), ClusterEvent::Severity::Info,
                QStringLiteral("member-discovered"), name,
                tr("found %1 through /cluster (not in the profile); now polling its REST API").arg(name)});
    m_metricsEndpointsDue = true;
    // Replacing the list under a round in flight would leave that round unfinished forever
    // (its replies belong to the old list): `pgha status`, waiting for one round of every
    // source, never returned once discovery found a member while /metrics pages were loading.
    // A running poller may be mid-round at any time, so the new list waits for a round's end.
    if (!m_metricsRoundOpen && !m_metricsPoller->isActive())
        applyMetricsEndpoints();
    // After the list is in place (or waits for the round under way): a round asked for now
    // must not have its list replaced under it.
    emit pollerGrew(m_patroni);
    if (m_profile.scrapeBuiltInMetrics)
        emit pollerGrew(m_metricsPoller);
}

void ClusterObserver::applyMetricsEndpoints()
{
    if (!m_metricsEndpointsDue)
        return;
    m_metricsEndpointsDue = false;
    m_metricsPoller->setEndpoints(metricsEndpoints());
}

QList<svc::EndpointPoller::Endpoint> ClusterObserver::metricsEndpoints() const
{
    QList<svc::EndpointPoller::Endpoint> out;
    if (m_profile.scrapeBuiltInMetrics) {
        // Patroni and etcd serve /metrics on the API port they are polled on.
        for (const auto &[kind, poller] : {std::pair{QStringLiteral("Patroni"), static_cast<svc::EndpointPoller *>(m_patroni)},
                                           std::pair{QString(), static_cast<svc::EndpointPoller *>(m_etcdPoller)}})
            for (auto e : poller->endpoints()) {
                e.baseUrl.setPath(QStringLiteral("/metrics"));
                if (!kind.isEmpty())
                    e.label += QLatin1Char(' ') + kind;
                out.append(e);
            }
    }
    out += toEndpoints(m_profile.metrics);
    return out;
}

int ClusterObserver::metricsEndpointCount() const
{
    return static_cast<int>(m_metricsPoller->endpoints().size());
}

void ClusterObserver::onHealth(const svc::SourceHealth &h)
{
    if (h.everPolled && !h.reachable && h.id.startsWith(u"etcd"))
        m_etcdWatcher->endpointFailed(h.label);
    for (const auto &e : diffHealth(m_lastHealth.value(h.id), h, QDateTime::currentMSecsSinceEpoch()))
        record(e);
    m_lastHealth.insert(h.id, h);
    m_sources->update(h);
}

void ClusterObserver::setProfile(const svc::Profile &profile)
{
    stop();
    m_metricsEndpointsDue = false;
    m_profile = profile;
    m_lastCluster = {};
    m_haproxy = {};
    m_etcd = {};
    m_postgres.clear();
    m_pgbouncers.clear();
    m_pgpools.clear();
    m_patroniNodes.clear();
    m_config = {};
    m_history.clear();
    m_metrics.clear();
    m_lastHealth.clear();
    m_reachability.clear();
    m_leaseHolder.clear();
    m_cluster->clear();
    m_sources->clear();
    m_patroni->setEndpoints(toEndpoints(profile.patroni));
    m_patroni->setDiscovery(profile.discoverMembers);
    m_patroni->setScope(profile.scope);
    m_etcdPoller->setEndpoints(toEndpoints(profile.etcd));
    m_etcdPoller->setNamespace(profile.dcsNamespace);
    m_etcdPoller->setKeysFromWatch(false);
    m_etcdWatcher->setEndpoints(toEndpoints(profile.etcd));
    m_etcdWatcher->setNamespace(profile.dcsNamespace);
    m_etcdWatcher->setScope(profile.scope);
    QList<svc::EndpointPoller::Endpoint> haproxy;
    if (profile.haproxyStats.isValid() && !profile.haproxyStats.isEmpty())
        haproxy.append({QStringLiteral("haproxy"), profile.haproxyStats});
    m_haproxyPoller->setEndpoints(haproxy);
    m_postgresEndpoints = profile.postgres;
    m_postgresDue.clear();
    m_pgPoller->setEndpoints(toEndpoints(profile.postgres));
    m_bouncerPoller->setEndpoints(toEndpoints(profile.pgbouncers));
    m_pgpoolPoller->setEndpoints(toEndpoints(profile.pgpools));
    m_metricsPoller->setEndpoints(metricsEndpoints());
    const svc::PgTls tls = svc::postgresTlsFor(profile);
    m_pgPoller->setTls(tls);
    m_bouncerPoller->setTls(tls);
    m_pgpoolPoller->setTls(tls);
    m_pgPoller->setAuthHint(svc::pgPasswordHint(profile, QString::fromLatin1(svc::kPostgresSecret)));
    m_bouncerPoller->setAuthHint(svc::pgPasswordHint(profile, QString::fromLatin1(svc::kPgBouncerSecret)));
    m_pgpoolPoller->setAuthHint(svc::pgPasswordHint(profile, QString::fromLatin1(svc::kPgpoolSecret)));
    m_scope = profile.scope;
    m_layout = {};
    m_layoutNotes.clear();
    // Until the passwords arrive (svc::resolveCredentials, asynchronously): libpq's own password
    // file, and TLS without credentials. Patroni asks for credentials only on unsafe methods, so
    // polling never needs them.
    setPasswords({});
}

void ClusterObserver::setPasswords(const svc::ProfilePasswords &passwords)
{
    m_pgPoller->setCredentials(m_profile.readWrite.user, m_profile.readWrite.database, passwords.postgres);
    m_bouncerPoller->setCredentials(m_profile.pgbouncerLogin(), passwords.pgbouncer);
    m_pgpoolPoller->setCredentials(m_profile.pgpoolLogin(), passwords.pgpool);
    setHttpSecurity(svc::httpSecurityForProfile(m_profile, passwords), svc::patroniTlsDefault(m_profile));
}

void ClusterObserver::setHttpSecurity(const QList<svc::OriginSecurity> &security, const svc::HttpSecurity &tlsDefault)
{
    for (const QUrl &origin : std::as_const(m_securedOrigins))
        m_http->setSecurity(origin, {});
    m_securedOrigins.clear();
    for (const auto &o : security) {
        m_http->setSecurity(o.origin, o.security);
        m_securedOrigins.append(o.origin);
    }
    m_http->setDefaultSecurity(tlsDefault);
}

void ClusterObserver::setIntervalMs(int ms)
{
    for (svc::EndpointPoller *p : allPollers())
        p->setIntervalMs(ms);
}

void ClusterObserver::start()
{
    m_running = true;   // the etcd watch starts once a round found Patroni's keys in v3
    for (svc::EndpointPoller *p : activePollers()) {
        m_metricsRoundOpen |= p == m_metricsPoller;   // before: a round may end at once
        p->start();
    }
}

void ClusterObserver::stop()
{
    m_running = false;
    m_countdownTicker->stop();
    m_etcdWatcher->stop();
    for (svc::EndpointPoller *p : allPollers())
        p->stop();
    m_metricsRoundOpen = false;   // a stopped poller has no round in flight
    applyMetricsEndpoints();
}

void ClusterObserver::pollOnce()
{
    for (svc::EndpointPoller *p : activePollers()) {
        m_metricsRoundOpen |= p == m_metricsPoller;
        p->pollOnce();
    }
}

QList<svc::EndpointPoller *> ClusterObserver::allPollers() const
{
    return {m_patroni, m_haproxyPoller, m_etcdPoller, m_pgPoller, m_bouncerPoller, m_metricsPoller, m_pgpoolPoller};
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

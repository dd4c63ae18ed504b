#pragma once

#include "clusterevent.h"
#include "clusterlayout.h"
#include "leaderkey.h"
#include "memberreachability.h"
#include "timeseries.h"
#include "core/endpointpoller.h"
#include "http/httpclient.h"
#include "metrics/metricsdigest.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgobservation.h"
#include "pg/pgpoolobservation.h"
#include "profile/profile.h"

#include <QMap>

#include <QHash>
#include <QObject>
#include <QTimer>

namespace pgha::svc {

class EtcdPoller;
class EtcdWatcher;
class HaproxyPoller;
class HttpClient;
class MetricsPoller;
class PatroniPoller;
class PgPoller;
class PgBouncerPoller;
class PgpoolPoller;
}

namespace pgha::models {

class ClusterModel;
class ConsistencyWatchdog;
class EventTimelineModel;
class SourceHealthModel;

// Watches one profile through every source it names (Patroni REST, etcd, HAProxy stats,
// PostgreSQL, PgBouncer, Prometheus endpoints) and keeps the models up to date; every change
// becomes an event on the timeline, and every source's idea of the primary goes to the
// consistency watchdog. Used by the
// console and by `pgha watch`/`pgha status` alike.
class ClusterObserver : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 kDefaultLagThresholdBytes = 16 * 1024 * 1024;
    static constexpr int kCountdownTickMs = 100;

    ClusterObserver(svc::HttpClient *http, QObject *parent = nullptr);

    // Also applies the profile's TLS settings to the HttpClient; logins wait for setPasswords
    // (until then libpq's own password file answers, as it does for what no password is given).
    void setProfile(const svc::Profile &profile);
    // The profile's passwords, from svc::resolveCredentials (the lab's state file, the keychain):
    // HTTP credentials per origin; PostgreSQL, PgBouncer and Pgpool-II logins.
    void setPasswords(const svc::ProfilePasswords &passwords);
    // Credentials and TLS trust per HTTP origin (see svc::httpSecurityForProfile), replacing
    // what this observer set before; `tlsDefault` covers https members found by discovery.
    void setHttpSecurity(const QList<svc::OriginSecurity> &security, const svc::HttpSecurity &tlsDefault = {});
    void setIntervalMs(int ms);
    void start();
    void stop();
    void pollOnce();

    ClusterModel *cluster() const { return m_cluster; }
    SourceHealthModel *sources() const { return m_sources; }
    EventTimelineModel *timeline() const { return m_timeline; }
    ConsistencyWatchdog *watchdog() const { return m_watchdog; }
    const SeriesStore &series() const { return m_series; }
    svc::PatroniPoller *patroni() const { return m_patroni; }
    // Follows Patroni's keys in etcd as they change, and the leader key's lease.
    svc::EtcdWatcher *etcdWatcher() const { return m_etcdWatcher; }
    // The pollers that have endpoints in the current profile (to wait for one round of each).
    QList<svc::EndpointPoller *> activePollers() const;
    QList<svc::EndpointPoller *> allPollers() const;
    const svc::HaproxyStats &haproxy() const { return m_haproxy; }
    const svc::EtcdSnapshot &etcd() const { return m_etcd; }
    const QMap<QString, svc::PgNodeObservation> &postgres() const { return m_postgres; }
    const QMap<QString, svc::PgBouncerObservation> &pgbouncers() const { return m_pgbouncers; }
    const QMap<QString, svc::PgpoolObservation> &pgpools() const { return m_pgpools; }
    // Each member's own REST answers of the last round (/primary body and role-check codes).
    const QList<svc::PatroniNodeReport> &patroniNodes() const { return m_patroniNodes; }
    const svc::PatroniDynamicConfig &dynamicConfig() const { return m_config; }
    const QList<svc::TimelineSwitch> &history() const { return m_history; }
    const QMap<QString, svc::MetricsDigest> &metrics() const { return m_metrics; }
    // What stands where, from the sources' last answers (members by /cluster, HAProxy's
    // read-write and read-only proxies, each server's and endpoint's member).
    const ClusterLayout &layout() const { return m_layout; }
    // Members gone by their own REST API (and first seen by a dropped PostgreSQL session).
    const MemberReachability &reachability() const { return m_reachability; }
    // The leader key's lease at `nowMs` (Unknown without a watch).
    LeaderKeyClock leaderKey(qint64 nowMs) const;
    int metricsEndpointCount() const;
    // What the console found by itself that the profile does not list (members' REST APIs,
    // their PostgreSQL from /cluster, their /metrics), one line each; empty when nothing.
    QStringList discoveredSummary() const;

    void record(const ClusterEvent &event);   // also for events of other origins (the lab)

signals:
    void eventRecorded(const pgha::models::ClusterEvent &event);
    void patroniRoundFinished(bool anyReachable, const QString &error);
    void haproxyUpdated();
    void etcdUpdated();
    // The leader key's lease was asked again, and every kCountdownTickMs while it counts down
    // (leaderKey() then says something new each time).
    void leaseUpdated();
    void postgresUpdated();
    void pgbouncersUpdated();
    void pgpoolsUpdated();
    void patroniNodesUpdated();
    void configUpdated();
    void historyUpdated();
    void metricsUpdated();
    void layoutUpdated();
    void reachabilityChanged();
    // Discovery gave `poller` endpoints its last round did not ask (members' REST APIs, their
    // /metrics, their PostgreSQL). A running observer polls them anyway; a one-shot reader
    // (`pgha status`) asks for one more round of it.
    void pollerGrew(pgha::svc::EndpointPoller *poller);

private:
    void onHealth(const svc::SourceHealth &h);
    void onEtcdSnapshot(svc::EtcdSnapshot s);
    // Patroni's keys changed (the watch): a new EtcdSnapshot with the watcher's scopes.
    void onWatchedKeys(const QList<svc::EtcdWatchEvent> &events, qint64 revision, qint64 atMs);
    void applyEtcd(const svc::EtcdSnapshot &s, const QString &via);
    void followWatchState();
    void onSessionLost(const QString &label, const QString &why, qint64 atMs);
    void onRestReached(const QUrl &base, const svc::HttpResult &result);
    QString memberOfApi(const QUrl &base) const;
    void onMetrics(const QString &label, const svc::MetricsDigest &digest);
    void onDiscovered(const QStringList &names);
    void applyMetricsEndpoints();
    void voteThroughPgBouncer();
    void votePostgres();
    void updateLayout();
    void discoverPostgres(const svc::ClusterSnapshot &snapshot);
    QList<svc::EndpointPoller::Endpoint> metricsEndpoints() const;

    svc::HttpClient *m_http;
    QList<QUrl> m_securedOrigins;   // origins whose security this observer set
    svc::PatroniPoller *m_patroni;
    svc::HaproxyPoller *m_haproxyPoller;
    svc::EtcdPoller *m_etcdPoller;
    svc::EtcdWatcher *m_etcdWatcher;
    bool m_running = false;
    svc::PgPoller *m_pgPoller;
    svc::PgBouncerPoller *m_bouncerPoller;
    svc::MetricsPoller *m_metricsPoller;
    svc::PgpoolPoller *m_pgpoolPoller;
    ClusterModel *m_cluster;
    SourceHealthModel *m_sources;
    EventTimelineModel *m_timeline;
    ConsistencyWatchdog *m_watchdog;
    SeriesStore m_series;
    QString m_scope;             // the Patroni scope the profile watches ("" = the first found)
    ClusterLayout m_layout;
    MemberReachability m_reachability;
    QString m_leaseHolder;   // who holds (or last held) the leader key followed
    QTimer *m_countdownTicker;
    void followCountdown();
    QList<svc::Profile::Endpoint> m_postgresEndpoints;   // the profile's, else each member's from /cluster
    QList<svc::Profile::Endpoint> m_postgresDue;         // found while a round ran: from the next one
    QStringList m_layoutNotes;   // said once each on the timeline
    svc::ClusterSnapshot m_lastCluster;
    svc::HaproxyStats m_haproxy;
    svc::EtcdSnapshot m_etcd;
    QMap<QString, svc::PgNodeObservation> m_postgres;
    QMap<QString, svc::PgBouncerObservation> m_pgbouncers;
    QMap<QString, svc::PgpoolObservation> m_pgpools;
    QList<svc::PatroniNodeReport> m_patroniNodes;
    svc::PatroniDynamicConfig m_config;
    QList<svc::TimelineSwitch> m_history;
    QMap<QString, svc::MetricsDigest> m_metrics;
    svc::Profile m_profile;
    QHash<QString, svc::SourceHealth> m_lastHealth;
    qint64 m_lagThreshold = kDefaultLagThresholdBytes;
    // A poller whose endpoint list is replaced mid-round drops that round without finishing
    // it, so the metrics list that discovery grows waits for the round in flight to end.
    bool m_metricsRoundOpen = false;
    bool m_metricsEndpointsDue = false;
};

} // namespace pgha::models

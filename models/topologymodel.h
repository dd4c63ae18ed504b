#pragma once

#include "clusterlayout.h"
#include "leaderkey.h"
#include "memberreachability.h"
#include "etcd/etcdpoller.h"
#include "haproxy/haproxystats.h"
#include "metrics/metricsdigest.h"
#include "patroni/patronitypes.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgpoolobservation.h"

#include <QCoreApplication>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>
#include <utility>

namespace pgha::models {

// One line of a node's details: what, and its value ("" = not reported, left out when shown).
using TopologyDetailRow = std::pair<QString, QString>;

// One box of the data-path diagram, as data: what it is, what it says and in what state, and
// everything known about it. Geometry and colours are the view's business.
struct TopologyNodeSpec {
    enum class Kind { Client, HaproxyFront, PgBouncer, Member, Pgpool, Etcd };
    enum class State {
        Normal,    // up and doing its job
        Warning,   // up, but something waits (PgBouncer clients waiting)
        Down,      // a member not running; a proxy with no server UP; Pgpool without a primary
        Unknown,   // no source answered for it (a PgBouncer with no admin console, an etcd member with no status)
    };
    QString id;             // "client", "haproxy:rw", "member:<name>", "pgbouncer:<member>", "pgpool:<name>", "etcd:<name>"
    Kind kind = Kind::Client;
    QString title;
    QString subtitle;
    State state = State::Normal;
    svc::MemberRole role = svc::MemberRole::Unknown;   // members only
    bool emphasised = false;       // Patroni's leader, etcd's raft leader
    QString member;                // the Patroni member (by /cluster's name) it belongs to, "" when none
    bool offPath = false;          // a pooler no client path goes through: drawn beside its member, not in front
    QString note;                  // drawn below the box, one fact a line: "REST refused at 12:00:01.234", "key expires in 6.2 s"
    bool noteAlarm = false;        // the note says something is wrong (drawn in the alarm colour)
    QString detailsTitle;
    QString detailsSource;         // which source said it
    QList<TopologyDetailRow> details;
};

// A line between two nodes (by id), drawn in list order.
struct TopologyEdgeSpec {
    enum class Kind {
        Access,        // clients → an entry point (HAProxy front, Pgpool-II)
        Route,         // HAProxy front → a member's pooler: that server's state in the proxy
        Pool,          // PgBouncer → its member
        PgpoolBackend, // Pgpool-II → a backend it uses
        Replication,   // leader → replica, labelled with the lag
        LeaderKey,     // Patroni's leader → the etcd raft leader holding the scope's leader key
    };
    enum class State {
        Normal,       // the path exists
        Carrying,     // it carries writes now: an UP HAProxy server, Pgpool's primary backend
        Standby,      // Pgpool: an up standby it may read from
        Down,         // HAProxy server not UP (most of them: a replica fails /primary); Pgpool backend not up
        Behind,       // replication more than TopologyModel::kBehindBytes behind
        Unmeasured,   // replication lag not reported in bytes
        Unknown,      // replication lag "unknown" (Patroni could not tell)
    };
    QString from, to;
    Kind kind = Kind::Access;
    State state = State::Normal;
    QString label;
};

struct Topology {
    QList<TopologyNodeSpec> nodes;   // client, HAProxy fronts, each member then its pooler, Pgpools, etcd
    QList<TopologyEdgeSpec> edges;

    const TopologyNodeSpec *node(const QString &id) const;
    QList<TopologyEdgeSpec> edgesOf(TopologyEdgeSpec::Kind kind) const;
    const TopologyEdgeSpec *edge(const QString &from, const QString &to) const;
};

// The data path as a plain description, from the sources' last answers: clients → HAProxy
// read-write / read-only → each member's PgBouncer → PostgreSQL members → etcd, Pgpool-II beside
// the PgBouncers. Every source is mapped to members through Patroni's /cluster: PgBouncer and
// Pgpool by the host:port they point at, HAProxy servers by their address (else by name),
// REST reports and /metrics by member name. Pure: no widgets, no network, no timers.
class TopologyModel {
    Q_DECLARE_TR_FUNCTIONS(TopologyModel)
public:
    // Replication further behind than this is drawn as behind.
    static constexpr qint64 kBehindBytes = 1024 * 1024;

    void setCluster(const svc::ClusterSnapshot &snapshot) { m_cluster = snapshot; }
    void setHaproxy(const svc::HaproxyStats &stats) { m_haproxy = stats; }
    void setEtcd(const svc::EtcdSnapshot &etcd) { m_etcd = etcd; }
    void setPgBouncers(const QMap<QString, svc::PgBouncerObservation> &bouncers) { m_bouncers = bouncers; }
    void setPatroniNodes(const QList<svc::PatroniNodeReport> &nodes) { m_patroniNodes = nodes; }
    void setPgpools(const QMap<QString, svc::PgpoolObservation> &pgpools) { m_pgpools = pgpools; }
    void setMetrics(const QMap<QString, svc::MetricsDigest> &metrics) { m_metrics = metrics; }
    // Members gone by their own REST API: drawn down, "unreachable", whatever /cluster says.
    void setUnreachable(const QMap<QString, MemberReachability::Down> &down) { m_unreachable = down; }
    // The leader key's lease at the instant shown (on its holder's node).
    void setLeaderKey(const LeaderKeyClock &key) { m_leaderKey = key; }
    // Which proxy writes and reads, and which member each server and endpoint reaches:
    // ClusterLayout::derive over the same sources (the observer's, shared with the watchdog).
    // Without one, the model derives it from what it was given (no profile hints).
    void setLayout(const ClusterLayout &layout) { m_givenLayout = layout; }

    const svc::ClusterSnapshot &cluster() const { return m_cluster; }
    Topology topology() const;

    // The member an HAProxy server reaches in the layout of the last topology() (see
    // ClusterLayout), nullptr when none can be told.
    const svc::PatroniMember *memberForServer(const svc::HaproxyRow &server) const;

private:
    void addHaproxy(Topology &t) const;
    void addMember(Topology &t, const svc::PatroniMember &m) const;
    void addPooler(Topology &t, const ClusterLayout::Pooler &p) const;
    void addRoutes(Topology &t) const;
    QString poolerNodeId(const ClusterLayout::Pooler &p) const;
    void addPgpools(Topology &t) const;
    void addReplication(Topology &t) const;
    void addEtcd(Topology &t) const;
    QList<TopologyDetailRow> memberDetails(const svc::PatroniMember &m) const;
    QList<TopologyDetailRow> restDetails(const svc::PatroniNodeReport &n) const;

    svc::ClusterSnapshot m_cluster;
    svc::HaproxyStats m_haproxy;
    svc::EtcdSnapshot m_etcd;
    QMap<QString, svc::PgBouncerObservation> m_bouncers;
    QList<svc::PatroniNodeReport> m_patroniNodes;
    QMap<QString, svc::PgpoolObservation> m_pgpools;
    QMap<QString, svc::MetricsDigest> m_metrics;
    QMap<QString, MemberReachability::Down> m_unreachable;
    LeaderKeyClock m_leaderKey;
    std::optional<ClusterLayout> m_givenLayout;
    mutable ClusterLayout m_layout;   // the one topology() draws with
};

} // namespace pgha::models

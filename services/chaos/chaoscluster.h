#pragma once

#include "lab/labconfig.h"
#include "lab/labhealth.h"
#include "lab/labstate.h"
#include "patroni/patronitypes.h"
#include "pg/pgquery.h"
#include "profile/profile.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QUrl>

namespace pgha::svc {

// Where a chaos run reaches the cluster it measures: each member's REST API and PostgreSQL, the
// entry points the probes write and read through, the DCS key and HAProxy's stats the phase
// tracker watches. The built-in lab's come from its state file; any other cluster's from its
// profile and what its Patroni's /cluster reports (members by name, host, port and api_url —
// never by the lab's naming).
struct ChaosCluster {
    struct Member {
        QString name;
        MemberApi api;
        PgEndpoint postgres;   // the member's PostgreSQL, directly (RPO read-back, rejoin)
    };
    QString description;       // "the lab in DIR", "staging-ha (profile FILE)": for messages
    bool builtInLab = false;   // the console started it (it may restart and reinitialise members)
    QList<Member> members;
    PgEndpoint readWrite;
    PgEndpoint readOnly;
    std::optional<PgEndpoint> pgpool;
    QList<QUrl> etcd;          // client URLs
    QString leaderKey;         // "<namespace><scope>/leader"
    bool etcdV2 = false;       // the key is in etcd's v2 keyspace (Patroni's `etcd:`), not v3
    QUrl haproxyStats;         // …;csv, empty without HAProxy
    QString haproxyReadWriteProxy;   // "" = found from the stats (the proxy whose servers are the members)
    QHash<QString, QString> haproxyServerMembers;   // HAProxy server name → member, where known
    HaproxyCheckSettings haproxyCheck;
    bool haproxyCheckKnown = false;  // false: HAProxy's defaults assumed (its stats do not say)

    const Member *member(const QString &name) const;
    MemberApi api(const QString &name) const;   // an empty base when no such member
    PgEndpoint postgres(const QString &name) const;
    // The member whose PostgreSQL listens at host:port, or "".
    QString memberAt(const QString &host, int port) const;
    HealthTargets healthTargets() const;
};

// scheme://host:port of a REST or etcd URL: no path, query or credentials.
QUrl urlBase(QUrl url);

// The lab's cluster, from its state (passwords from the 0600 state file).
ChaosCluster chaosClusterForLab(const LabState &state, const QString &labDir);

// Another cluster, through `profile`: the members are what `cluster` (its /cluster) reports —
// REST at their api_url, PostgreSQL at their host:port unless the profile lists them by name or
// by address — with the profile's entry points, user, TLS and password (read_write.password;
// "" lets libpq find one: PGPASSFILE, ~/.pgpass). An error when the profile lacks what a run needs.
Result<ChaosCluster> chaosClusterForProfile(const Profile &profile, const ClusterSnapshot &cluster);

// The read-write proxy in HAProxy's CSV: the override when set; else the backend whose servers
// map to members with exactly one of them UP, that one being `leader`; else the backend with
// several servers and exactly one UP. "" when none is.
QString findReadWriteProxy(const QByteArray &csv, const ChaosCluster &cluster, const QString &leader);
// HAProxy server name → member, from the CSV's addresses (`stats show-legends`) or server names
// equal to a member's.
QHash<QString, QString> haproxyServerMembers(const QByteArray &csv, const ChaosCluster &cluster);

} // namespace pgha::svc

#pragma once

#include "haproxyroles.h"
#include "membermap.h"
#include "haproxy/haproxystats.h"
#include "patroni/patronitypes.h"
#include "pg/pgbouncerobservation.h"
#include "profile/profile.h"

#include <QHash>
#include <QMap>
#include <QString>

#include <optional>

namespace pgha::models {

// What stands where in the cluster being watched, derived from what the sources report: the
// members by /cluster, which HAProxy proxy writes and which reads, and which member each
// HAProxy server and each PostgreSQL endpoint of the profile reaches. One derivation, used by
// the topology, the consistency watchdog and `pgha status` alike, so they never tell two stories.
struct ClusterLayout {
    MemberMap members;
    HaproxyRoles haproxy;
    // "proxy/server" → the member it reaches, directly or through the PgBouncer at its address.
    QHash<QString, QString> serverMembers;
    // "proxy/server" → the PgBouncer (profile endpoint name) at its address, when one is.
    QHash<QString, QString> serverPoolers;
    // The profile's PostgreSQL endpoints (by name) → the member at their address.
    QHash<QString, QString> postgresMembers;

    // Each PgBouncer the profile lists or that answered, with where it really sends: the
    // hosts of its SHOW DATABASES entries (one, or a list it rotates over) and the addresses of
    // its SHOW SERVERS connections, as members.
    struct Pooler {
        QString name;              // the profile's endpoint name
        QString address;           // host:port of its admin console
        QString beside;            // the member it is drawn beside ("" when none can be told)
        QStringList targets;       // members it sends to, sorted
        QStringList unmapped;      // targets no member stands at, as "unmapped: host:port"
        bool observed = false;     // its admin console answered
        bool inClientPath = false; // an HAProxy server is this PgBouncer
        bool spreadsOverRoles = false;   // one database over the leader and replicas
        QString warning;           // said in words when spreadsOverRoles
    };
    QList<Pooler> poolers;
    const Pooler *pooler(const QString &name) const;
    // Sentences about what cannot be mapped or looks wrong, each said once on the timeline.
    QStringList notes() const;

    struct Inputs {
        svc::ClusterSnapshot cluster;
        svc::HaproxyStats haproxy;
        QList<svc::Profile::Endpoint> postgres;
        QList<svc::Profile::Endpoint> pgbouncers;
        QMap<QString, svc::PgBouncerObservation> bouncerObservations;   // by endpoint name
        QString readWriteProxy;    // the profile's haproxy_read_write_proxy ("" = find it)
        QString readOnlyProxy;     // haproxy_read_only_proxy
        MemberMap::Aliases aliases;   // host name → addresses, besides what the PgBouncers show
    };
    static ClusterLayout derive(const Inputs &in, const ClusterLayout &previous = {});

    std::optional<QString> memberForServer(const svc::HaproxyRow &server) const;
    // The member a profile PostgreSQL endpoint reaches, else the endpoint's address marked unmapped.
    QString postgresMemberOrUnmapped(const QString &endpointName, const QString &address) const;
    static QString serverKey(const svc::HaproxyRow &server) { return server.proxy + QLatin1Char('/') + server.name; }
};

} // namespace pgha::models

#pragma once

#include "core/result.h"
#include "patroni/patronitypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace pgha::svc {

inline constexpr int kLabMembers = 3;

// Patroni's DCS timings. Patroni requires loop_wait + 2 × retry_timeout ≤ ttl.
struct LabTimings {
    QString preset;
    int ttl = 10;
    int loopWait = 2;
    int retryTimeout = 4;

    static LabTimings demoFast();        // 10/2/4: below Patroni's documented minimum ttl of 20
    static LabTimings supportedFast();   // 20/2/5
    static LabTimings patroniDefaults(); // 30/10/10
    static Result<LabTimings> byName(const QString &name);
    // Patroni 3.2 and later raise a ttl below this to it ("ttl=10 can't be smaller than 20,
    // adjusting…") and store the raised value in the DCS.
    static constexpr int kPatroniMinTtl = 20;

    static QStringList presetNames();
    // The preset with these timings ("" when none does): names what a cluster runs. A preset
    // whose ttl Patroni raised to kPatroniMinTtl is still that preset (demo-fast on Patroni 4
    // runs 20/2/4).
    static QString presetMatching(int ttl, int loopWait, int retryTimeout);
    // The smallest ttl Patroni `version` ("4.0.7") keeps: kPatroniMinTtl from 3.2 on, else 1.
    static int minTtlOf(const QString &patroniVersion);
    // Makes these the timings Patroni `patroniVersion` runs, when it keeps no ttl this low (ttl
    // raised to `minTtl`, the preset still named): the sentence that says so, "" when unchanged.
    QString raiseForPatroni(const QString &patroniVersion, int minTtl);

    Result<bool> validate() const;
    QString describe() const;
};

// HAProxy's health checks of the lab's members: a server is marked DOWN after `fall` failed
// checks `interMs` apart and UP after `rise` good ones. Chaos budgets are computed from these.
struct HaproxyCheckSettings {
    int interMs = 1000;
    int fall = 2;
    int rise = 1;
};
inline constexpr HaproxyCheckSettings kLabHaproxyCheck;

enum class LabComponentKind { Etcd, Patroni, PgBouncer, HAProxy, Exporter, Pgpool };
inline constexpr LabComponentKind kAllLabComponentKinds[] = {LabComponentKind::Etcd, LabComponentKind::Patroni,
                                                             LabComponentKind::PgBouncer, LabComponentKind::HAProxy,
                                                             LabComponentKind::Exporter, LabComponentKind::Pgpool};
QString kindName(LabComponentKind kind);

struct LabPort {
    int port = 0;
    QString role;          // "etcd client", "PostgreSQL", "Patroni REST", …
};

struct LabComponent {
    QString name;          // etcd1, pg1, pgbouncer1, haproxy, exporter1
    LabComponentKind kind = LabComponentKind::Etcd;
    int index = 0;         // 0-based member index within its kind
    QList<LabPort> ports;
};

struct LabPorts {
    int etcdClient[kLabMembers] = {2379, 12379, 22379};
    int etcdPeer[kLabMembers] = {2380, 12380, 22380};
    int postgres[kLabMembers] = {5432, 5433, 5434};
    int rest[kLabMembers] = {8008, 8009, 8010};
    int pgbouncer[kLabMembers] = {6432, 6433, 6434};
    int exporter[kLabMembers] = {9187, 9188, 9189};   // postgres_exporter beside each node
    int pgbouncerExporter[kLabMembers] = {9127, 9128, 9129};   // Docker lab only (not packaged for the native one)
    int haproxyReadWrite = 5000;
    int haproxyReadOnly = 5001;
    int haproxyStats = 7000;
    int pgpool = 9999;      // only with LabConfig::withPgpool
    int pgpoolPcp = 9898;
    // A plain PostgreSQL beside the cluster, no Patroni, no replication: the single-node baseline
    // benchmarks compare the cluster against (LabStandalone; only while someone started it).
    int standalone = 5440;

    LabPorts withOffset(int offset) const;
    QJsonObject toJson() const;
    static LabPorts fromJson(const QJsonObject &o);
};

struct LabConfig {
    QString labDir;                 // where state, configs, data and logs live
    QString host = QStringLiteral("127.0.0.1");
    QString scope = QStringLiteral("pgha-lab");
    LabPorts ports;
    LabTimings timings = LabTimings::demoFast();
    QString runAsUser = QStringLiteral("postgres");   // used only when started as root
    QStringList binarySearchPath;   // empty: $PATH (+ sbin dirs)
    QString pgBinDir;               // empty: discovered
    bool withPgpool = false;        // Pgpool-II beside HAProxy, as the alternative front
    bool restTls = false;           // Patroni REST over https with the lab's own CA (<labDir>/tls)
    bool restAuth = false;          // Basic auth on Patroni's unsafe REST methods (POST/PATCH/…)
    // Docker lab only: the Compose project (names containers, network and volumes) and the image
    // the lab's Dockerfiles build on ("" = debian:bookworm-slim from a registry).
    QString dockerProject = QStringLiteral("pgha-lab");
    QString dockerBaseImage;
    // Docker lab only: the PostgreSQL major, which picks the Debian release every component
    // comes from (15: Debian 12 with Patroni 3.0.2; 17: Debian 13 with Patroni 4.0.7). 0 = the
    // default (15), or whatever an existing lab was made with.
    int dockerPostgres = 0;

    QList<LabComponent> components() const;
    QString memberName(int index) const { return QStringLiteral("pg%1").arg(index + 1); }
    // http://host:port/path on the lab's host.
    QUrl url(int port, const QString &path) const;
    // A member's Patroni REST API (https with restTls): the one place its URL is made. The
    // Patroni client adds the paths (patroni/patroniclient.h).
    QUrl restUrl(int index, const QString &path = {}) const;
    // The member `index`, or the one named `name` (pg1 …), as the Patroni client addresses it;
    // an empty base when the lab has no such member (the client then fails with NotFound).
    MemberApi restApi(int index) const { return {memberName(index), restUrl(index)}; }
    MemberApi restApi(const QString &name) const;

    QJsonObject toJson() const;     // what the state file remembers (no secrets)
    static LabConfig fromJson(const QJsonObject &o, const QString &labDir);

    // $PGHA_LAB_DIR, else a per-user state dir; root gets /var/lib/pgha/lab so that the
    // unprivileged account running PostgreSQL can reach it.
    static QString defaultLabDir();
};

} // namespace pgha::svc

#pragma once

#include "core/result.h"
#include "http/httpsecurity.h"
#include "pg/pgquery.h"

#include <QHash>
#include <QList>
#include <QStringList>
#include <QString>
#include <QUrl>

namespace pgha::svc {

// What the console connects to. Endpoints only: passwords never live in a profile (the lab's
// come from its 0600 state file; other clusters' from the system keychain).
struct Profile {
    enum class Kind { Lab, Staging, Production };

    struct Endpoint {
        QString name;
        QUrl url;
    };

    // Patroni REST API security (YAML `patroni_rest:`). The password is in the keychain, keyed
    // by this profile's file and each API's origin (see profilesecrets.h), never here.
    struct RestSecurity {
        QString username;    // Basic auth user (restapi.authentication.username)
        QString caFile;      // CA that issued the REST API's certificate (https URLs)
        QString certFile;    // client certificate, when the API wants one (verify_client)
        QString keyFile;
        bool verifyTls = true;
        // Patroni asks for Basic auth only on unsafe methods; a proxy in front that wants it on
        // every request needs this (auth_on_reads: true).
        bool authOnReads = false;

        bool isEmpty() const { return *this == RestSecurity(); }
        bool operator==(const RestSecurity &) const = default;
    };
    // Basic auth of etcd's gateway or HAProxy's stats page (`etcd_auth:`, `haproxy_stats_auth:`).
    struct BasicAuth {
        QString username;
        bool operator==(const BasicAuth &) const = default;
    };

    QString name;
    // A profile that does not say what it points at is treated as production: the strictest
    // confirmations, actions off, no write probe. Only the built-in lab and `kind: lab` are labs.
    Kind kind = Kind::Production;
    bool kindAssumed = false;           // the file names no kind: production by default, and the banner says so
    QString sourceFile;                 // empty for the built-in lab profile
    QList<Endpoint> patroni;
    QList<Endpoint> etcd;               // client URLs (v3 JSON gateway)
    QList<Endpoint> postgres;           // each node directly: postgresql://host:port
    QList<Endpoint> pgbouncers;         // admin consoles: postgresql://host:port (database "pgbouncer")
    QList<Endpoint> pgpools;            // Pgpool-II: postgresql://host:port (SHOW POOL_NODES)
    // Prometheus endpoints beyond the ones every Patroni and etcd serves at /metrics
    // (exporters); full URLs, e.g. http://host:9187/metrics.
    QList<Endpoint> metrics;
    bool scrapeBuiltInMetrics = true;   // also Patroni's and etcd's own /metrics
    bool discoverMembers = true;        // add members /cluster names that the profile does not
    QUrl haproxyStats;                  // e.g. http://host:7000/stats (";csv" is added)
    QString dcsNamespace = QStringLiteral("/service/");
    QString scope;                      // Patroni scope ("" = the first in the DCS)
    // HAProxy proxies carrying writes and reads; "" = found by what they route to (see
    // models/haproxyroles.h), which is what a profile should normally leave them at.
    QString haproxyReadWriteProxy;
    QString haproxyReadOnlyProxy;
    PgEndpoint readWrite;
    PgEndpoint readOnly;
    // Who the console logs in as on PgBouncer's admin console and on Pgpool-II (YAML
    // `pgbouncer_user:`, `pgpool_user:`); "" = read_write's user. PostgreSQL itself: read_write's.
    QString pgbouncerUser;
    QString pgpoolUser;
    QString pgbouncerLogin() const { return pgbouncerUser.isEmpty() ? readWrite.user : pgbouncerUser; }
    QString pgpoolLogin() const { return pgpoolUser.isEmpty() ? readWrite.user : pgpoolUser; }
    // TLS to PostgreSQL, PgBouncer and Pgpool (`postgres_tls: {sslmode, root_ca}`) as written
    // in the file; what is used is postgresTlsFor(*this).
    PgTls postgresTls;
    QString labDir;                     // set on the built-in lab profile
    RestSecurity patroniRest;
    BasicAuth etcdAuth;
    BasicAuth haproxyStatsAuth;
    // Operator actions (switchover, restart …) offered at all; a profile file says so
    // explicitly for staging/production; the built-in lab has them on.
    bool actionsEnabled = false;

    static QString kindName(Kind k);
    bool isBuiltInLab() const { return !labDir.isEmpty(); }

};

// The passwords a profile needs, from the keychain (or the lab's state file), each for the
// origin it was stored for: a password never travels to an origin it was not given for.
struct ProfilePasswords {
    QHash<QString, QString> patroniRest;   // by originKey() of a Patroni REST URL
    QHash<QString, QString> etcd;          // by originKey() of an etcd URL
    QString haproxyStats;
    // PostgreSQL, PgBouncer's admin console, Pgpool-II: "" lets libpq find one itself
    // (PGPASSFILE, ~/.pgpass, a service file).
    QString postgres;
    QString pgbouncer;
    QString pgpool;
    QString source;                        // where they came from, for messages ("the lab's state file" …)
};

// The TLS settings for the profile's PostgreSQL connections: the file's postgres_tls when it sets
// an sslmode; otherwise PGSSLMODE/PGSSLROOTCERT when set; otherwise verify-full on production
// profiles, prefer on the lab, and libpq's default elsewhere.
PgTls postgresTlsFor(const Profile &profile);
// Where the profile would send a password over plain http to a host that is not loopback, one
// sentence each ("" entries omitted); production profiles refuse those requests.
QStringList plainHttpCredentialWarnings(const Profile &profile);

// Per-origin HttpSecurity for every HTTP endpoint of `profile` that needs any (Patroni REST and
// its /metrics, etcd, HAProxy stats); credentials only where the profile names a user.
QList<OriginSecurity> httpSecurityForProfile(const Profile &profile, const ProfilePasswords &passwords);
// TLS trust (no credentials) for https Patroni members the profile does not list (discovery).
HttpSecurity patroniTlsDefault(const Profile &profile);

// Profiles live in <config dir>/pgha/profiles/NAME.yaml.
QString profileDirectory();

Result<Profile> parseProfile(const QByteArray &yaml, const QString &sourceName);

// A URL with a user or password in it (https://admin:secret@host) would carry a secret into the
// journal, copyable commands and logs: refused wherever a URL enters. Empty when `url` has none;
// otherwise why, naming the URL without its credentials.
QString urlCredentialsProblem(const QUrl &url);
Result<Profile> loadProfileFile(const QString &path);
QByteArray serialiseProfile(const Profile &profile);
Result<bool> saveProfileFile(const Profile &profile, const QString &path);   // atomic

} // namespace pgha::svc

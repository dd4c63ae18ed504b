#pragma once

#include "core/result.h"
#include "lab/labconfig.h"
#include "pg/pgquery.h"

#include <QList>
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

    QString name;
    Kind kind = Kind::Lab;
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
    QString haproxyReadWriteProxy;      // proxy carrying writes ("" = the one named read_write/primary/…)
    PgEndpoint readWrite;
    PgEndpoint readOnly;
    QString labDir;                     // set on the built-in lab profile

    static QString kindName(Kind k);
    bool isBuiltInLab() const { return !labDir.isEmpty(); }

    static Profile forLab(const LabConfig &config);
};

// Profiles live in <config dir>/pgha/profiles/NAME.yaml.
QString profileDirectory();

Result<Profile> parseProfile(const QByteArray &yaml, const QString &sourceName);
Result<Profile> loadProfileFile(const QString &path);
QByteArray serialiseProfile(const Profile &profile);
Result<bool> saveProfileFile(const Profile &profile, const QString &path);   // atomic

// "lab" (or empty) → the built-in lab profile for `labDir`; an existing file path → that file;
// otherwise NAME in profileDirectory().
Result<Profile> resolveProfile(const QString &nameOrFile, const QString &labDir);

} // namespace pgha::svc

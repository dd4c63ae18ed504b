#pragma once

#include "core/result.h"

#include <QString>
#include <QStringList>

namespace pgha::svc {

struct LabConfig;

// Where the lab's programs are. Found once, before anything starts.
struct LabBinaries {
    QString etcd;
    QString patroni;
    QString pgbouncer;
    QString haproxy;
    QString postgresExporter;
    QString pgpool;       // only needed with LabConfig::withPgpool
    QString setpriv;      // only needed to drop root privileges
    QString openssl;      // only needed with LabConfig::restTls (the lab's CA and certificates)
    QString pgBinDir;     // contains postgres, initdb, pg_ctl, pg_rewind, pg_basebackup
    QString pgVersion;    // major version from the directory layout, when known

    // Every missing program is named with the Debian package that provides it.
    static Result<LabBinaries> locate(const LabConfig &config, bool needSetpriv);
};

// Newest PostgreSQL server bin dir on this machine (Debian, Homebrew, Postgres.app, $PATH).
QString discoverPgBinDir(const QStringList &searchPath);

QString renderTemplate(const QString &text, const QHash<QString, QString> &vars, QString *error);

} // namespace pgha::svc

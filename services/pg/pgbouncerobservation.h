#pragma once

#include "core/result.h"
#include "pg/pgquery.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace pgha::svc {

// What one PgBouncer says through its admin console (database "pgbouncer").
struct PgBouncerObservation {
    struct Database {   // SHOW DATABASES: where each pooled database really points
        QString name, host, database, poolMode;
        int port = 0;
        int poolSize = 0;
        int currentConnections = 0;
    };
    struct Pool {       // SHOW POOLS
        QString database, user, poolMode;
        int clientsActive = 0, clientsWaiting = 0;
        int serversActive = 0, serversIdle = 0, serversUsed = 0;
        double maxWaitS = 0;
    };
    QString name;
    QList<Database> databases;   // the admin console's own "pgbouncer" entry left out
    QList<Pool> pools;
    qint64 fetchedAtMs = 0;

    // host:port the pooled databases point at ("" when none or several differ).
    QString target() const;
};

Result<PgBouncerObservation> parsePgBouncer(const PgResultSet &showDatabases, const PgResultSet &showPools);

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::PgBouncerObservation)

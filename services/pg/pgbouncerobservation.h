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
    struct Stats {      // SHOW STATS: totals since start, and averages over the last period
        QString database;
        qint64 totalXacts = 0, totalQueries = 0, totalReceived = 0, totalSent = 0;
        qint64 avgXactUs = 0, avgQueryUs = 0, avgWaitUs = 0;
        qint64 avgXactsPerSecond = 0;
    };
    struct Server {     // SHOW SERVERS: one row per server connection
        QString user, database, state, address;
        int port = 0;
        QString applicationName;
        QString localAddress;   // the PgBouncer's own address on that connection (local_addr)
    };
    QString name;
    QList<Database> databases;   // the admin console's own "pgbouncer" entry left out
    QList<Pool> pools;
    QList<Stats> stats;
    QList<Server> servers;
    QStringList ownAddresses;    // SHOW CLIENTS: local_addr of the admin console's clients
    qint64 fetchedAtMs = 0;

    // host:port the pooled databases point at ("" when none or several differ).
    QString target() const;
};

// The admin commands the poller sends, in this order, on one connection.
QStringList pgBouncerAdminCommands();
// Result sets of pgBouncerAdminCommands(), in order. SHOW STATS, SHOW SERVERS and SHOW CLIENTS
// may be empty or missing sets (older PgBouncers, or no server connection yet).
Result<PgBouncerObservation> parsePgBouncer(const QList<PgResultSet> &sets);
Result<PgBouncerObservation> parsePgBouncer(const PgResultSet &showDatabases, const PgResultSet &showPools);

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::PgBouncerObservation)

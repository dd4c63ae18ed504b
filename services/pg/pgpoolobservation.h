#pragma once

#include "core/result.h"
#include "pg/pgquery.h"

#include <QList>
#include <QMetaType>
#include <QString>

namespace pgha::svc {

// What Pgpool-II says of its backends (SHOW POOL_NODES): its own idea of each node's status
// and role, next to PostgreSQL's (pg_status, pg_role, Pgpool 4.3+).
struct PgpoolObservation {
    struct Node {
        int id = 0;
        QString host;
        int port = 0;
        QString status;          // up, down, waiting, quarantine, unused
        QString pgStatus;        // what PostgreSQL answered ("" before 4.3)
        QString role;            // primary, standby
        QString pgRole;
        double lbWeight = 0;
        qint64 selectCount = 0;
        bool loadBalanceNode = false;
        qint64 replicationDelay = 0;   // bytes (or seconds, per delay_threshold_by_time)
        QString replicationState, syncState, lastStatusChange;

        QString hostPort() const { return QStringLiteral("%1:%2").arg(host).arg(port); }
    };
    QString name;
    QList<Node> nodes;
    qint64 fetchedAtMs = 0;

    // host:port of every node Pgpool sends writes to (role primary, status up).
    QStringList primaries() const;
};

Result<PgpoolObservation> parsePgpoolNodes(const PgResultSet &showPoolNodes);

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::PgpoolObservation)

#pragma once

#include "core/result.h"
#include "pg/pgquery.h"

#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace pgha::svc {

// What one PostgreSQL server says about itself, straight from its catalogs.
struct PgNodeObservation {
    struct Walsender {
        QString applicationName, clientAddr, state, syncState;
        QString sentLsn, writeLsn, flushLsn, replayLsn;
        std::optional<double> writeLagS, flushLagS, replayLagS;   // NULL when no WAL is flowing
        std::optional<qint64> replayLagBytes;
    };
    struct WalReceiver {
        QString status, senderHost, slotName, latestEndLsn;
        int senderPort = 0;
        qint64 receivedTimeline = 0;
        std::optional<double> lastMessageAgeS;
    };
    QString name;                 // the profile's name for the node
    bool inRecovery = false;
    std::optional<qint64> timeline;
    QString currentLsn, receiveLsn, replayLsn;
    std::optional<double> replayAgeS;   // since the last replayed transaction (replicas)
    QString serverVersion;
    QList<Walsender> replication;       // the primary's walsenders
    std::optional<WalReceiver> walReceiver;
    qint64 fetchedAtMs = 0;
};

// The SQL the poller sends: one round trip, three result sets (node, walsenders, receiver).
QString pgObservationSql();

// Parses the three result sets of pgObservationSql(). Pure, for recorded result sets.
Result<PgNodeObservation> parsePgObservation(const QList<PgResultSet> &sets);

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::PgNodeObservation)

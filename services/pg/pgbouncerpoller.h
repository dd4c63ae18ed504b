#pragma once

#include "pg/pgbouncerobservation.h"
#include "pg/sqlsourcepoller.h"

namespace pgha::svc {

// Polls each PgBouncer's admin console (database "pgbouncer"): SHOW DATABASES (its real
// target), POOLS (clients active/waiting, servers active/idle), STATS and SERVERS, one
// command per query on one connection.
class PgBouncerPoller : public SqlSourcePoller {
    Q_OBJECT
public:
    explicit PgBouncerPoller(HttpClient *http, QObject *parent = nullptr);

signals:
    void observed(const pgha::svc::PgBouncerObservation &observation);

protected:
    QStringList commands() const override { return pgBouncerAdminCommands(); }
    QString database() const override { return QStringLiteral("pgbouncer"); }
    int defaultPort() const override { return 6432; }
    QString handle(const Endpoint &endpoint, const QList<PgResultSet> &sets) override;
};

} // namespace pgha::svc

#pragma once

#include "pg/pgobservation.h"
#include "pg/sqlsourcepoller.h"

namespace pgha::svc {

// Asks every PostgreSQL server directly (not through HAProxy or a pooler) what it is: in
// recovery or not, its timeline and LSNs, its walsenders with lag in bytes and seconds, its
// WAL receiver. One round trip per node and round on a kept session; fully asynchronous.
// Without a password libpq uses PGPASSFILE or ~/.pgpass.
class PgPoller : public SqlSourcePoller {
    Q_OBJECT
public:
    explicit PgPoller(HttpClient *http, QObject *parent = nullptr);
    void setCredentials(const QString &user, const QString &database, const QString &password);

signals:
    void observed(const pgha::svc::PgNodeObservation &observation);

protected:
    QStringList commands() const override { return {pgObservationSql()}; }
    QString database() const override { return m_database; }
    int defaultPort() const override { return 5432; }
    bool sendsStatementTimeout() const override { return true; }
    QString handle(const Endpoint &endpoint, const QList<PgResultSet> &sets) override;
    QString displayLabel(const QString &label) const override { return label + QStringLiteral(" SQL"); }

private:
    QString m_database = QStringLiteral("postgres");
};

} // namespace pgha::svc

#pragma once

#include "core/endpointpoller.h"
#include "pg/pgobservation.h"

namespace pgha::svc {

// Asks every PostgreSQL server directly (not through HAProxy or a pooler) what it is: in
// recovery or not, its timeline and LSNs, its walsenders with lag in bytes and seconds, its
// WAL receiver. One connection and one round trip per node and round; fully asynchronous.
// Endpoints are postgresql://host:port URLs. Without a password libpq uses PGPASSFILE or
// ~/.pgpass.
class PgPoller : public EndpointPoller {
    Q_OBJECT
public:
    explicit PgPoller(HttpClient *http, QObject *parent = nullptr);
    void setCredentials(const QString &user, const QString &database, const QString &password);

signals:
    void observed(const pgha::svc::PgNodeObservation &observation);

protected:
    void fetch(int index, quint64 generation) override;
    void roundComplete() override {}
    QString displayLabel(const QString &label) const override { return label + QStringLiteral(" SQL"); }

private:
    QString m_user = QStringLiteral("postgres");
    QString m_database = QStringLiteral("postgres");
    QString m_password;
};

} // namespace pgha::svc

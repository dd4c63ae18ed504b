#pragma once

#include "core/endpointpoller.h"
#include "pg/pgbouncerobservation.h"

namespace pgha::svc {

// Polls each PgBouncer's admin console: SHOW DATABASES (its real target) then SHOW POOLS
// (clients active/waiting, servers active/idle). The console takes one command per query.
class PgBouncerPoller : public EndpointPoller {
    Q_OBJECT
public:
    explicit PgBouncerPoller(HttpClient *http, QObject *parent = nullptr);
    void setCredentials(const QString &user, const QString &password);

signals:
    void observed(const pgha::svc::PgBouncerObservation &observation);

protected:
    void fetch(int index, quint64 generation) override;
    void roundComplete() override {}

private:
    QString m_user = QStringLiteral("postgres");
    QString m_password;
};

} // namespace pgha::svc

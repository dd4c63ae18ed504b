#pragma once

#include "pg/pgpoolobservation.h"
#include "pg/sqlsourcepoller.h"

namespace pgha::svc {

// Polls each Pgpool-II with SHOW POOL_NODES (through its normal port, as a client).
class PgpoolPoller : public SqlSourcePoller {
    Q_OBJECT
public:
    explicit PgpoolPoller(HttpClient *http, QObject *parent = nullptr);

signals:
    void observed(const pgha::svc::PgpoolObservation &observation);

protected:
    QStringList commands() const override { return {QStringLiteral("SHOW POOL_NODES")}; }
    QString database() const override { return QStringLiteral("postgres"); }
    int defaultPort() const override { return 9999; }
    QString handle(const Endpoint &endpoint, const QList<PgResultSet> &sets) override;
    QString displayLabel(const QString &label) const override { return label + QStringLiteral(" SHOW POOL_NODES"); }
};

} // namespace pgha::svc

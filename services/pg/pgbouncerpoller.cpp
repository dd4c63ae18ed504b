#include "pgbouncerpoller.h"

#include <QDateTime>

namespace pgha::svc {

PgBouncerPoller::PgBouncerPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("pgbouncer"), parent) {}

void PgBouncerPoller::setCredentials(const QString &user, const QString &password)
{
    m_user = user;
    m_password = password;
}

PgQuery *PgBouncerPoller::adminQuery(const Endpoint &endpoint, const QString &command)
{
    auto *q = new PgQuery({endpoint.baseUrl.host(), endpoint.baseUrl.port(6432), m_user, QStringLiteral("pgbouncer"), m_password,
                           QStringLiteral("pgha-console")},
                          command, timeoutMs(), this);
    q->setSendStatementTimeout(false);   // the admin console knows only its own SET keys
    return q;
}

void PgBouncerPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    auto *databases = adminQuery(endpoint, QStringLiteral("SHOW DATABASES"));
    connect(databases, &PgQuery::finished, this, [this, databases, index, generation, endpoint](const PgResult &dbs) {
        databases->deleteLater();
        if (!dbs.ok) {
            finishEndpoint(index, generation, dbs.elapsedMs, dbs.error);
            return;
        }
        auto *pools = adminQuery(endpoint, QStringLiteral("SHOW POOLS"));
        connect(pools, &PgQuery::finished, this, [this, pools, index, generation, endpoint, dbs](const PgResult &p) {
            pools->deleteLater();
            QString error = p.ok ? QString() : p.error;
            if (p.ok) {
                auto parsed = parsePgBouncer(dbs.sets.value(0), p.sets.value(0));
                if (parsed) {
                    PgBouncerObservation o = std::move(parsed).value();
                    o.name = endpoint.label;
                    o.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
                    emit observed(o);
                } else {
                    error = parsed.error().toString();
                }
            }
            finishEndpoint(index, generation, dbs.elapsedMs + p.elapsedMs, error);
        });
        pools->start();
    });
    databases->start();
}

} // namespace pgha::svc

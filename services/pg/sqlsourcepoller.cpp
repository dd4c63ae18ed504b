#include "sqlsourcepoller.h"

namespace pgha::svc {

SqlSourcePoller::SqlSourcePoller(HttpClient *http, QString sourceKind, QObject *parent)
    : EndpointPoller(http, std::move(sourceKind), parent)
{
}

void SqlSourcePoller::setCredentials(const QString &user, const QString &password)
{
    m_user = user;
    m_password = password;
}

void SqlSourcePoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    auto *q = new PgQuery({endpoint.baseUrl.host(), endpoint.baseUrl.port(defaultPort()), m_user, database(), m_password,
                           QStringLiteral("pgha-console")},
                          commands(), timeoutMs(), this);
    q->setSendStatementTimeout(sendsStatementTimeout());
    connect(q, &PgQuery::finished, this, [this, q, index, generation, endpoint](const PgResult &r) {
        q->deleteLater();
        QString error = r.error;
        if (r.ok && generation == currentGeneration())
            error = handle(endpoint, r.sets);
        finishEndpoint(index, generation, r.elapsedMs, error);
    });
    q->start();
}

} // namespace pgha::svc

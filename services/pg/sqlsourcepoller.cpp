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
    dropSessions();   // logged in with the old credentials
}

void SqlSourcePoller::dropSessions()
{
    for (auto &s : m_sessions)
        s.query->deleteLater();   // closes its connection; a late answer is dropped with it
    m_sessions.clear();
}

void SqlSourcePoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    const QString key = endpoint.label + QLatin1Char(' ') + endpoint.baseUrl.toString();
    Session &session = m_sessions[key];
    if (!session.query) {
        session.query = new PgQuery({endpoint.baseUrl.host(), endpoint.baseUrl.port(defaultPort()), m_user, database(), m_password,
                                     QStringLiteral("pgha-console")},
                                    commands(), timeoutMs(), this);
        session.query->setKeepOpen(true);
        session.query->setSendStatementTimeout(sendsStatementTimeout());
        connect(session.query, &PgQuery::finished, this, [this, key, endpoint](const PgResult &r) {
            const Session s = m_sessions.value(key);
            QString error = r.error;
            if (r.ok && s.generation == currentGeneration())
                error = handle(endpoint, r.sets);
            finishEndpoint(s.index, s.generation, r.elapsedMs, error);
        });
    }
    session.index = index;
    session.generation = generation;
    session.query->setTimeoutMs(timeoutMs());
    session.query->start();
}

} // namespace pgha::svc

#include "pgpoller.h"

#include <QDateTime>

namespace pgha::svc {

PgPoller::PgPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("postgres"), parent) {}

void PgPoller::setCredentials(const QString &user, const QString &database, const QString &password)
{
    m_user = user;
    m_database = database;
    m_password = password;
}

void PgPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    const PgEndpoint target{endpoint.baseUrl.host(), endpoint.baseUrl.port(5432), m_user, m_database, m_password,
                            QStringLiteral("pgha-console")};
    auto *q = new PgQuery(target, pgObservationSql(), timeoutMs(), this);
    connect(q, &PgQuery::finished, this, [this, q, index, generation, endpoint](const PgResult &r) {
        q->deleteLater();
        QString error = r.ok ? QString() : r.error;
        if (r.ok) {
            auto parsed = parsePgObservation(r.sets);
            if (parsed) {
                PgNodeObservation o = std::move(parsed).value();
                o.name = endpoint.label;
                o.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
                emit observed(o);
            } else {
                error = parsed.error().toString();
            }
        }
        finishEndpoint(index, generation, r.elapsedMs, error);
    });
    q->start();
}

} // namespace pgha::svc

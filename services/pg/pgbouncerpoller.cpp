#include "pgbouncerpoller.h"

#include <QDateTime>

namespace pgha::svc {

PgBouncerPoller::PgBouncerPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("pgbouncer"), parent) {}

void PgBouncerPoller::setCredentials(const QString &user, const QString &password)
{
    m_user = user;
    m_password = password;
}

void PgBouncerPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    // One connection per round: the admin console answers one command per query, so the
    // commands go one after another on it.
    auto *q = new PgQuery({endpoint.baseUrl.host(), endpoint.baseUrl.port(6432), m_user, QStringLiteral("pgbouncer"), m_password,
                           QStringLiteral("pgha-console")},
                          pgBouncerAdminCommands(), timeoutMs(), this);
    q->setSendStatementTimeout(false);   // the admin console knows only its own SET keys
    connect(q, &PgQuery::finished, this, [this, q, index, generation, endpoint](const PgResult &r) {
        q->deleteLater();
        QString error = r.error;
        if (r.ok) {
            if (auto parsed = parsePgBouncer(r.sets)) {
                PgBouncerObservation o = std::move(parsed).value();
                o.name = endpoint.label;
                o.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
                if (generation == currentGeneration())
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

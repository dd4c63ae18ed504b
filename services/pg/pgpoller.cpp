#include "pgpoller.h"

#include <QDateTime>

namespace pgha::svc {

PgPoller::PgPoller(HttpClient *http, QObject *parent) : SqlSourcePoller(http, QStringLiteral("postgres"), parent) {}

void PgPoller::setCredentials(const QString &user, const QString &database, const QString &password)
{
    m_database = database;
    SqlSourcePoller::setCredentials(user, password);
}

QString PgPoller::handle(const Endpoint &endpoint, const QList<PgResultSet> &sets)
{
    auto parsed = parsePgObservation(sets);
    if (!parsed)
        return parsed.error().toString();
    PgNodeObservation o = std::move(parsed).value();
    o.name = endpoint.label;
    o.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
    emit observed(o);
    return {};
}

} // namespace pgha::svc

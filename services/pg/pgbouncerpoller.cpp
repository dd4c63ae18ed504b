#include "pgbouncerpoller.h"

#include <QDateTime>

namespace pgha::svc {

PgBouncerPoller::PgBouncerPoller(HttpClient *http, QObject *parent) : SqlSourcePoller(http, QStringLiteral("pgbouncer"), parent) {}

QString PgBouncerPoller::handle(const Endpoint &endpoint, const QList<PgResultSet> &sets)
{
    auto parsed = parsePgBouncer(sets);
    if (!parsed)
        return parsed.error().toString();
    PgBouncerObservation o = std::move(parsed).value();
    o.name = endpoint.label;
    o.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
    emit observed(o);
    return {};
}

} // namespace pgha::svc

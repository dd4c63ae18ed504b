#include "pgpoolpoller.h"

#include <QDateTime>

namespace pgha::svc {

PgpoolPoller::PgpoolPoller(HttpClient *http, QObject *parent) : SqlSourcePoller(http, QStringLiteral("pgpool"), parent) {}

QString PgpoolPoller::handle(const Endpoint &endpoint, const QList<PgResultSet> &sets)
{
    auto parsed = parsePgpoolNodes(sets.value(0));
    if (!parsed)
        return parsed.error().toString();
    PgpoolObservation o = std::move(parsed).value();
    o.name = endpoint.label;
    o.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
    emit observed(o);
    return {};
}

} // namespace pgha::svc

#include "haproxypoller.h"

#include "http/httpclient.h"

namespace pgha::svc {

HaproxyPoller::HaproxyPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("haproxy"), parent) {}

void HaproxyPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    QUrl url = endpoint.baseUrl;
    // The CSV export is the stats URI with ";csv" appended to its path.
    if (!url.path().endsWith(u";csv"))
        url.setPath(url.path() + QStringLiteral(";csv"));
    http()->get(url, timeoutMs(), this, [this, index, generation, endpoint](const HttpResult &r) {
        QString error;
        if (!r.transportOk())
            error = r.error;
        else if (r.status == 401)
            error = QStringLiteral("HTTP 401 from %1: the stats page wants credentials").arg(r.url.authority());
        else if (!r.isSuccess())
            error = QStringLiteral("HTTP %1 from %2").arg(r.status).arg(r.url.toString());
        else if (auto stats = parseHaproxyCsv(r.body))
            emit statsReady(endpoint.label, stats.value());
        else
            error = stats.error().toString();
        finishEndpoint(index, generation, r.elapsedMs, error);
    });
}

} // namespace pgha::svc

#include "metricspoller.h"

#include "http/httpclient.h"

#include <QDateTime>

namespace pgha::svc {

MetricsPoller::MetricsPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("metrics"), parent)
{
    setMinimumIntervalMs(kMinIntervalMs);
}

void MetricsPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    http()->get(endpoint.baseUrl, timeoutMs(), this, [this, index, generation, endpoint](const HttpResult &r) {
        QString error;
        if (!r.transportOk()) {
            error = r.error;
        } else if (!r.isSuccess()) {
            error = QStringLiteral("HTTP %1 from %2").arg(r.status).arg(r.url.toString());
        } else if (auto families = parsePrometheusText(r.body, &digestFamilies())) {
            MetricsDigest digest = digestMetrics(families.value());
            digest.bytes = r.body.size();
            digest.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
            if (generation == currentGeneration())
                emit scraped(endpoint.label, digest);
        } else {
            error = QStringLiteral("%1: %2").arg(r.url.toString(), families.error().toString());
        }
        finishEndpoint(index, generation, r.elapsedMs, error);
    });
}

} // namespace pgha::svc

#pragma once

#include "core/endpointpoller.h"
#include "metrics/metricsdigest.h"

namespace pgha::svc {

// Scrapes Prometheus text endpoints (Patroni's and etcd's own /metrics, the exporters) at a
// Prometheus-like pace: never more often than kMinIntervalMs, whatever the console's poll
// interval, because a page is 1–2 k lines and nothing in it changes the picture in between.
// Endpoints are full URLs (…/metrics).
class MetricsPoller : public EndpointPoller {
    Q_OBJECT
public:
    static constexpr int kMinIntervalMs = 5000;

    explicit MetricsPoller(HttpClient *http, QObject *parent = nullptr);

signals:
    void scraped(const QString &label, const pgha::svc::MetricsDigest &digest);

protected:
    void fetch(int index, quint64 generation) override;
    void roundComplete() override {}
    QString displayLabel(const QString &label) const override { return label + QStringLiteral(" metrics"); }
};

} // namespace pgha::svc

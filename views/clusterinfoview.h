#pragma once

#include "metrics/metricsdigest.h"
#include "patroni/patronitypes.h"

#include <QMap>
#include <QTextBrowser>

namespace pgha::views {

class WhenSeen;

// The cluster-wide facts that belong to no single node: the dynamic configuration in the DCS
// (with the timing preset it matches and Patroni's loop_wait + 2 × retry_timeout ≤ ttl rule),
// the timeline history, which node every source calls the primary right now, and what each
// /metrics endpoint reports.
class ClusterInfoView : public QTextBrowser {
    Q_OBJECT
public:
    explicit ClusterInfoView(QWidget *parent = nullptr);

    void setConfig(const svc::PatroniDynamicConfig &config);
    void setHistory(const QList<svc::TimelineSwitch> &history);
    void setPrimaryBySource(const QMap<QString, QString> &views, bool disagreement);
    void setMetrics(const QMap<QString, svc::MetricsDigest> &metrics);

private:
    void render();

    WhenSeen *m_render;   // laid out only while its tab is seen
    svc::PatroniDynamicConfig m_config;
    QList<svc::TimelineSwitch> m_history;
    QMap<QString, QString> m_views;
    bool m_disagreement = false;
    QMap<QString, svc::MetricsDigest> m_metrics;
    QString m_html;
};

} // namespace pgha::views

#include "clusterinfoview.h"

#include "detailshtml.h"
#include "lab/labconfig.h"
#include "memberformat.h"
#include "whenseen.h"

#include <QJsonDocument>
#include <QScrollBar>

namespace pgha::views {

namespace {
// History entries beyond this are summarised: a long-lived cluster has hundreds.
constexpr int kMaxHistoryRows = 20;

QString figureText(const svc::MetricsFigure &f)
{
    if (f.unit == u"B")
        return models::measuredBytesText(f.value);
    if (f.unit == u"s" && f.key.endsWith(u"_s"))
        return QStringLiteral("%1 ms").arg(f.value * 1000, 0, 'f', 1);
    return QString::number(f.value, 'g', 10);
}
} // namespace

ClusterInfoView::ClusterInfoView(QWidget *parent)
    : QTextBrowser(parent), m_render(new WhenSeen(this, [this] { render(); }))
{
    setObjectName(QStringLiteral("clusterInfo"));
    setOpenLinks(false);
    m_render->request();
}

void ClusterInfoView::setConfig(const svc::PatroniDynamicConfig &config)
{
    m_config = config;
    m_render->request();
}

void ClusterInfoView::setHistory(const QList<svc::TimelineSwitch> &history)
{
    m_history = history;
    m_render->request();
}

void ClusterInfoView::setPrimaryBySource(const QMap<QString, QString> &views, bool disagreement)
{
    if (views == m_views && disagreement == m_disagreement)
        return;
    m_views = views;
    m_disagreement = disagreement;
    m_render->request();
}

void ClusterInfoView::setMetrics(const QMap<QString, svc::MetricsDigest> &metrics)
{
    m_metrics = metrics;
    m_render->request();
}

void ClusterInfoView::render()
{
    QString html;
    // Who is primary, by source.
    {
        QList<std::pair<QString, QString>> rows;
        for (auto it = m_views.cbegin(); it != m_views.cend(); ++it)
            rows.append({it.key(), it.value().isEmpty() ? tr("none") : it.value()});
        html += detailsHtml(rows, m_disagreement ? tr("Primary, by source — THEY DISAGREE") : tr("Primary, by source"),
                            tr("the consistency watchdog; a disagreement window becomes an event on the timeline"));
        if (rows.isEmpty())
            html += tr("<p style='color:gray'>No source has answered yet.</p>");
    }
    // The dynamic configuration.
    if (!m_config.raw.isEmpty()) {
        QList<std::pair<QString, QString>> rows;
        QString preset;
        {
            const int ttl = m_config.effectiveTtl();
            const int loopWait = m_config.effectiveLoopWait();
            const int retry = m_config.effectiveRetryTimeout();
            preset = m_config.setsAnyTiming() ? svc::LabTimings::presetMatching(ttl, loopWait, retry) : QString();
            const int budget = loopWait + 2 * retry;
            rows.append({tr("timings"), QStringLiteral("%1 — %2").arg(m_config.describeTimings(),
                                                                      !m_config.setsAnyTiming() ? tr("Patroni's defaults")
                                                                      : preset.isEmpty()        ? tr("custom")
                                                                                                : tr("preset %1").arg(preset))});
            rows.append({tr("loop_wait + 2 × retry_timeout ≤ ttl"),
                         budget <= ttl ? tr("%1 ≤ %2: holds").arg(budget).arg(ttl)
                                       : tr("%1 > %2: VIOLATED — Patroni may demote a healthy leader").arg(budget).arg(ttl)});
            if (ttl < 20)
                rows.append({tr("note"), tr("ttl below Patroni's documented minimum of 20 s (fine for demos; say so in measurements)")});
        }
        rows.append({tr("maximum_lag_on_failover"),
                     m_config.maximumLagOnFailover ? models::bytesText(*m_config.maximumLagOnFailover)
                                                   : tr("%1 (Patroni's default, not set in the DCS)")
                                                             .arg(models::bytesText(m_config.effectiveMaximumLagOnFailover()))});
        rows.append({tr("synchronous_mode"), m_config.synchronousModeText()});
        rows.append({tr("failsafe_mode"), m_config.failsafeMode ? tr("on") : tr("off")});
        rows.append({tr("use_pg_rewind"), m_config.usePgRewind ? tr("on") : tr("off")});
        for (auto it = m_config.postgresqlParameters.begin(); it != m_config.postgresqlParameters.end(); ++it)
            rows.append({QStringLiteral("postgresql.parameters.") + it.key(), it.value().toVariant().toString()});
        html += detailsHtml(rows, tr("Dynamic configuration (in the DCS)"), tr("Patroni GET /config"));
    }
    // Timeline history, newest first.
    if (!m_history.isEmpty()) {
        html += tr("<h3>Timeline history</h3><table cellspacing=4><tr style='color:gray'><td>timeline</td><td>ended at LSN</td>"
                   "<td>when</td><td>new leader</td><td>reason</td></tr>");
        int shown = 0;
        for (auto it = m_history.crbegin(); it != m_history.crend() && shown < kMaxHistoryRows; ++it, ++shown)
            html += QStringLiteral("<tr><td>%1 → %2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
                            .arg(it->timeline).arg(it->timeline + 1)
                            .arg(QStringLiteral("%1/%2").arg(quint64(it->lsn) >> 32, 0, 16).arg(quint64(it->lsn) & 0xffffffffu, 0, 16).toUpper(),
                                 it->timestamp.toHtmlEscaped(), it->newLeader.toHtmlEscaped(), it->reason.toHtmlEscaped());
        html += QStringLiteral("</table>");
        if (m_history.size() > kMaxHistoryRows)
            html += tr("<p style='color:gray'>… and %1 older switches</p>").arg(m_history.size() - kMaxHistoryRows);
        html += tr("<p style='color:gray'>source: Patroni GET /history</p>");
    }
    // Metrics endpoints.
    if (!m_metrics.isEmpty()) {
        html += tr("<h3>Metrics endpoints</h3><table cellspacing=4>");
        for (auto it = m_metrics.cbegin(); it != m_metrics.cend(); ++it) {
            QStringList figures;
            for (const auto &f : it->figures)
                figures.append(QStringLiteral("%1 %2").arg(f.label, figureText(f)));
            html += QStringLiteral("<tr><td><b>%1</b><br><span style='color:gray'>%2 · %3 samples</span></td><td>%4</td></tr>")
                            .arg(it.key().toHtmlEscaped(), svc::MetricsDigest::originName(it->origin))
                            .arg(it->samples)
                            .arg(figures.join(QStringLiteral(" · ")).toHtmlEscaped());
        }
        html += tr("</table><p style='color:gray'>source: Prometheus text from each endpoint's /metrics, every %1 s at most</p>").arg(5);
    }
    if (html == m_html)
        return;   // laying out rich text is the costly part: only when something changed
    m_html = html;
    const int scroll = verticalScrollBar()->value();
    setHtml(html);
    verticalScrollBar()->setValue(scroll);
}

} // namespace pgha::views

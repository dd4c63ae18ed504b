#include "sourcestatusbar.h"

#include "rolecolors.h"
#include "sourcechip.h"
#include "sourcehealthmodel.h"
#include "whenseen.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QMap>

namespace pgha::views {

namespace {
// A source that answered but is older than this many intervals is shown as stale.
constexpr int kStaleIntervals = 3;
}

SourceStatusBar::SourceStatusBar(models::SourceHealthModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_layout(new QHBoxLayout(this)), m_refresh(new WhenSeen(this, [this] { refresh(); }))
{
    m_layout->setContentsMargins(4, 0, 4, 0);
    m_layout->setSpacing(12);
    m_layout->addStretch(1);
    // Every source that answers changes the model (≈ 20 per round): one refresh for them all.
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(kCoalesceMs);
    connect(&m_coalesce, &QTimer::timeout, this, &SourceStatusBar::requestRefresh);
    connect(model, &models::SourceHealthModel::changed, this, [this] {
        if (!m_coalesce.isActive())
            m_coalesce.start();
    });
    m_ticker.setInterval(kRefreshMs);
    connect(&m_ticker, &QTimer::timeout, this, &SourceStatusBar::requestRefresh);
    m_ticker.start();
}

QString SourceStatusBar::chipText(const QString &sourceId) const
{
    const SourceChip *chip = m_chips.value(sourceId.section(QLatin1Char(':'), 0, 0));
    return chip ? chip->plainText() + QLatin1Char('\n') + chip->toolTipText() : QString();
}

QString SourceStatusBar::latencyBand(qint64 ms)
{
    static constexpr qint64 kBandsMs[] = {10, 50, 100, 250, 500};
    for (const qint64 band : kBandsMs)
        if (ms < band)
            return tr("< %1 ms").arg(band);
    return ms < 1000 ? tr("< 1 s") : tr("≥ 1 s");
}

void SourceStatusBar::requestRefresh()
{
    m_refresh->request();
}

QString SourceStatusBar::toolTip(const QString &kind) const
{
    // Built when someone hovers, from the model as it is then (ages included).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QStringList lines;
    for (const auto &h : m_model->sources())
        if (h.id.section(QLatin1Char(':'), 0, 0) == kind)
            lines.append(QStringLiteral("%1 — %2\n    %3").arg(h.label, h.url.toString(), models::SourceHealthModel::describe(h, now)));
    return lines.join(QLatin1Char('\n'));
}

void SourceStatusBar::refresh()
{
    static const QHash<QString, QString> kNames = {{QStringLiteral("patroni"), QStringLiteral("Patroni")},
                                                   {QStringLiteral("etcd"), QStringLiteral("etcd")},
                                                   {QStringLiteral("haproxy"), QStringLiteral("HAProxy")},
                                                   {QStringLiteral("postgres"), QStringLiteral("PostgreSQL")},
                                                   {QStringLiteral("pgbouncer"), QStringLiteral("PgBouncer")},
                                                   {QStringLiteral("pgpool"), QStringLiteral("Pgpool-II")},
                                                   {QStringLiteral("metrics"), QStringLiteral("metrics")}};
    struct Group {
        int total = 0, reachable = 0, polled = 0, stale = 0;
        qint64 worstLatency = -1;
    };
    QMap<QString, Group> groups;   // ordered by kind
    bool changed = false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &h : m_model->sources()) {
        Group &g = groups[h.id.section(QLatin1Char(':'), 0, 0)];
        ++g.total;
        g.polled += h.everPolled ? 1 : 0;
        g.reachable += h.reachable ? 1 : 0;
        g.stale += (h.reachable && h.intervalMs > 0 && now - h.lastSuccessMs > kStaleIntervals * h.intervalMs) ? 1 : 0;
        if (h.reachable)
            g.worstLatency = std::max(g.worstLatency, h.latencyMs);
    }
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        const Group &g = it.value();
        SourceChip *chip = m_chips.value(it.key());
        if (!chip) {
            chip = new SourceChip(this);
            chip->setObjectName(QStringLiteral("source:") + it.key());
            chip->setToolTipSource([this, kind = it.key()] { return toolTip(kind); });
            m_chips.insert(it.key(), chip);
            QStringList kinds = m_chips.keys();
            kinds.sort();
            m_layout->insertWidget(static_cast<int>(kinds.indexOf(it.key())), chip);
        }
        const QColor color = g.polled == 0                                 ? QColor(0x9e, 0x9e, 0x9e)
                : g.reachable == g.total && g.stale == 0                   ? healthColor(true)
                : g.reachable == 0                                         ? healthColor(false)
                                                                           : pendingColor();
        const QString count = g.polled == 0 ? tr("…") : tr("%1/%2").arg(g.reachable).arg(g.total);
        const QString detail = g.polled > 0 && g.worstLatency >= 0 ? tr("%1 · %2").arg(count, latencyBand(g.worstLatency)) : count;
        changed |= chip->setContent(color, kNames.value(it.key(), it.key()), detail, count);
    }
    if (changed)
        fitChips();
}

void SourceStatusBar::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    fitChips();
}

void SourceStatusBar::fitChips()
{
    // Would the full chips fit? If not, every chip drops its latency (it stays in the tooltip).
    int needed = m_layout->contentsMargins().left() + m_layout->contentsMargins().right();
    for (const auto *chip : std::as_const(m_chips))
        needed += fontMetrics().horizontalAdvance(chip->fullPlainText()) + m_layout->spacing();
    const bool compact = needed > width();
    for (auto *chip : std::as_const(m_chips))
        chip->setCompact(compact);
}

} // namespace pgha::views

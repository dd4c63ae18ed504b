#include "sourcestatusbar.h"

#include "rolecolors.h"
#include "sourcehealthmodel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>

namespace pgha::views {

namespace {
// A source that answered but is older than this many intervals is shown as stale.
constexpr int kStaleIntervals = 3;
}

SourceStatusBar::SourceStatusBar(models::SourceHealthModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_layout(new QHBoxLayout(this))
{
    m_layout->setContentsMargins(4, 0, 4, 0);
    m_layout->setSpacing(14);
    m_layout->addStretch(1);
    connect(model, &models::SourceHealthModel::changed, this, &SourceStatusBar::refresh);
    m_ticker.setInterval(kRefreshMs);
    connect(&m_ticker, &QTimer::timeout, this, &SourceStatusBar::refresh);
    m_ticker.start();
}

QString SourceStatusBar::chipText(const QString &sourceId) const
{
    const QLabel *chip = m_chips.value(sourceId);
    return chip ? chip->text() + QLatin1Char('\n') + chip->toolTip() : QString();
}

void SourceStatusBar::refresh()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &h : m_model->sources()) {
        QLabel *chip = m_chips.value(h.id);
        if (!chip) {
            chip = new QLabel(this);
            chip->setObjectName(QStringLiteral("source:") + h.id);
            m_chips.insert(h.id, chip);
            // Stable order by source id (etcd…, haproxy…, patroni…), whatever answers first.
            QStringList ids = m_chips.keys();
            ids.sort();
            m_layout->insertWidget(static_cast<int>(ids.indexOf(h.id)), chip);
        }
        const bool stale = h.reachable && h.intervalMs > 0 && now - h.lastSuccessMs > kStaleIntervals * h.intervalMs;
        const QColor color = !h.everPolled ? QColor(0x9e, 0x9e, 0x9e)
                : stale                    ? pendingColor()
                                           : healthColor(h.reachable);
        const QString detail = !h.everPolled ? tr("…")
                : h.reachable                ? tr("%1 ms").arg(h.latencyMs)
                                             : tr("unreachable");
        chip->setText(QStringLiteral("<span style='color:%1'>●</span> %2 <span style='color:gray'>%3</span>")
                              .arg(color.name(), h.label.toHtmlEscaped(), detail));
        chip->setToolTip(QStringLiteral("%1\n%2").arg(h.url.toString(), models::SourceHealthModel::describe(h, now)));
    }
}

} // namespace pgha::views

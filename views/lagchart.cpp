#include "lagchart.h"

#include "chartadapter.h"
#include "memberformat.h"
#include "rolecolors.h"
#include "timeseries.h"

#include <QButtonGroup>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
const QColor kPalette[] = {QColor(0x15, 0x65, 0xc0), QColor(0xef, 0x6c, 0x00), QColor(0x6a, 0x1b, 0x9a),
                           QColor(0x00, 0x83, 0x8f), QColor(0xc6, 0x28, 0x28)};
const QString kPrefix = QStringLiteral("lag_bytes:");
}

LagChart::LagChart(const models::SeriesStore *store, QWidget *parent)
    : QWidget(parent), m_store(store), m_chart(new ChartAdapter(this)), m_pause(new QPushButton(tr("Pause"), this)),
      m_frozen(new QLabel(this))
{
    setObjectName(QStringLiteral("lagChart"));
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    auto *group = m_windows = new QButtonGroup(this);
    const char *labels[] = {"1 min", "10 min", "1 h", "24 h"};
    for (int i = 0; i < 4; ++i) {
        auto *b = new QPushButton(QString::fromLatin1(labels[i]), this);
        b->setCheckable(true);
        b->setChecked(kWindowsMs[i] == m_windowMs);
        group->addButton(b, i);
        bar->addWidget(b);
    }
    connect(group, &QButtonGroup::idClicked, this, [this](int id) { setWindowMs(kWindowsMs[id]); });
    bar->addStretch(1);
    m_frozen->setObjectName(QStringLiteral("frozenLabel"));
    m_frozen->setMinimumWidth(m_frozen->fontMetrics().horizontalAdvance(QStringLiteral("frozen at 00:00:00 ")));
    bar->addWidget(m_frozen);
    m_pause->setCheckable(true);
    m_pause->setToolTip(tr("Freeze the picture; collection goes on"));
    bar->addWidget(m_pause);
    connect(m_pause, &QPushButton::toggled, this, &LagChart::setPaused);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_chart->widget(), 1);
    m_chart->setTitle(tr("Replication lag per replica (bytes behind the leader, from Patroni)"));
    m_timer.setInterval(kRedrawMs);
    connect(&m_timer, &QTimer::timeout, this, &LagChart::redraw);
    m_timer.start();
}

LagChart::~LagChart() { delete m_chart; }

void LagChart::setWindowMs(qint64 ms)
{
    m_windowMs = ms;
    for (int i = 0; i < 4; ++i)
        if (kWindowsMs[i] == ms)
            m_windows->button(i)->setChecked(true);
    redraw();
}

void LagChart::setPaused(bool paused)
{
    m_paused = paused;
    m_frozenAtMs = paused ? QDateTime::currentMSecsSinceEpoch() : 0;
    m_pause->setChecked(paused);
    m_pause->setText(paused ? tr("Live") : tr("Pause"));
    m_frozen->setText(frozenText());
    redraw();
}

QString LagChart::frozenText() const
{
    return m_paused ? tr("frozen at %1").arg(QDateTime::fromMSecsSinceEpoch(m_frozenAtMs).toString(QStringLiteral("hh:mm:ss")))
                    : QString();
}

void LagChart::redraw()
{
    redrawAt(m_paused ? m_frozenAtMs : QDateTime::currentMSecsSinceEpoch());
}

void LagChart::redrawAt(qint64 nowMs)
{
    const qint64 from = nowMs - m_windowMs;
    const QStringList keys = m_store->keys(kPrefix);
    QStringList names;
    double yMax = 0;
    for (int i = 0; i < keys.size(); ++i) {
        const QString name = keys[i].mid(kPrefix.size());
        names.append(name);
        m_chart->setSeries(name, kPalette[i % std::size(kPalette)]);
        // About one min/max pair per pixel: never more points than the plot can show.
        const auto *series = m_store->series(keys[i]);
        const QList<QPointF> points = m_naive ? series->rawWindow(from, nowMs) : series->window(from, nowMs, m_chart->plotWidthPx());
        for (const auto &p : points)
            yMax = std::max(yMax, p.y());
        m_chart->replace(name, points);
    }
    m_chart->removeSeriesExcept(names);
    m_chart->setRange(from, nowMs, yMax, tr("bytes (max %1)").arg(models::bytesText(static_cast<qint64>(yMax))));
}

int LagChart::pointCount() const
{
    return m_chart->pointCount();
}

} // namespace pgha::views

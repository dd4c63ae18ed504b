#include "lagchart.h"

#include "chartadapter.h"
#include "memberformat.h"
#include "rolecolors.h"
#include "timeseries.h"
#include "whenseen.h"

#include "settings/usersettings.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace pgha::views {

namespace {
const QColor kPalette[] = {QColor(0x15, 0x65, 0xc0), QColor(0xef, 0x6c, 0x00), QColor(0x6a, 0x1b, 0x9a),
                           QColor(0x00, 0x83, 0x8f), QColor(0xc6, 0x28, 0x28)};
const QString kBytesPrefix = QStringLiteral("lag_bytes:");
const QString kSecondsPrefix = QStringLiteral("lag_seconds:");
}

LagChart::LagChart(const models::SeriesStore *store, QWidget *parent)
    : QWidget(parent), m_store(store), m_chart(new ChartAdapter(this)), m_pause(new QPushButton(tr("Pause"), this)),
      m_frozen(new QLabel(this))
{
    setObjectName(QStringLiteral("lagChart"));
    // The window chosen last time, when it is still one of ours.
    if (const qint64 kept = svc::settings::value(svc::settings::kLagChartWindowMs); std::ranges::count(kWindowsMs, kept) > 0)
        m_windowMs = kept;
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
    auto *unit = new QComboBox(this);
    unit->addItem(tr("bytes · Patroni"));
    unit->addItem(tr("seconds · pg_stat_replication"));
    unit->setToolTip(tr("Bytes behind the leader as Patroni reports them, or the primary's replay_lag"));
    connect(unit, &QComboBox::activated, this, [this](int i) { setSecondsUnit(i == 1); });
    bar->addWidget(unit);
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
    setSecondsUnit(false);
    m_timer.setInterval(kRedrawMs);
    // The clock moves the window every second; a hidden chart follows once it is seen again.
    auto *whenSeen = new WhenSeen(this, [this] { redraw(); });
    connect(&m_timer, &QTimer::timeout, whenSeen, &WhenSeen::request);
    m_timer.start();
}

LagChart::~LagChart() { delete m_chart; }

void LagChart::setWindowMs(qint64 ms)
{
    m_windowMs = ms;
    svc::settings::setValue(svc::settings::kLagChartWindowMs, ms);
    for (int i = 0; i < 4; ++i)
        if (kWindowsMs[i] == ms)
            m_windows->button(i)->setChecked(true);
    redraw();
}

void LagChart::setSecondsUnit(bool seconds)
{
    m_seconds = seconds;
    m_chart->setTitle(seconds ? tr("Replication replay lag per replica (seconds, from the primary's pg_stat_replication)")
                              : tr("Replication lag per replica (bytes behind the leader, from Patroni)"));
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
    const QString prefix = m_seconds ? kSecondsPrefix : kBytesPrefix;
    const QStringList keys = m_store->keys(prefix);
    QStringList names;
    double yMax = 0;
    for (int i = 0; i < keys.size(); ++i) {
        const QString name = keys[i].mid(prefix.size());
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
    if (m_seconds)
        m_chart->setRange(from, nowMs, yMax, tr("seconds (max %1 s)").arg(yMax, 0, 'f', 3), 0.1);
    else
        m_chart->setRange(from, nowMs, yMax, tr("bytes (max %1)").arg(models::measuredBytesText(yMax)));
}

int LagChart::pointCount() const
{
    return m_chart->pointCount();
}

} // namespace pgha::views

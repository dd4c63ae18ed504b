#include "chartadapter.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHash>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <cmath>

namespace pgha::views {

struct ChartAdapter::Impl {
    QChart *chart = new QChart;
    QChartView *view = nullptr;
    QDateTimeAxis *x = new QDateTimeAxis;
    QValueAxis *y = new QValueAxis;
    QHash<QString, QLineSeries *> series;
};

ChartAdapter::ChartAdapter(QWidget *parent) : d(std::make_unique<Impl>())
{
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->x->setFormat(QStringLiteral("hh:mm:ss"));
    d->x->setTickCount(6);
    d->y->setLabelFormat(QStringLiteral("%.0f"));
    d->y->setMin(0);
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    d->view = new QChartView(d->chart, parent);
    d->view->setRenderHint(QPainter::Antialiasing);
}

ChartAdapter::~ChartAdapter() = default;

QWidget *ChartAdapter::widget() const
{
    return d->view;
}

void ChartAdapter::setTitle(const QString &title)
{
    d->chart->setTitle(title);
}

void ChartAdapter::setSeries(const QString &name, const QColor &color)
{
    if (d->series.contains(name))
        return;
    auto *s = new QLineSeries;
    s->setName(name);
    s->setPen(QPen(color, 2));
    s->setUseOpenGL(false);
    d->chart->addSeries(s);
    s->attachAxis(d->x);
    s->attachAxis(d->y);
    d->series.insert(name, s);
}

void ChartAdapter::removeSeriesExcept(const QStringList &names)
{
    for (auto it = d->series.begin(); it != d->series.end();) {
        if (!names.contains(it.key())) {
            d->chart->removeSeries(it.value());
            delete it.value();
            it = d->series.erase(it);
        } else {
            ++it;
        }
    }
}

void ChartAdapter::replace(const QString &name, const QList<QPointF> &points)
{
    if (auto *s = d->series.value(name))
        s->replace(points);
}

void ChartAdapter::setRange(qint64 fromMs, qint64 toMs, double yMax, const QString &yTitle, double minTop)
{
    d->x->setRange(QDateTime::fromMSecsSinceEpoch(fromMs), QDateTime::fromMSecsSinceEpoch(toMs));
    d->x->setFormat(toMs - fromMs > 3600 * 1000 ? QStringLiteral("hh:mm") : QStringLiteral("hh:mm:ss"));
    // A round upper bound (minTop × 2^k) so tick labels read cleanly.
    double top = minTop;
    while (top < yMax * 1.05)
        top *= 2;
    d->y->setLabelFormat(minTop < 1 ? QStringLiteral("%.3g") : QStringLiteral("%.0f"));
    d->y->setRange(0, top);
    d->y->setTickCount(5);
    d->y->setTitleText(yTitle);
}

int ChartAdapter::plotWidthPx() const
{
    return std::max(100, static_cast<int>(d->chart->plotArea().width()));
}

int ChartAdapter::pointCount() const
{
    int n = 0;
    for (const auto *s : d->series)
        n += static_cast<int>(s->count());
    return n;
}

struct DotChartAdapter::Impl {
    QChart *chart = new QChart;
    QChartView *view = nullptr;
    QValueAxis *x = new QValueAxis;
    QValueAxis *y = new QValueAxis;
    QHash<QString, QXYSeries *> series;

    void add(const QString &name, QXYSeries *s)
    {
        s->setName(name);
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        series.insert(name, s);
    }
};

DotChartAdapter::DotChartAdapter(QWidget *parent) : d(std::make_unique<Impl>())
{
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->x->setLabelFormat(QStringLiteral("%d"));
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    d->view = new QChartView(d->chart, parent);
    d->view->setRenderHint(QPainter::Antialiasing);
}

DotChartAdapter::~DotChartAdapter() = default;

QWidget *DotChartAdapter::widget() const
{
    return d->view;
}

void DotChartAdapter::setTitle(const QString &title)
{
    d->chart->setTitle(title);
}

void DotChartAdapter::setDots(const QString &name, const QColor &color)
{
    if (d->series.contains(name))
        return;
    auto *s = new QScatterSeries;
    s->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    s->setMarkerSize(11);
    s->setColor(color);
    s->setBorderColor(color.darker(130));
    d->add(name, s);
}

void DotChartAdapter::setLine(const QString &name, const QColor &color, bool dashed)
{
    if (d->series.contains(name))
        return;
    auto *s = new QLineSeries;
    s->setPen(QPen(color, 1.5, dashed ? Qt::DashLine : Qt::SolidLine));
    d->add(name, s);
}

void DotChartAdapter::replace(const QString &name, const QList<QPointF> &points)
{
    if (auto *s = d->series.value(name)) {
        s->replace(points);
        // An empty series says nothing: keep it out of the legend.
        const auto markers = d->chart->legend()->markers(s);
        for (auto *m : markers)
            m->setVisible(!points.isEmpty());
    }
}

void DotChartAdapter::setRange(double xMin, double xMax, const QString &xTitle, double yMax, const QString &yTitle)
{
    d->x->setRange(xMin, xMax);
    d->x->setTitleText(xTitle);
    // Whole-number ticks, at most ~10 of them.
    const double span = std::max(1.0, xMax - xMin);
    d->x->setTickType(QValueAxis::TicksDynamic);
    d->x->setTickAnchor(1);
    d->x->setTickInterval(std::max(1.0, std::ceil(span / 10)));
    // Four intervals of 1, 2, 2.5 or 5 × 10^k: 0–20 s in steps of 5, not 0–32 in steps of 8.
    constexpr int kIntervals = 4;
    const double raw = std::max(yMax * 1.1, 1e-9) / kIntervals;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * power;
    for (double f : {1.0, 2.0, 2.5, 5.0})
        if (f * power >= raw) {
            step = f * power;
            break;
        }
    d->y->setRange(0, step * kIntervals);
    d->y->setTickCount(kIntervals + 1);
    d->y->setLabelFormat(step < 1 ? QStringLiteral("%.2f") : step < 10 && step != std::floor(step) ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    d->y->setTitleText(yTitle);
}

int DotChartAdapter::pointCount(const QString &name) const
{
    const auto *s = d->series.value(name);
    return s ? static_cast<int>(s->count()) : 0;
}

} // namespace pgha::views

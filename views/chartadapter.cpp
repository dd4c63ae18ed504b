#include "chartadapter.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHash>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

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

} // namespace pgha::views

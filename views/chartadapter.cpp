#include "chartadapter.h"

#include "core/safefs.h"
#include "export/csv.h"
#include "settings/usersettings.h"

#include <QAreaSeries>
#include <QBuffer>
#include <QBarCategoryAxis>
#include <QHorizontalBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFileInfo>
#include <QHash>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPainter>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QValueAxis>

#include <cmath>

namespace pgha::views {

namespace {
// A chart saved before it was ever laid out (a page not shown yet) is drawn at this size.
constexpr QSize kExportSize(960, 540);
constexpr QSize kMinExportSize(320, 200);
constexpr int kYIntervals = 4;
// A chart's logical pixels are 1/96 in (Qt's reference resolution): a PNG at D dpi is drawn D/96 larger.
constexpr double kScreenDpi = 96.0;
constexpr double kMetersPerInch = 0.0254;

// 0 … a round bound over yMax: four intervals of 1, 2, 2.5 or 5 × 10^k, so 0–20 s reads in
// steps of 5, not 0–32 in steps of 8.
void setNiceRange(QValueAxis *axis, double yMax)
{
    const double raw = std::max(yMax * 1.1, 1e-9) / kYIntervals;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * power;
    for (double f : {1.0, 2.0, 2.5, 5.0})
        if (f * power >= raw) {
            step = f * power;
            break;
        }
    axis->setRange(0, step * kYIntervals);
    axis->setTickCount(kYIntervals + 1);
    axis->setLabelFormat(step < 1 ? QStringLiteral("%.2f") : step < 10 && step != std::floor(step) ? QStringLiteral("%.1f")
                                                                                                   : QStringLiteral("%.0f"));
}

QChartView *makeView(QChart *chart, QWidget *parent)
{
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    return view;
}

void hideFromLegend(QChart *chart, QAbstractSeries *s)
{
    const auto markers = chart->legend()->markers(s);
    for (auto *m : markers)
        m->setVisible(false);
}

// The chart's data as CSV, one row per point (series, x, y; a bar set's category and value),
// for a spreadsheet or a plotting script: what the figure shows, not a picture of it.
QByteArray chartCsv(const QChart *chart)
{
    const QList<QAbstractAxis *> xAxes = chart->axes(Qt::Horizontal);
    const bool dateTime = !xAxes.isEmpty() && xAxes.front()->type() == QAbstractAxis::AxisTypeDateTime;
    QByteArray out = svc::csvRecord({QStringLiteral("series"), dateTime ? QStringLiteral("time_utc") : QStringLiteral("x"),
                                     QStringLiteral("y")});
    for (const QAbstractSeries *series : chart->series()) {
        if (const auto *xy = qobject_cast<const QXYSeries *>(series)) {
            for (const QPointF &p : xy->points())
                out += svc::csvRecord({xy->name(),
                                       dateTime ? QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(p.x())).toUTC().toString(Qt::ISODateWithMs)
                                                : QString::number(p.x()),
                                       QString::number(p.y())});
        } else if (const auto *bars = qobject_cast<const QAbstractBarSeries *>(series)) {
            auto *categories = xAxes.isEmpty() ? nullptr : qobject_cast<QBarCategoryAxis *>(xAxes.front());
            const QList<QAbstractAxis *> yAxes = chart->axes(Qt::Vertical);
            auto *vertical = !categories && !yAxes.isEmpty() ? qobject_cast<QBarCategoryAxis *>(yAxes.front()) : nullptr;
            const QStringList names = categories ? categories->categories() : vertical ? vertical->categories() : QStringList();
            for (const QBarSet *set : bars->barSets())
                for (int i = 0; i < set->count(); ++i)
                    out += svc::csvRecord({set->label(), names.value(i, QString::number(i)), QString::number(set->at(i))});
        }
    }
    return out;
}

// PNG at the chosen DPI (the view drawn again at that resolution, not its screen pixels
// enlarged), SVG by painting the view into a QSvgGenerator (vector text and lines), CSV from the
// series. Printed on white whatever the window's theme. Atomic: a reader never sees half a file,
// and a failed save leaves the old one.
svc::Result<bool> saveView(QChartView *view, const QString &path)
{
    if (view->width() < kMinExportSize.width() || view->height() < kMinExportSize.height())
        view->resize(kExportSize);
    const QString suffix = QFileInfo(path).suffix().toLower();
    QByteArray bytes;
    if (suffix == u"csv") {
        bytes = chartCsv(view->chart());
        return svc::fs::writeFileAtomic(path, bytes, svc::fs::kGroupReadFile);
    }
    QChart *chart = view->chart();
    const QBrush background = chart->backgroundBrush();
    const qreal roundness = chart->backgroundRoundness();
    chart->setBackgroundBrush(Qt::white);
    chart->setBackgroundRoundness(0);
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QString problem;
    if (suffix == u"svg") {
        QSvgGenerator generator;
        generator.setOutputDevice(&buffer);
        generator.setSize(view->size());
        generator.setViewBox(QRect(QPoint(0, 0), view->size()));
        generator.setTitle(chart->title());
        generator.setDescription(QStringLiteral("PG HA Console chart"));
        QPainter painter;
        if (painter.begin(&generator)) {
            view->render(&painter);
            painter.end();
        } else {
            problem = QStringLiteral("cannot draw the chart as SVG into %1").arg(path);
        }
    } else {
        const int dpi = svc::settings::exportDpi();
        const double scale = dpi / kScreenDpi;
        QImage image((QSizeF(view->size()) * scale).toSize(), QImage::Format_ARGB32);
        image.fill(Qt::white);
        image.setDotsPerMeterX(static_cast<int>(std::lround(dpi / kMetersPerInch)));
        image.setDotsPerMeterY(static_cast<int>(std::lround(dpi / kMetersPerInch)));
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        view->render(&painter, QRectF(QPointF(0, 0), QSizeF(image.size())), view->viewport()->rect());
        painter.end();
        if (!image.save(&buffer, "PNG"))
            problem = QStringLiteral("cannot encode the chart as PNG for %1").arg(path);
    }
    chart->setBackgroundBrush(background);
    chart->setBackgroundRoundness(roundness);
    if (!problem.isEmpty())
        return svc::makeError(problem);
    return svc::fs::writeFileAtomic(path, bytes, svc::fs::kGroupReadFile);
}
} // namespace

struct ChartAdapter::Impl {
    QChart *chart = new QChart;
    QChartView *view = nullptr;
    QDateTimeAxis *x = new QDateTimeAxis;
    QValueAxis *y = new QValueAxis;
    QHash<QString, QLineSeries *> series;
};

ChartAdapter::ChartAdapter(QWidget *parent) : d(std::make_unique<Impl>())
{
    d->x->setFormat(QStringLiteral("hh:mm:ss"));
    d->x->setTickCount(6);
    d->y->setLabelFormat(QStringLiteral("%.0f"));
    d->y->setMin(0);
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    d->view = makeView(d->chart, parent);
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

svc::Result<bool> ChartAdapter::saveImage(const QString &path) const
{
    return saveView(d->view, path);
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
    d->x->setLabelFormat(QStringLiteral("%d"));
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    d->view = makeView(d->chart, parent);
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
    setNiceRange(d->y, yMax);
    d->y->setTitleText(yTitle);
}

int DotChartAdapter::pointCount(const QString &name) const
{
    const auto *s = d->series.value(name);
    return s ? static_cast<int>(s->count()) : 0;
}

svc::Result<bool> DotChartAdapter::saveImage(const QString &path) const
{
    return saveView(d->view, path);
}

namespace {
// The smallest 1, 2, 2.5 or 5 × 10^k at least `raw`: a tick step people read at a glance.
double niceStep(double raw)
{
    const double power = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    for (double f : {1.0, 2.0, 2.5, 5.0})
        if (f * power >= raw)
            return f * power;
    return 10 * power;
}
constexpr int kXTicks = 8;              // about this many on a linear x axis
constexpr double kLogPadding = 1.25;    // room around the first and last point on a log axis
constexpr int kBandAlpha = 60;
constexpr qreal kMarkerPx = 8;
constexpr qreal kLinePx = 2;
constexpr qreal kDashedLinePx = 1.5;
constexpr qreal kWhiskerCap = 0.12;     // half the cap's width, in bars (a bar is 1 wide)
const QColor kBarColor(0x15, 0x65, 0xc0);
const QColor kBarHighlight(0x61, 0x61, 0x61);
const QColor kWhiskerColor(0x21, 0x21, 0x21);
} // namespace

struct XYChartAdapter::Impl {
    QChart *chart = new QChart;
    QChartView *view = nullptr;
    QAbstractAxis *x = nullptr;   // a QValueAxis, or a QLogValueAxis when log2
    QValueAxis *y = new QValueAxis;
    bool log2 = false;
    QHash<QString, QLineSeries *> lines;
    struct Band {
        QAreaSeries *area = nullptr;
        QLineSeries *lower = nullptr;
        QLineSeries *upper = nullptr;
    };
    QHash<QString, Band> bands;

    void attach(QAbstractSeries *s)
    {
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    // A linear or a log 2 axis: a new axis, every series moved over (the chart holds the series).
    void useAxis(bool log)
    {
        if (x && log == log2)
            return;
        QAbstractAxis *next = log ? static_cast<QAbstractAxis *>(new QLogValueAxis) : new QValueAxis;
        if (auto *logAxis = qobject_cast<QLogValueAxis *>(next)) {
            logAxis->setBase(2);
            logAxis->setLabelFormat(QStringLiteral("%g"));
            logAxis->setMinorTickCount(0);
        }
        chart->addAxis(next, Qt::AlignBottom);
        const auto series = chart->series();
        for (auto *s : series) {
            if (x)
                s->detachAxis(x);
            s->attachAxis(next);
        }
        if (x) {
            next->setTitleText(x->titleText());
            chart->removeAxis(x);
            delete x;
        }
        x = next;
        log2 = log;
    }
};

XYChartAdapter::XYChartAdapter(QWidget *parent) : d(std::make_unique<Impl>())
{
    d->chart->addAxis(d->y, Qt::AlignLeft);
    d->useAxis(false);
    d->view = makeView(d->chart, parent);
}

XYChartAdapter::~XYChartAdapter() = default;

QWidget *XYChartAdapter::widget() const
{
    return d->view;
}

void XYChartAdapter::setTitle(const QString &title)
{
    d->chart->setTitle(title);
}

void XYChartAdapter::setLine(const QString &name, const QColor &color, bool markers, bool dashed)
{
    if (d->lines.contains(name))
        return;
    auto *s = new QLineSeries;
    s->setName(name);
    s->setPen(QPen(color, dashed ? kDashedLinePx : kLinePx, dashed ? Qt::DashLine : Qt::SolidLine));
    s->setPointsVisible(markers);
    if (markers)
        s->setMarkerSize(kMarkerPx);
    d->attach(s);
    d->lines.insert(name, s);
}

void XYChartAdapter::setBand(const QString &name, const QColor &color)
{
    if (d->bands.contains(name))
        return;
    Impl::Band b;
    b.upper = new QLineSeries;
    b.lower = new QLineSeries;
    b.area = new QAreaSeries(b.upper, b.lower);
    b.upper->setParent(b.area);
    b.lower->setParent(b.area);
    b.area->setName(name);
    QColor fill = color;
    fill.setAlpha(kBandAlpha);
    b.area->setBrush(fill);
    b.area->setPen(QPen(fill, 1));
    d->attach(b.area);
    d->bands.insert(name, b);
}

void XYChartAdapter::setSeriesVisible(const QString &name, bool visible)
{
    QAbstractSeries *s = d->lines.value(name);
    if (!s && d->bands.contains(name))
        s = d->bands.value(name).area;
    if (!s)
        return;
    s->setVisible(visible);
    const auto markers = d->chart->legend()->markers(s);
    for (auto *m : markers)
        m->setVisible(visible);
}

void XYChartAdapter::removeSeriesExcept(const QStringList &names)
{
    auto drop = [this, &names](auto &hash, auto series) {
        for (auto it = hash.begin(); it != hash.end();) {
            if (names.contains(it.key())) {
                ++it;
                continue;
            }
            d->chart->removeSeries(series(it.value()));
            delete series(it.value());
            it = hash.erase(it);
        }
    };
    drop(d->lines, [](QLineSeries *l) { return l; });
    drop(d->bands, [](const Impl::Band &b) { return b.area; });
}

void XYChartAdapter::replace(const QString &name, const QList<QPointF> &points)
{
    if (auto *s = d->lines.value(name))
        s->replace(points);
}

void XYChartAdapter::replaceBand(const QString &name, const QList<QPointF> &lower, const QList<QPointF> &upper)
{
    const auto it = d->bands.constFind(name);
    if (it == d->bands.cend())
        return;
    it->lower->replace(lower);
    it->upper->replace(upper);
}

void XYChartAdapter::setXAxis(double min, double max, const QString &title, bool log2, bool integerTicks)
{
    d->useAxis(log2 && min > 0);
    d->x->setTitleText(title);
    if (auto *logAxis = qobject_cast<QLogValueAxis *>(d->x)) {
        logAxis->setRange(min / kLogPadding, max * kLogPadding);
        return;
    }
    auto *axis = static_cast<QValueAxis *>(d->x);
    const double span = std::max(max - min, integerTicks ? 1.0 : 1e-9);
    const double step = integerTicks ? std::max(1.0, std::ceil(niceStep(span / kXTicks))) : niceStep(span / kXTicks);
    axis->setRange(min, std::max(max, min + step));
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(integerTicks ? std::ceil(min) : min);
    axis->setTickInterval(step);
    axis->setLabelFormat(step >= 1 ? QStringLiteral("%.0f") : QStringLiteral("%.1f"));
}

void XYChartAdapter::setYAxis(double yMax, const QString &title)
{
    setNiceRange(d->y, yMax);
    d->y->setTitleText(title);
}

int XYChartAdapter::plotWidthPx() const
{
    return std::max(100, static_cast<int>(d->chart->plotArea().width()));
}

int XYChartAdapter::pointCount(const QString &name) const
{
    if (const auto *s = d->lines.value(name))
        return static_cast<int>(s->count());
    const auto it = d->bands.constFind(name);
    return it == d->bands.cend() ? 0 : static_cast<int>(it->upper->count());
}

svc::Result<bool> XYChartAdapter::saveImage(const QString &path) const
{
    return saveView(d->view, path);
}

struct BarChartAdapter::Impl {
    QChart *chart = new QChart;
    QChartView *view = nullptr;
    QBarCategoryAxis *categories = new QBarCategoryAxis;   // on the left: room for labels of any length
    QValueAxis *values = new QValueAxis;
    int bars = 0;
    int whiskers = 0;
};

BarChartAdapter::BarChartAdapter(QWidget *parent) : d(std::make_unique<Impl>())
{
    d->chart->addAxis(d->values, Qt::AlignBottom);
    d->chart->addAxis(d->categories, Qt::AlignLeft);
    d->view = makeView(d->chart, parent);
}

BarChartAdapter::~BarChartAdapter() = default;

QWidget *BarChartAdapter::widget() const
{
    return d->view;
}

void BarChartAdapter::setTitle(const QString &title)
{
    d->chart->setTitle(title);
}

void BarChartAdapter::setBars(const QList<Bar> &bars, const QString &valueName, const QString &whiskerName, const QString &valueTitle,
                              int highlighted)
{
    d->chart->removeAllSeries();
    d->categories->clear();
    d->bars = static_cast<int>(bars.size());
    d->whiskers = 0;
    // Horizontal bars read top-down in the order given; the axis counts from the bottom.
    const auto row = [n = bars.size()](qsizetype i) { return static_cast<int>(n - 1 - i); };
    QStringList names;
    double top = 0;
    for (const Bar &b : bars) {
        QString name = b.category;
        for (int n = 2; names.contains(name); ++n)
            name = QStringLiteral("%1 (%2)").arg(b.category).arg(n);
        names.append(name);
        top = std::max({top, b.value, b.whisker ? b.whisker->second : 0.0});
    }
    std::reverse(names.begin(), names.end());
    d->categories->append(names);
    setNiceRange(d->values, top);
    d->values->setTitleText(valueTitle);
    if (bars.isEmpty())
        return;

    auto *set = new QBarSet(valueName);
    for (qsizetype i = bars.size() - 1; i >= 0; --i)
        set->append(bars[i].value);
    set->setColor(kBarColor);
    set->setBorderColor(kBarColor.darker(120));
    set->setSelectedColor(kBarHighlight);
    if (highlighted >= 0 && highlighted < bars.size())
        set->selectBar(row(highlighted));
    auto *series = new QHorizontalBarSeries;
    series->append(set);
    d->chart->addSeries(series);
    series->attachAxis(d->values);
    series->attachAxis(d->categories);

    for (qsizetype i = 0; i < bars.size(); ++i) {
        if (!bars[i].whisker)
            continue;
        const auto [low, high] = *bars[i].whisker;
        const qreal y = row(i);
        // One polyline: the low cap, along the bar's middle, the high cap.
        auto *w = new QLineSeries;
        w->setName(whiskerName);
        w->setPen(QPen(kWhiskerColor, kLinePx));
        w->append({QPointF(low, y - kWhiskerCap), QPointF(low, y + kWhiskerCap), QPointF(low, y), QPointF(high, y),
                   QPointF(high, y - kWhiskerCap), QPointF(high, y + kWhiskerCap)});
        d->chart->addSeries(w);
        w->attachAxis(d->values);
        w->attachAxis(d->categories);
        if (d->whiskers++ > 0)
            hideFromLegend(d->chart, w);
    }
}

int BarChartAdapter::barCount() const
{
    return d->bars;
}

int BarChartAdapter::whiskerCount() const
{
    return d->whiskers;
}

svc::Result<bool> BarChartAdapter::saveImage(const QString &path) const
{
    return saveView(d->view, path);
}

} // namespace pgha::views

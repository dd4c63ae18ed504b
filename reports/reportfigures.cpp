#include "reportfigures.h"

#include "core/safefs.h"
#include "export/csv.h"

#include <QBuffer>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace pgha::reports {

namespace {

// Print theme, in figure units (points): the painter is scaled so one unit is one point.
const QColor kInk(0x21, 0x21, 0x21);
const QColor kGrid(0xe0, 0xe0, 0xe0);
const QColor kMuted(0x75, 0x75, 0x75);
const QColor kSeries(0x15, 0x65, 0xc0);
const QColor kFault(0xc6, 0x28, 0x28);
const QColor kRecovered(0x6a, 0x1b, 0x9a);
const QColor kWrites(0x2e, 0x7d, 0x32);
constexpr int kTitlePx = 10;
constexpr int kLabelPx = 8;
constexpr int kSmallPx = 7;
constexpr double kLeftMargin = 56;
constexpr double kEdge = 6;             // white around the title and the y axis' title
constexpr double kRightMargin = 12;
constexpr double kTopMargin = 34;
constexpr double kBottomMargin = 36;
constexpr double kDotRadius = 2.6;
constexpr double kPointsPerInch = 72.0;
constexpr double kInchesPerMeter = 39.3701;
constexpr int kTargetTicks = 5;
constexpr double kMarkLabelWidth = 10;
constexpr int kMarkRows = 3;
constexpr double kLegendHeight = 34;

QFont font(int px, bool bold = false)
{
    QFont f(QStringLiteral("DejaVu Sans"));
    f.setPixelSize(px);
    f.setBold(bold);
    return f;
}

// A step of 1, 2 or 5 × 10^k giving about `ticks` intervals over `range`.
double niceStep(double range, int ticks)
{
    if (range <= 0)
        return 1;
    const double raw = range / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * magnitude)
            return m * magnitude;
    return 10 * magnitude;
}

QString tickText(double v, double step)
{
    const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
    QString t = QString::number(v, 'f', decimals);
    return t == u"-0" ? QStringLiteral("0") : t;
}

struct Axes {
    QRectF plot;
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    double x(double v) const { return plot.left() + (v - xMin) / (xMax - xMin) * plot.width(); }
    double y(double v) const { return plot.bottom() - (v - yMin) / (yMax - yMin) * plot.height(); }
};

void drawTitle(QPainter &p, const QRectF &area, const QString &title, const QString &subtitle)
{
    p.setPen(kInk);
    p.setFont(font(kTitlePx, true));
    p.drawText(QRectF(area.left() + kEdge, area.top() + kEdge, area.width() - 2 * kEdge, kTitlePx + 4), Qt::AlignLeft | Qt::AlignVCenter, title);
    p.setPen(kMuted);
    p.setFont(font(kSmallPx));
    p.drawText(QRectF(area.left() + kEdge, area.top() + kEdge + kTitlePx + 4, area.width() - 2 * kEdge, kSmallPx + 4),
               Qt::AlignLeft | Qt::AlignVCenter, subtitle);
}

// Horizontal grid lines and y labels; the y axis' title rotated at the left.
void drawYAxis(QPainter &p, const Axes &a, const QString &title)
{
    const double step = niceStep(a.yMax - a.yMin, kTargetTicks);
    p.setFont(font(kLabelPx));
    for (double v = std::ceil(a.yMin / step) * step; v <= a.yMax + step * 1e-6; v += step) {
        p.setPen(QPen(kGrid, 0.5));
        p.drawLine(QPointF(a.plot.left(), a.y(v)), QPointF(a.plot.right(), a.y(v)));
        p.setPen(kInk);
        p.drawText(QRectF(a.plot.left() - 40, a.y(v) - 6, 36, 12), Qt::AlignRight | Qt::AlignVCenter, tickText(v, step));
    }
    p.save();
    p.translate(a.plot.left() - 40, a.plot.center().y());
    p.rotate(-90);
    p.setPen(kMuted);
    p.drawText(QRectF(-a.plot.height() / 2, -12, a.plot.height(), 10), Qt::AlignCenter, title);
    p.restore();
    p.setPen(QPen(kInk, 0.8));
    p.drawLine(a.plot.bottomLeft(), a.plot.bottomRight());
    p.drawLine(a.plot.bottomLeft(), a.plot.topLeft());
}

QRectF plotArea(const QRectF &r)
{
    return QRectF(r.left() + kLeftMargin, r.top() + kTopMargin, r.width() - kLeftMargin - kRightMargin,
                  r.height() - kTopMargin - kBottomMargin);
}

// A fixed, even spread of dots around a centre: the same figure every time it is drawn.
double jitter(int index, int count, double halfWidth)
{
    if (count <= 1)
        return 0;
    return -halfWidth + 2 * halfWidth * static_cast<double>(index) / static_cast<double>(count - 1);
}

} // namespace

Figure cellDotPlot(const svc::ExperimentMetric &metric, const QList<svc::CellSummary> &cells)
{
    Figure f;
    f.title = metric.title;
    f.sizePt = QSizeF(450, 240);
    f.csv = [metric, cells] {
        QByteArray out = svc::csvRecord({QStringLiteral("cell"), QStringLiteral("run"), metric.id, QStringLiteral("unit")});
        for (const auto &c : cells)
            if (const svc::MetricSummary *m = c.metric(metric.id))
                for (int i = 0; i < m->values.size(); ++i)
                    out += svc::csvRecord({c.key, QString::number(i + 1), QString::number(m->values[i]), metric.unit});
        return out;
    };
    f.draw = [metric, cells](QPainter &p, const QRectF &r) {
        p.fillRect(r, Qt::white);
        drawTitle(p, r, metric.title + (metric.unit.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(metric.unit)),
                  QStringLiteral("dots: runs · bar: median · whisker: min–max · band: 95 % CI of the mean"));
        Axes a;
        a.plot = plotArea(r);
        double top = 0;
        for (const auto &c : cells)
            if (const svc::MetricSummary *m = c.metric(metric.id)) {
                top = std::max(top, m->max);
                if (m->ciHigh)
                    top = std::max(top, *m->ciHigh);
            }
        a.yMin = 0;
        a.yMax = top > 0 ? top * 1.1 : 1;
        a.xMin = 0;
        a.xMax = std::max<double>(1, static_cast<double>(cells.size()));
        drawYAxis(p, a, metric.unit.isEmpty() ? metric.title : metric.unit);
        const double slot = a.plot.width() / a.xMax;
        p.setRenderHint(QPainter::Antialiasing);
        for (int i = 0; i < cells.size(); ++i) {
            const svc::CellSummary &c = cells[i];
            const double cx = a.x(i + 0.5);
            p.setPen(kInk);
            p.setFont(font(kLabelPx));
            p.drawText(QRectF(cx - slot / 2, a.plot.bottom() + 4, slot, 12), Qt::AlignCenter, c.key);
            const svc::MetricSummary *m = c.metric(metric.id);
            p.setPen(kMuted);
            p.setFont(font(kSmallPx));
            p.drawText(QRectF(cx - slot / 2, a.plot.bottom() + 16, slot, 10), Qt::AlignCenter,
                       QStringLiteral("n = %1").arg(m ? m->n : 0));
            if (!m)
                continue;
            const double half = std::min(18.0, slot / 4);
            if (m->ciLow && m->ciHigh) {
                QColor band = kSeries;
                band.setAlphaF(0.15);
                p.fillRect(QRectF(QPointF(cx - half, a.y(*m->ciHigh)), QPointF(cx + half, a.y(std::max(0.0, *m->ciLow)))), band);
            }
            p.setPen(QPen(kMuted, 0.8));
            p.drawLine(QPointF(cx, a.y(m->min)), QPointF(cx, a.y(m->max)));
            p.drawLine(QPointF(cx - half / 3, a.y(m->min)), QPointF(cx + half / 3, a.y(m->min)));
            p.drawLine(QPointF(cx - half / 3, a.y(m->max)), QPointF(cx + half / 3, a.y(m->max)));
            p.setPen(QPen(kInk, 2));
            p.drawLine(QPointF(cx - half, a.y(m->median)), QPointF(cx + half, a.y(m->median)));
            p.setPen(QPen(kSeries.darker(130), 0.6));
            p.setBrush(kSeries);
            for (int k = 0; k < m->values.size(); ++k)
                p.drawEllipse(QPointF(cx + jitter(k, static_cast<int>(m->values.size()), half * 0.8), a.y(m->values[k])), kDotRadius,
                              kDotRadius);
            p.setBrush(Qt::NoBrush);
            p.setPen(kInk);
            p.setFont(font(kSmallPx));
            p.drawText(QRectF(cx + half + 2, a.y(m->median) - 6, slot / 2 - half, 12), Qt::AlignLeft | Qt::AlignVCenter,
                       svc::formatMetricValue(metric, m->median));
        }
    };
    return f;
}

Figure loadTimeline(const svc::ChaosReport &run, const QString &label)
{
    Figure f;
    f.title = QStringLiteral("pgbench through the fault: %1").arg(label);
    f.sizePt = QSizeF(450, 250);
    f.csv = [run] {
        QByteArray out = svc::csvRecord({QStringLiteral("second_from_fault"), QStringLiteral("committed"), QStringLiteral("failed")});
        if (run.load)
            for (const auto &s : run.load->seconds)
                out += svc::csvRecord({QString::number(static_cast<double>(s.atMs) / 1000.0), QString::number(s.committed),
                                       QString::number(s.failed)});
        return out;
    };
    f.draw = [run, label](QPainter &p, const QRectF &r) {
        p.fillRect(r, Qt::white);
        const svc::ChaosLoadReport *load = run.load ? &*run.load : nullptr;
        drawTitle(p, r, QStringLiteral("pgbench through the fault — %1").arg(label),
                  load ? QStringLiteral("%1; run %2; commits per second, the fault at 0 s; dashed: 90 % of before")
                                 .arg(load->workload, run.runId.left(8))
                       : QStringLiteral("no load in this run"));
        if (!load || load->seconds.isEmpty())
            return;
        Axes a;
        a.plot = plotArea(r).adjusted(0, kMarkRows * (kSmallPx + 1), 0, -kLegendHeight);
        a.xMin = std::min(0.0, static_cast<double>(load->seconds.front().atMs) / 1000.0);
        a.xMax = std::max(1.0, static_cast<double>(load->seconds.back().atMs) / 1000.0 + 1);
        double top = 1;
        for (const auto &s : load->seconds)
            top = std::max(top, static_cast<double>(s.committed));
        a.yMax = top * 1.15;
        drawYAxis(p, a, QStringLiteral("commits/s"));
        const double step = niceStep(a.xMax - a.xMin, 8);
        p.setFont(font(kLabelPx));
        p.setPen(kInk);
        for (double v = std::ceil(a.xMin / step) * step; v <= a.xMax; v += step)
            p.drawText(QRectF(a.x(v) - 20, a.plot.bottom() + 3, 40, 12), Qt::AlignCenter, tickText(v, step));
        p.setPen(kMuted);
        p.drawText(QRectF(a.plot.left(), a.plot.bottom() + 16, a.plot.width(), 12), Qt::AlignCenter,
                   QStringLiteral("seconds from the fault"));
        p.setRenderHint(QPainter::Antialiasing);
        if (load->preFaultTps) {
            const double level = *load->preFaultTps * svc::ChaosLoadReport::kRecoveredShare;
            p.setPen(QPen(kMuted, 0.7, Qt::DashLine));
            p.drawLine(QPointF(a.plot.left(), a.y(level)), QPointF(a.plot.right(), a.y(level)));
        }
        // Seconds without a transaction are missing from the list: zeros on the figure.
        QPainterPath path;
        qint64 previous = load->seconds.front().atMs - 1000;
        bool first = true;
        auto point = [&](double xs, double y) {
            if (first)
                path.moveTo(a.x(xs), a.y(y));
            else
                path.lineTo(a.x(xs), a.y(y));
            first = false;
        };
        // The last second is cut short by pgbench's stop: not drawn, it is no throughput.
        for (const auto &s : load->seconds.mid(0, load->seconds.size() - 1)) {
            for (qint64 gap = previous + 1000; gap < s.atMs; gap += 1000)
                point(static_cast<double>(gap) / 1000.0, 0);
            point(static_cast<double>(s.atMs) / 1000.0, static_cast<double>(s.committed));
            previous = s.atMs;
        }
        p.setPen(QPen(kSeries, 1.4));
        p.drawPath(path);
        // The fault's phases: numbered lines, their names and times in a legend under the axis
        // (they bunch up at the end of the outage: names on the lines would overlap).
        struct Mark {
            std::optional<qint64> atMs;
            QString text;
            QColor color;
        };
        QList<Mark> marks{{0, QStringLiteral("fault"), kFault}};
        for (const auto &ph : run.phases)
            if (ph.atMs && ph.key != u"first_write")
                marks.append({ph.atMs, ph.title, kMuted});
        marks.append({run.rtoMs, QStringLiteral("first write (RTO)"), kWrites});
        marks.append({load->throughputRecoveryMs, QStringLiteral("throughput back within 10 %"), kRecovered});
        marks.erase(std::remove_if(marks.begin(), marks.end(), [](const Mark &m) { return !m.atMs; }), marks.end());
        std::stable_sort(marks.begin(), marks.end(), [](const Mark &x, const Mark &y) { return *x.atMs < *y.atMs; });
        p.setFont(font(kSmallPx));
        QStringList legend;
        double lastX = -1e9;
        int row = 0;
        for (int i = 0; i < marks.size(); ++i) {
            const Mark &m = marks[i];
            const double x = a.x(static_cast<double>(*m.atMs) / 1000.0);
            legend << QStringLiteral("%1 %2 %3 s").arg(i + 1).arg(m.text).arg(static_cast<double>(*m.atMs) / 1000.0, 0, 'f', 2);
            if (x < a.plot.left() || x > a.plot.right())
                continue;
            p.setPen(QPen(m.color, 0.8, Qt::DashLine));
            p.drawLine(QPointF(x, a.plot.top()), QPointF(x, a.plot.bottom()));
            // Marks closer than a label's width stack upwards, then continue in a column to the right.
            row = x - lastX < kMarkLabelWidth ? row + 1 : 0;
            lastX = x;
            p.setPen(m.color);
            const double labelX = x - kMarkLabelWidth / 2 + (row / kMarkRows) * kMarkLabelWidth;
            const double labelY = a.plot.top() - (row % kMarkRows + 1) * (kSmallPx + 1) - 1;
            p.drawText(QRectF(labelX, labelY, kMarkLabelWidth, kSmallPx + 1), Qt::AlignCenter, QString::number(i + 1));
        }
        p.setPen(kInk);
        p.drawText(QRectF(r.left() + 8, a.plot.bottom() + 30, r.width() - 16, r.bottom() - a.plot.bottom() - 30),
                   Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, legend.join(QStringLiteral("  ·  ")));
    };
    return f;
}

Figure benchThroughput(const QList<svc::BenchResult> &all)
{
    static const QColor kPalette[kMaxBenchLines] = {QColor(0x15, 0x65, 0xc0), QColor(0xc6, 0x28, 0x28), QColor(0x2e, 0x7d, 0x32),
                                                    QColor(0x6a, 0x1b, 0x9a), QColor(0xef, 0x6c, 0x00), QColor(0x00, 0x83, 0x8f),
                                                    QColor(0x5d, 0x40, 0x37), QColor(0x61, 0x61, 0x61)};
    const QList<svc::BenchResult> runs = all.mid(0, kMaxBenchLines);
    Figure f;
    f.title = QStringLiteral("Transactions per second");
    f.sizePt = QSizeF(450, 250);
    f.csv = [runs] {
        QByteArray out = svc::csvRecord({QStringLiteral("run"), QStringLiteral("second"), QStringLiteral("tps")});
        for (const auto &r : runs)
            for (const auto &s : r.samples)
                out += svc::csvRecord({r.id, QString::number(s.t), QString::number(s.tps)});
        return out;
    };
    f.draw = [runs](QPainter &p, const QRectF &r) {
        p.fillRect(r, Qt::white);
        drawTitle(p, r, QStringLiteral("pgbench: transactions per second"),
                  QStringLiteral("each run's per-second figures (pgbench -P 1); the legend names the runs"));
        Axes a;
        a.plot = plotArea(r).adjusted(0, 0, 0, -kLegendHeight);
        double top = 1, right = 1;
        for (const auto &run : runs)
            for (const auto &s : run.samples) {
                top = std::max(top, s.tps);
                right = std::max(right, s.t);
            }
        a.xMax = right;
        a.yMax = top * 1.1;
        drawYAxis(p, a, QStringLiteral("tps"));
        const double step = niceStep(a.xMax - a.xMin, 8);
        p.setFont(font(kLabelPx));
        p.setPen(kInk);
        for (double v = 0; v <= a.xMax; v += step)
            p.drawText(QRectF(a.x(v) - 20, a.plot.bottom() + 3, 40, 12), Qt::AlignCenter, tickText(v, step));
        p.setPen(kMuted);
        p.drawText(QRectF(a.plot.left(), a.plot.bottom() + 16, a.plot.width(), 12), Qt::AlignCenter, QStringLiteral("seconds"));
        p.setRenderHint(QPainter::Antialiasing);
        QStringList legend;
        for (int i = 0; i < runs.size(); ++i) {
            QPainterPath path;
            for (int k = 0; k < runs[i].samples.size(); ++k) {
                const QPointF pt(a.x(runs[i].samples[k].t), a.y(runs[i].samples[k].tps));
                k == 0 ? path.moveTo(pt) : path.lineTo(pt);
            }
            p.setPen(QPen(kPalette[i], 1.3));
            p.drawPath(path);
            legend << QStringLiteral("■ %1 %2").arg(runs[i].id, runs[i].configurationText());
        }
        // The legend in each line's colour, one run per line of text.
        p.setFont(font(kSmallPx));
        for (int i = 0; i < legend.size(); ++i) {
            p.setPen(kPalette[i]);
            const double row = i / 2, col = i % 2;
            p.drawText(QRectF(r.left() + kEdge + col * r.width() / 2, a.plot.bottom() + 30 + row * (kSmallPx + 2), r.width() / 2 - kEdge,
                              kSmallPx + 2),
                       Qt::AlignLeft | Qt::AlignVCenter, legend[i]);
        }
    };
    return f;
}

QByteArray figureSvg(const Figure &figure)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator svg;
    svg.setOutputDevice(&buffer);
    svg.setSize(figure.sizePt.toSize());
    svg.setViewBox(QRectF(QPointF(0, 0), figure.sizePt));
    svg.setResolution(static_cast<int>(kPointsPerInch));
    svg.setTitle(figure.title);
    QPainter p(&svg);
    figure.draw(p, QRectF(QPointF(0, 0), figure.sizePt));
    p.end();
    return buffer.data();
}

QImage figureImage(const Figure &figure, int dpi)
{
    const double scale = dpi / kPointsPerInch;
    QImage image((figure.sizePt * scale).toSize(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    const int dotsPerMeter = static_cast<int>(dpi * kInchesPerMeter);
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    QPainter p(&image);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.scale(scale, scale);
    figure.draw(p, QRectF(QPointF(0, 0), figure.sizePt));
    p.end();
    return image;
}

svc::Result<bool> saveFigure(const Figure &figure, const QString &path, int dpi)
{
    QByteArray bytes;
    if (path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)) {
        if (!figure.csv)
            return svc::makeError(QStringLiteral("%1: this figure has no data to write as CSV").arg(path),
                                  QStringLiteral("save it as .png or .svg"));
        bytes = figure.csv();
    } else if (path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive)) {
        bytes = figureSvg(figure);
    } else {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        if (!figureImage(figure, dpi).save(&buffer, "PNG"))
            return svc::makeError(QStringLiteral("could not encode %1 as PNG").arg(path));
    }
    return svc::fs::writeFileAtomic(path, bytes, svc::fs::kGroupReadFile);
}

} // namespace pgha::reports

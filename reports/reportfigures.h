#pragma once

// The figures of a printed report, drawn with QPainter in a print theme (white paper, dark ink,
// whatever the window's theme): the same drawing goes to SVG (QSvgGenerator), into a PDF as
// vectors (QPdfWriter) and to PNG at a chosen DPI.
#include "bench/benchrun.h"
#include "chaos/chaosreport.h"
#include "core/result.h"
#include "experiment/experimentstats.h"

#include <QByteArray>
#include <QImage>
#include <QSizeF>
#include <QString>

#include <functional>

class QPainter;

namespace pgha::reports {

struct Figure {
    QString title;
    QSizeF sizePt;                     // in points (1/72 in): a page's text width is about 450 pt
    std::function<void(QPainter &, const QRectF &)> draw;
    std::function<QByteArray()> csv;   // the data drawn, as CSV (one row per point)
};

inline constexpr int kDefaultFigureDpi = 300;

// One figure per cell of `metric`: every run's value as a dot, the median as a bar, the min–max
// range as a whisker and the mean's 95 % CI as a band.
Figure cellDotPlot(const svc::ExperimentMetric &metric, const QList<svc::CellSummary> &cells);
// pgbench's commits per second through one fault, the fault's phases marked on the same axis.
Figure loadTimeline(const svc::ChaosReport &run, const QString &label);

// pgbench's transactions per second over each run's time, one line per run (at most
// kMaxBenchLines; the rest are in the tables).
inline constexpr int kMaxBenchLines = 8;
Figure benchThroughput(const QList<svc::BenchResult> &runs);

QByteArray figureSvg(const Figure &figure);
QImage figureImage(const Figure &figure, int dpi = kDefaultFigureDpi);
// .svg → SVG, .csv → the data drawn, anything else → PNG at `dpi` (atomic write).
svc::Result<bool> saveFigure(const Figure &figure, const QString &path, int dpi = kDefaultFigureDpi);

} // namespace pgha::reports

#pragma once

#include "core/result.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>

#include <memory>
#include <optional>
#include <utility>

namespace pgha::views {

// The only file that knows Qt Charts (deprecated from Qt 6.10): a time chart with named line
// series, a value chart of dots and reference lines, an XY chart with a numeric x axis and
// bands, and a bar chart with whiskers. Each redraw is one replace() per series; no
// animations. Every chart saves itself as PNG or SVG (saveImage).
class ChartAdapter {
public:
    explicit ChartAdapter(QWidget *parent);
    ~ChartAdapter();

    QWidget *widget() const;
    void setTitle(const QString &title);
    void setSeries(const QString &name, const QColor &color);   // creates it once
    void removeSeriesExcept(const QStringList &names);
    void replace(const QString &name, const QList<QPointF> &points);   // x = ms since epoch
    // `minTop`: the smallest upper bound of the y axis (1 KiB for bytes, 0.1 s for seconds).
    void setRange(qint64 fromMs, qint64 toMs, double yMax, const QString &yTitle, double minTop = 1024);
    int plotWidthPx() const;
    int pointCount() const;   // for tests and benchmarks
    // .svg → SVG (vector), anything else → PNG; written atomically.
    svc::Result<bool> saveImage(const QString &path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Two value axes, named dot series (one marker per point) and named reference lines: e.g. the
// RTO of every run of a fault, with its median and budget drawn across.
class DotChartAdapter {
public:
    explicit DotChartAdapter(QWidget *parent);
    ~DotChartAdapter();

    QWidget *widget() const;
    void setTitle(const QString &title);
    void setDots(const QString &name, const QColor &color);                 // creates it once
    void setLine(const QString &name, const QColor &color, bool dashed);    // creates it once
    void replace(const QString &name, const QList<QPointF> &points);
    // Integer ticks on x (run numbers); y from 0 to a round bound over yMax.
    void setRange(double xMin, double xMax, const QString &xTitle, double yMax, const QString &yTitle);
    int pointCount(const QString &name) const;
    svc::Result<bool> saveImage(const QString &path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// A numeric x axis (seconds of a run, clients of a sweep; linear or log 2), named lines (with
// markers if asked) and named bands: the area between a lower and an upper line, drawn
// translucent under the lines (e.g. latency avg ± stddev).
class XYChartAdapter {
public:
    explicit XYChartAdapter(QWidget *parent);
    ~XYChartAdapter();

    QWidget *widget() const;
    void setTitle(const QString &title);
    void setLine(const QString &name, const QColor &color, bool markers = false, bool dashed = false);   // creates it once
    // Creates it once. Call before the lines it sits under: later series are drawn on top.
    void setBand(const QString &name, const QColor &color);
    // A hidden series leaves the plot and the legend.
    void setSeriesVisible(const QString &name, bool visible);
    void removeSeriesExcept(const QStringList &names);
    void replace(const QString &name, const QList<QPointF> &points);
    void replaceBand(const QString &name, const QList<QPointF> &lower, const QList<QPointF> &upper);
    // `log2`: a base-2 logarithmic axis (clients 1, 2, 4 … 64); otherwise linear with
    // whole-number ticks when `integerTicks`.
    void setXAxis(double min, double max, const QString &title, bool log2 = false, bool integerTicks = false);
    // 0 … a round bound over yMax, four intervals of 1, 2, 2.5 or 5 × 10^k.
    void setYAxis(double yMax, const QString &title);
    int plotWidthPx() const;
    int pointCount(const QString &name) const;   // a band counts its upper line
    svc::Result<bool> saveImage(const QString &path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Horizontal bars, one per category from the top down (the labels get the room they need),
// an optional whisker per bar (an interval), and one bar highlighted (a baseline) in another
// colour. Categories may hold simple HTML (<br> for a second line) — the axis draws rich text.
class BarChartAdapter {
public:
    struct Bar {
        QString category;
        double value = 0;
        std::optional<std::pair<double, double>> whisker;   // low, high
    };

    explicit BarChartAdapter(QWidget *parent);
    ~BarChartAdapter();

    QWidget *widget() const;
    void setTitle(const QString &title);
    // `highlighted`: the index of the bar drawn in another colour (−1: none); say why in its
    // category. The names go to the legend. Categories must differ (a repeated one gets a suffix).
    void setBars(const QList<Bar> &bars, const QString &valueName, const QString &whiskerName, const QString &valueTitle,
                 int highlighted = -1);
    int barCount() const;
    int whiskerCount() const;
    svc::Result<bool> saveImage(const QString &path) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace pgha::views

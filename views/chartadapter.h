#pragma once

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>

#include <memory>

namespace pgha::views {

// The only file that knows Qt Charts (deprecated from Qt 6.10): a time chart with named line
// series, and a value chart of dots and reference lines. Each redraw is one replace() per
// series; no animations.
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

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace pgha::views

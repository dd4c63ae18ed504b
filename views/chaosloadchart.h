#pragma once

#include "chaos/chaosreport.h"

#include <QWidget>

#include <memory>

namespace pgha::views {

class ChartSaveButton;
class XYChartAdapter;

// A fault under load, on the fault's time axis: pgbench's commits per second, the pre-fault
// level and its 90 % line, and vertical marks at the fault, the probe's first write and the
// throughput recovery — the figure a thesis prints beside the report card. Save as PNG/SVG.
class ChaosLoadChart : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMinHeightPx = 220;
    explicit ChaosLoadChart(QWidget *parent = nullptr);
    ~ChaosLoadChart() override;

    // Shows the load of `report` (hidden without one).
    void setReport(const svc::ChaosReport &report);
    int pointCount() const;
    svc::Result<bool> saveImage(const QString &path) const;
    ChartSaveButton *saveButton() const { return m_save; }

private:
    std::unique_ptr<XYChartAdapter> m_chart;
    ChartSaveButton *m_save;
};

} // namespace pgha::views

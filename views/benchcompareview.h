#pragma once

#include "bench/benchrun.h"
#include "benchsummary.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace pgha::views {

class BarChartAdapter;
class ChartSaveButton;
class XYChartAdapter;

// Runs side by side: the median TPS of each configuration as a bar with the 95 % interval of
// its mean as a whisker, and how far each lies from a chosen baseline (Welch's interval of the
// difference, and whether it excludes 0). When the runs swept the number of clients, the
// sweep's curves too: TPS and p95 latency against clients.
class BenchCompareView : public QWidget {
    Q_OBJECT
public:
    enum DetailColumn { DetConfiguration, DetRuns, DetMedian, DetMean, DetCv, DetVsBaseline, DetInterval, DetSignificant, DetColumnCount };
    static constexpr int kDetailRowsShown = 6;   // more scroll

    explicit BenchCompareView(QWidget *parent = nullptr);
    ~BenchCompareView() override;

    // `source` says in words where the runs come from ("the last session", "5 selected runs").
    void setRuns(const QList<svc::BenchResult> &runs, const QString &source);
    // A configuration key (BenchResult::configurationKey()); the first configuration otherwise.
    void setBaseline(const QString &configurationKey);

    const models::BenchComparison &comparison() const { return m_comparison; }
    const QList<models::BenchSweepCurve> &curves() const { return m_curves; }
    BarChartAdapter *barChart() const { return m_bars; }
    XYChartAdapter *sweepTpsChart() const { return m_sweepTps; }
    XYChartAdapter *sweepLatencyChart() const { return m_sweepLatency; }
    ChartSaveButton *barSaveButton() const { return m_saveBars; }
    ChartSaveButton *sweepTpsSaveButton() const { return m_saveSweepTps; }
    ChartSaveButton *sweepLatencySaveButton() const { return m_saveSweepLatency; }
    QComboBox *baselineBox() const { return m_baseline; }
    QLabel *headingLabel() const { return m_heading; }
    QTableWidget *detailsTable() const { return m_details; }
    QWidget *sweepBox() const { return m_sweepBox; }

private:
    void recompute();
    void drawBars();
    void drawSweep();
    void fillDetails();

    QList<svc::BenchResult> m_runs;
    QString m_baselineKey;
    models::BenchComparison m_comparison;
    QList<models::BenchSweepCurve> m_curves;
    BarChartAdapter *m_bars;
    XYChartAdapter *m_sweepTps;
    XYChartAdapter *m_sweepLatency;
    ChartSaveButton *m_saveBars;
    ChartSaveButton *m_saveSweepTps;
    ChartSaveButton *m_saveSweepLatency;
    QComboBox *m_baseline;
    QLabel *m_heading;
    QTableWidget *m_details;
    QLabel *m_saveStatus;
    QWidget *m_sweepBox;
};

} // namespace pgha::views

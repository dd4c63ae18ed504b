#pragma once

#include "chaos/chaosreport.h"

#include <QWidget>

class QLabel;

namespace pgha::views {

class DotChartAdapter;

// The RTO of every kept run of one fault as dots in run order (passed green, failed red), with
// the median, the 95th percentile and the budget drawn across: how the figure spreads, not one
// lucky number. Through the chart adapter; no Qt Charts here.
class RtoDistributionChart : public QWidget {
    Q_OBJECT
public:
    explicit RtoDistributionChart(QWidget *parent = nullptr);
    ~RtoDistributionChart() override;

    // `runs`: every kept run, oldest first; only those of `faultId` are drawn.
    void setRuns(const QString &faultId, const QString &faultTitle, const QList<svc::ChaosReport> &runs);

    int dotCount() const;   // runs drawn (those with an RTO)
    QLabel *summaryLabel() const { return m_summary; }

private:
    DotChartAdapter *m_chart;
    QLabel *m_summary;
};

} // namespace pgha::views

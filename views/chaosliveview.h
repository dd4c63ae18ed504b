#pragma once

#include "chaos/chaosreport.h"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QProgressBar;
class QTableWidget;

namespace pgha::svc {
class ChaosSeries;
}

namespace pgha::views {

class ChaosLiveFeed;
class XYChartAdapter;

// A chaos run as it happens: which run of how many, the stage, a big counter of the outage so
// far (the live RTO) against the budget, and the run's events as they arrive.
class ChaosLiveView : public QWidget {
    Q_OBJECT
public:
    enum Column { At, Source, Text, ColumnCount };

    explicit ChaosLiveView(QWidget *parent = nullptr);
    ~ChaosLiveView() override;

    // Shows each run of `series` as it happens (below), until the series finishes.
    void follow(const svc::ChaosSeries *series, const QString &faultTitle);

    void startRun(const QString &faultTitle, int iteration, int iterations);
    void setStage(const QString &text);
    // `ms` < 0: the fault is not injected yet. `recovered`: writes are acknowledged again, so
    // the counter has stopped at the RTO.
    void setLive(qint64 ms, std::optional<qint64> budgetMs, bool recovered);
    void addEvent(const svc::ChaosReport::Event &event);
    // From here on events are timed from the fault; the ones before it are set-up steps.
    void markFaultInjected();
    // The load's commits per second so far (a fault under load): the chart appears with the
    // first sample; `faultAtS` < 0 before the fault.
    void addLoadSample(double atS, double committedPerS, double faultAtS);
    void finishRun(const svc::ChaosReport &report);

    QLabel *counterLabel() const { return m_counter; }
    QLabel *stageLabel() const { return m_stage; }
    QLabel *headingLabel() const { return m_heading; }
    QTableWidget *events() const { return m_events; }
    QWidget *loadChart() const;
    int loadPointCount() const;

    static QString counterText(qint64 ms);

private:
    QLabel *m_heading;
    QLabel *m_stage;
    QLabel *m_counter;
    QLabel *m_counterNote;
    QProgressBar *m_budget;
    QTableWidget *m_events;
    std::unique_ptr<XYChartAdapter> m_load;
    QList<QPointF> m_loadPoints;
    double m_loadTop = 1;
    ChaosLiveFeed *m_feed;
    bool m_injected = false;
};

} // namespace pgha::views

#pragma once

#include "chaos/chaosreport.h"

#include <QFrame>

#include <optional>

class QLabel;
class QPushButton;

namespace pgha::svc {
class ChaosSeries;
}

namespace pgha::views {

class ChaosLiveFeed;

// A slim strip above the tabs while a chaos run is on, so the topology stays in view during a
// failover demo: what runs, its stage, the live RTO in large type; afterwards the verdict and a
// button to the report card. Hidden while the Chaos tab itself is shown (it says the same).
class ChaosStrip : public QFrame {
    Q_OBJECT
public:
    explicit ChaosStrip(QWidget *parent = nullptr);

    // Shows each run of `series` under `title` — its stage, the live RTO, then the verdict.
    void follow(const svc::ChaosSeries *series, const QString &title);

    void startRun(const QString &title, int iteration, int iterations);
    void setStage(const QString &text);
    void setLive(qint64 ms, bool recovered, std::optional<qint64> budgetMs = std::nullopt);
    void finishRun(const svc::ChaosReport &report);
    // The leader key's countdown beside the live RTO ("pg1's leader key expires in 6.2 s");
    // empty hides it.
    void setLeaderKey(const QString &text);
    // The Chaos tab is the current one: the strip steps aside.
    void setCoveredByTab(bool covered);
    bool isActive() const { return m_active; }

    QLabel *counterLabel() const { return m_counter; }
    QLabel *leaderKeyLabel() const { return m_leaderKey; }
    QLabel *titleLabel() const { return m_title; }
    QLabel *stageLabel() const { return m_stage; }
    QPushButton *reportButton() const { return m_report; }
    QPushButton *cancelButton() const { return m_cancel; }

signals:
    void reportRequested();
    void cancelRequested();

private:
    void updateVisibility();

    QLabel *m_title;
    QLabel *m_stage;
    QLabel *m_counter;
    QLabel *m_caption;
    QLabel *m_leaderKey;
    QPushButton *m_report;
    QPushButton *m_cancel;
    QPushButton *m_close;
    ChaosLiveFeed *m_feed;
    bool m_active = false;
    bool m_covered = false;
};

} // namespace pgha::views

#pragma once

#include <QMainWindow>

#include <functional>

class QAction;
class QComboBox;
class QMenu;
class QLabel;
class QTabWidget;
class QToolBar;
class QTextBrowser;

namespace pgha::models {
class ClusterModel;
class ContainerTableModel;
class EventTimelineModel;
class SeriesStore;
class LabProgressModel;
class SourceHealthModel;
}

namespace pgha::svc {
class ContainerPoller;
class LogFollower;
}

namespace pgha::views {

class ActionMenu;
class BenchPanel;
class ChaosPanel;
class ChaosStrip;
class ClusterInfoView;
class EnvironmentBanner;
class EventTimelineView;
class JournalView;
class LagChart;
class LabPanel;
class LabTab;
class MemberTable;
class SourceStatusBar;
class TopologyView;

// The console's window. It only shows and forwards: all state lives in the models, all work
// in the services, and the Application wires them together.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    MainWindow(models::ClusterModel *cluster, models::LabProgressModel *lab, models::ContainerTableModel *containers,
               models::SourceHealthModel *sources, models::EventTimelineModel *timeline, const models::SeriesStore *series,
               QWidget *parent = nullptr);

    // Start lab starts the current flavour; the two below choose one (Lab menu, and the menu
    // of the toolbar's Start lab button).
    QAction *startLabAction() const { return m_startLab; }
    QAction *startNativeLabAction() const { return m_startNative; }
    QAction *startDockerLabAction() const { return m_startDocker; }
    QAction *stopLabAction() const { return m_stopLab; }
    LabPanel *labPanel() const { return m_labPanel; }
    LabTab *labTab() const { return m_labTab; }
    MemberTable *memberTable() const { return m_members; }
    SourceStatusBar *sourceBar() const { return m_sourceBar; }
    EventTimelineView *timelineView() const { return m_timeline; }
    QComboBox *intervalPicker() const { return m_interval; }
    TopologyView *topology() const { return m_topology; }
    LagChart *lagChart() const { return m_lagChart; }
    ClusterInfoView *clusterInfo() const { return m_clusterInfo; }
    QTabWidget *tabs() const { return m_tabs; }
    QTextBrowser *details() const { return m_details; }
    ActionMenu *actions() const { return m_actions; }
    EnvironmentBanner *banner() const { return m_banner; }
    JournalView *journal() const { return m_journal; }
    QAction *profilesAction() const { return m_profiles; }
    ChaosPanel *chaosPanel() const { return m_chaos; }
    ChaosStrip *chaosStrip() const { return m_chaosStrip; }
    BenchPanel *benchPanel() const { return m_bench; }

    // The banner and the title carry the profile's name and kind (coloured per kind) and
    // whether operator actions are on.
    void setProfile(const QString &name, const QString &kind, const QString &detail, bool actionsEnabled = false,
                    bool kindAssumed = false);
    void setClusterSummary(const QString &html);
    void setMembersPlaceholder(const QString &text);
    // --- The lab: what it shows is given to it, what the person asks for goes out as intents.
    // Busy: a start or stop runs; canStart/canStop follow what the lab directory says.
    void setLabActions(bool busy, bool canStart, bool canStop);
    // Which lab Start lab starts ("native", "docker") and where it lives, for the panel and tooltips.
    void setLabFlavor(const QString &flavor, const QString &where);
    // The lab's log follower and container poller, for the Lab tab to show.
    void setLabSources(svc::LogFollower *logs, svc::ContainerPoller *containers);
    // Start/stop lab offered at all (a profile of the built-in lab).
    void setLabControlsVisible(bool visible);
    void showLabTab();
    void setIntervalMs(int ms);

signals:
    // Start lab: `flavor` "" = the current one, else "native" or "docker".
    void labStartRequested(const QString &flavor);
    void labStopRequested();
    // --- end of the lab
    void intervalChosen(int ms);

public:

    // Asked before the window closes; return false to keep it open (e.g. stop the lab first).
    void setCloseGuard(std::function<bool()> guard) { m_closeGuard = std::move(guard); }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *buildHeader();
    void buildMenus();
    void buildLabMenu(QToolBar *toolbar);
    void showMemberMenu(const QString &member, const QPoint &globalPos);

    MemberTable *m_members;
    LabPanel *m_labPanel;
    LabTab *m_labTab;
    SourceStatusBar *m_sourceBar;
    EventTimelineView *m_timeline;
    QComboBox *m_interval;
    TopologyView *m_topology;
    QTabWidget *m_tabs;
    QTextBrowser *m_details;
    LagChart *m_lagChart;
    ClusterInfoView *m_clusterInfo;
    EnvironmentBanner *m_banner;
    ActionMenu *m_actions;
    JournalView *m_journal;
    ChaosPanel *m_chaos;
    ChaosStrip *m_chaosStrip;
    BenchPanel *m_bench;
    QAction *m_profiles = nullptr;
    QLabel *m_summaryLabel = nullptr;
    QAction *m_startLab;
    QAction *m_startNative;
    QAction *m_startDocker;
    QAction *m_stopLab;
    std::function<bool()> m_closeGuard;
};

} // namespace pgha::views

#pragma once

#include "chaospanel.h"

#include "actions/actiontypes.h"
#include "bench/benchsession.h"

#include <QMainWindow>
#include <QTimer>

#include <functional>
#include <optional>

class QAction;
class QComboBox;
class QMenu;
class QLabel;
class QSplitter;
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
class BenchSession;
class ChaosSeries;
class ContainerPoller;
class LogFollower;
class PgbenchRunner;
}

namespace pgha::views {

class ActionMenu;
class BenchPanel;
class ChaosPanel;
class ChaosStrip;
class ClusterInfoView;
class EnvironmentBanner;
class EventTimelineView;
class ExperimentsView;
class JournalView;
class LagChart;
class LabPanel;
class LabTab;
class MemberTable;
class SourceStatusBar;
class TopologyView;

// The console's window. It only shows and forwards: all state lives in the models, all work
// in the services, and the Application wires them together. The controllers talk to it in
// intents — what was asked for (signals), what to show (methods) — and its panels follow the
// runs and sessions they are given; the widget getters below are for tests and screenshots.
// Its geometry, state and splitters are kept between runs (settings/usersettings.h).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Changes to the geometry and splitters are written once they have settled this long.
    static constexpr int kLayoutSaveDelayMs = 500;
    // How long a "Saved FILE" stays in the status bar.
    static constexpr int kStatusMessageMs = 8000;

    MainWindow(models::ClusterModel *cluster, models::LabProgressModel *lab, models::ContainerTableModel *containers,
               models::SourceHealthModel *sources, models::EventTimelineModel *timeline, const models::SeriesStore *series,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // Start lab starts the current flavour; the two below choose one (Lab menu, and the menu
    // of the toolbar's Start lab button).
    QAction *startLabAction() const { return m_startLab; }
    QAction *startNativeLabAction() const { return m_startNative; }
    QAction *startDockerLabAction() const { return m_startDocker; }
    QAction *startDocker17LabAction() const { return m_startDocker17; }
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
    ExperimentsView *experimentsView() const { return m_experiments; }

    // The banner and the title carry the profile's name and kind (coloured per kind) and
    // whether operator actions are on.
    void setProfile(const QString &name, const QString &kind, const QString &detail, bool actionsEnabled = false,
                    bool kindAssumed = false);
    void setClusterSummary(const QString &html, const QString &time);
    void setMembersPlaceholder(const QString &text);
    // --- The lab: what it shows is given to it, what the person asks for goes out as intents.
    // Busy: a start or stop runs; canStart/canStop follow what the lab directory says.
    void setLabActions(bool busy, bool canStart, bool canStop);
    // Which lab Start lab starts ("native", "docker") and where it lives, for the panel and tooltips.
    void setLabFlavor(const QString &flavor, const QString &where);
    // The lab's log follower and container poller, for the Lab tab to show.
    void setLabSources(svc::LogFollower *logs, svc::ContainerPoller *containers);
    void showLabTab();
    // "chaos", "bench:compare" …: that tab, on that page (tabNames() lists them); false when no
    // such tab or page.
    bool showTab(const QString &spec);
    static QStringList tabNames();
    // The whole window as PNG, written atomically (File → Save window screenshot, --screenshot).
    svc::Result<bool> saveScreenshot(const QString &path);
    void setIntervalMs(int ms);
    int intervalMs() const;
    // Lab controls (start, stop) only where a built-in lab can be: with the built-in lab profile.
    void setLabControlsVisible(bool visible);
    // No keychain: passwords last for this session only, said in the banner and the status bar.
    void showSessionOnlyNotice(const QString &text, const QString &reason);

    // Operator actions: where the journal is kept, and that it grew.
    void setJournalPath(const QString &path);
    void refreshJournal();

    // Chaos: what can run here (the Failover demo in the Actions menu too), the kept runs, and a
    // series as it runs, in the Chaos tab and the strip above the tabs. A demo keeps the
    // topology in view while it runs and opens its report card when the run is done.
    void setChaosFaults(const QList<ChaosPanel::FaultEntry> &faults, bool demoAvailable, const QString &demoWhyNot);
    void setChaosRuns(const QList<svc::ChaosReport> &runs, const QString &storePath, int skippedLines = 0,
                      const QString &storeError = {});
    void followChaosSeries(const svc::ChaosSeries *series, const QString &faultTitle, bool demo);

    // Bench: the targets the profile offers, the kept runs, a session and pgbench -i as they run.
    void setBenchTargets(const QStringList &names);
    void setBenchRuns(const QList<svc::BenchResult> &runs, const QString &storePath, int skippedLines = 0,
                      const QString &storeError = {});
    void showBenchProblem(const QString &text);
    void followBenchSession(const svc::BenchSession *session, const svc::BenchPlan &plan);
    void followBenchInit(const svc::PgbenchRunner *runner);
    void finishBenchInit(bool ok, const QString &text);

signals:
    // Start lab: `flavor` "" = the current one, else "native" or "docker".
    // `postgres`: the Docker lab's PostgreSQL major (15, 17), 0 = as before.
    void labStartRequested(const QString &flavor, int postgres);
    void labStopRequested();
    // --- end of the lab
    void intervalChosen(int ms);
    void profilesRequested();
    // `member`: the member the operator chose in a context menu ("" from the menu bar).
    void actionRequested(pgha::svc::ActionKind kind, const QString &member, bool allMembers);
    void configEditorRequested();
    void failoverDemoRequested();
    void chaosRunRequested(const QString &faultId, int iterations, std::optional<bool> synchronousMode,
                           const QString &injectCommand, const QString &undoCommand, const QString &loadWorkload,
                           int loadClients);
    void chaosCancelRequested();
    void benchRunRequested(const pgha::svc::BenchPlan &plan);
    void benchStopRequested();
    void benchInitRequested(const QString &target, int scale);

public:

    // Asked before the window closes; return false to keep it open (e.g. stop the lab first).
    void setCloseGuard(std::function<bool()> guard) { m_closeGuard = std::move(guard); }

protected:
    void closeEvent(QCloseEvent *event) override;
    // Minimised, nothing is painted (the models keep up; one repaint on restore).
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void moveEvent(QMoveEvent *event) override;

private:
    void forwardIntents();
    void askScreenshot();
    void restoreLayout();
    void fitRestoredSizeToScreen();
    void saveLayout();
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
    ExperimentsView *m_experiments;
    QAction *m_profiles = nullptr;
    QLabel *m_summaryLabel = nullptr;
    QLabel *m_summaryTime = nullptr;   // "at hh:mm:ss" of the answer shown
    QAction *m_startLab;
    QAction *m_startNative;
    QAction *m_startDocker;
    QAction *m_startDocker17;
    QAction *m_stopLab;
    std::function<bool()> m_closeGuard;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_leftSplitter = nullptr;
    QSplitter *m_rightSplitter = nullptr;
    QTimer m_layoutSave;
    bool m_fitWhenShown = false;   // a restored size, fitted again once the frame is known
};

} // namespace pgha::views

#include "mainwindow.h"

#include "savedialog.h"

#include "actionmenu.h"
#include "benchform.h"
#include "benchpanel.h"
#include "chaospanel.h"
#include "chaosstrip.h"
#include "clusterinfoview.h"
#include "clustermodel.h"
#include "environmentbanner.h"
#include "journalview.h"
#include "topologynode.h"
#include "eventtimelineview.h"
#include "experimentsview.h"
#include "labpanel.h"
#include "labtab.h"
#include "lagchart.h"
#include "membertable.h"
#include "sourcestatusbar.h"
#include "topologyview.h"

#include "chaos/chaosseries.h"
#include "core/safefs.h"
#include "settings/usersettings.h"

#include <QAction>
#include <QBuffer>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QTableView>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace pgha::views {

namespace {
constexpr QSize kDefaultSize(1180, 720);
constexpr int kIntervalChoicesMs[] = {250, 500, 1000, 2000, 5000, 10000};
}

MainWindow::MainWindow(models::ClusterModel *cluster, models::LabProgressModel *lab, models::ContainerTableModel *containers,
                       models::SourceHealthModel *sources, models::EventTimelineModel *timeline,
                       const models::SeriesStore *series, QWidget *parent)
    : QMainWindow(parent),
      m_members(new MemberTable(cluster, this)),
      m_labPanel(new LabPanel(lab, this)),
      m_labTab(new LabTab(containers, this)),
      m_sourceBar(new SourceStatusBar(sources, this)),
      m_timeline(new EventTimelineView(timeline, this)),
      m_interval(new QComboBox(this)),
      m_topology(new TopologyView(this)),
      m_tabs(new QTabWidget(this)),
      m_details(new QTextBrowser(this)),
      m_lagChart(new LagChart(series, this)),
      m_clusterInfo(new ClusterInfoView(this)),
      m_banner(new EnvironmentBanner(this)),
      m_actions(new ActionMenu(this)),
      m_journal(new JournalView(this)),
      m_chaos(new ChaosPanel(this)),
      m_chaosStrip(new ChaosStrip(this)),
      m_bench(new BenchPanel(this)),
      m_experiments(new ExperimentsView(this)),
      m_startLab(new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start lab"), this)),
      m_startNative(new QAction(tr("Start lab (native processes)"), this)),
      m_startDocker(new QAction(tr("Start lab (Docker Compose)"), this)),
      m_startDocker17(new QAction(tr("Start lab (Docker Compose, Debian 13: PostgreSQL 17, Patroni 4)"), this)),
      m_stopLab(new QAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop lab"), this))
{
    setWindowTitle(tr("PG HA Console"));
    setObjectName(QStringLiteral("mainWindow"));
    resize(kDefaultSize);

    auto *toolbar = addToolBar(tr("Lab"));
    toolbar->setObjectName(QStringLiteral("labToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);
    m_stopLab->setToolTip(tr("Stop every lab process and free its ports"));
    toolbar->addAction(m_startLab);
    toolbar->addAction(m_stopLab);
    buildMenus();
    buildLabMenu(toolbar);

    auto *left = m_leftSplitter = new QSplitter(Qt::Vertical, this);
    left->setObjectName(QStringLiteral("leftSplitter"));
    auto *membersBox = new QWidget(left);
    auto *membersLayout = new QVBoxLayout(membersBox);
    membersLayout->setContentsMargins(0, 0, 0, 0);
    membersLayout->addWidget(buildHeader());
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->addTab(m_topology, tr("Topology"));
    m_tabs->addTab(m_members, tr("Members"));
    m_tabs->addTab(m_lagChart, tr("Replication lag"));
    m_tabs->addTab(m_clusterInfo, tr("Cluster"));
    m_tabs->addTab(m_journal, tr("Journal"));
    m_tabs->addTab(m_chaos, tr("Chaos"));
    m_tabs->addTab(m_bench, tr("Bench"));
    m_tabs->addTab(m_experiments, tr("Experiments"));
    m_tabs->addTab(m_labTab, tr("Lab"));
    // A chaos run stays in view above whichever tab is shown (the topology, in a demo).
    membersLayout->addWidget(m_chaosStrip);
    connect(m_tabs, &QTabWidget::currentChanged, m_chaosStrip,
            [this] { m_chaosStrip->setCoveredByTab(m_tabs->currentWidget() == m_chaos); });
    membersLayout->addWidget(m_tabs, 1);
    left->addWidget(membersBox);
    left->addWidget(m_timeline);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);

    m_details->setObjectName(QStringLiteral("detailsPanel"));
    m_details->setPlaceholderText(tr("Click a node of the topology to see everything known about it, and from which source."));
    connect(m_topology, &TopologyView::nodeSelected, this, [this](const QString &, const QString &html) { m_details->setHtml(html); });
    auto *right = m_rightSplitter = new QSplitter(Qt::Vertical, this);
    right->setObjectName(QStringLiteral("rightSplitter"));
    right->addWidget(m_labPanel);
    right->addWidget(m_details);
    // The lab panel lists every component (13 to 14 rows) and, after a start, where its time
    // went: it gets the height first; the details fill what is left until a node is clicked.
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);

    auto *main = m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    main->setObjectName(QStringLiteral("mainSplitter"));
    main->addWidget(left);
    main->addWidget(right);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 1);
    main->setSizes({820, 340});
    main->setContentsMargins(8, 8, 8, 0);
    // The banner spans the whole width right under the toolbar: where am I, before anything else.
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(main, 1);
    setCentralWidget(central);

    statusBar()->addPermanentWidget(m_sourceBar, 1);
    m_interval->setObjectName(QStringLiteral("intervalPicker"));
    m_interval->setToolTip(tr("How often every source is polled"));
    for (int ms : kIntervalChoicesMs)
        m_interval->addItem(ms < 1000 ? tr("every %1 ms").arg(ms) : tr("every %1 s").arg(ms / 1000), ms);
    statusBar()->addPermanentWidget(m_interval);
    connect(m_interval, &QComboBox::activated, this, [this] { emit intervalChosen(m_interval->currentData().toInt()); });
    connect(m_labPanel, &LabPanel::detailsRequested, this, &MainWindow::showLabTab);
    setLabFlavor(QStringLiteral("native"), {});
    setLabActions(false, true, false);

    // The Pause/Resume toggle follows what /cluster says.
    auto followPause = [this, cluster] { m_actions->setPaused(cluster->snapshot().paused); };
    connect(cluster, &QAbstractItemModel::dataChanged, m_actions, followPause);
    connect(cluster, &QAbstractItemModel::modelReset, m_actions, followPause);
    forwardIntents();
    restoreLayout();
}

MainWindow::~MainWindow()
{
    saveLayout();
}

// What the menus, the Chaos tab, the strip and the Bench tab ask for, as the window's own
// signals: the controllers listen to the window, not to the widgets inside it.
void MainWindow::forwardIntents()
{
    connect(m_actions, &ActionMenu::actionRequested, this, &MainWindow::actionRequested);
    connect(m_actions, &ActionMenu::configEditorRequested, this, &MainWindow::configEditorRequested);
    connect(m_actions, &ActionMenu::failoverDemoRequested, this, &MainWindow::failoverDemoRequested);
    connect(m_profiles, &QAction::triggered, this, &MainWindow::profilesRequested);
    connect(m_chaos, &ChaosPanel::runRequested, this, &MainWindow::chaosRunRequested);
    connect(m_chaos, &ChaosPanel::cancelRequested, this, &MainWindow::chaosCancelRequested);
    connect(m_chaosStrip, &ChaosStrip::cancelRequested, this, &MainWindow::chaosCancelRequested);
    connect(m_chaosStrip, &ChaosStrip::reportRequested, this, [this] {
        m_tabs->setCurrentWidget(m_chaos);
        m_chaos->showPage(ChaosPanel::Page::ReportCard);
    });
    connect(m_bench, &BenchPanel::runRequested, this, &MainWindow::benchRunRequested);
    connect(m_bench, &BenchPanel::stopRequested, this, &MainWindow::benchStopRequested);
    connect(m_bench, &BenchPanel::initRequested, this, &MainWindow::benchInitRequested);
}

void MainWindow::restoreLayout()
{
    namespace settings = svc::settings;
    if (const QByteArray geometry = settings::value(settings::kWindowGeometry); !geometry.isEmpty() && restoreGeometry(geometry)) {
        fitRestoredSizeToScreen();
        m_fitWhenShown = true;
    }
    if (const QByteArray state = settings::value(settings::kWindowState); !state.isEmpty())
        restoreState(state);
    const std::pair<QSplitter *, const settings::Key<QByteArray> *> splitters[] = {
            {m_mainSplitter, &settings::kMainSplitter}, {m_leftSplitter, &settings::kLeftSplitter}, {m_rightSplitter, &settings::kRightSplitter}};
    for (const auto &[splitter, key] : splitters) {
        if (const QByteArray state = settings::value(*key); !state.isEmpty())
            splitter->restoreState(state);
        connect(splitter, &QSplitter::splitterMoved, &m_layoutSave, qOverload<>(&QTimer::start));
    }
    m_layoutSave.setSingleShot(true);
    m_layoutSave.setInterval(kLayoutSaveDelayMs);
    connect(&m_layoutSave, &QTimer::timeout, this, &MainWindow::saveLayout);
}

// A size remembered on a larger screen (a laptop taken off its monitor) would open the window
// beyond the edges of this one. Qt 6.8 shrinks it inside restoreGeometry; Qt 6.4 only moves it.
// Never below the window's minimum size; a maximised or full-screen window is left as it is.
// Once before the window is shown, without its frame, and once more when it is shown, where
// the platform knows the frame (a window manager that learns it later keeps it on screen itself).
void MainWindow::fitRestoredSizeToScreen()
{
    const QScreen *where = screen();
    if (!where || (windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen)))
        return;
    const QRect screenRoom = where->availableGeometry();
    const QSize frame = frameGeometry().size() - size();   // empty until the window has been shown
    const QSize fitted = size().boundedTo(screenRoom.size() - frame);
    if (fitted == size())
        return;
    resize(fitted);
    // Then within the screen's edges: pos() is the frame's top-left.
    const QSize outer = frameGeometry().size();
    move(std::clamp(x(), screenRoom.left(), std::max(screenRoom.left(), screenRoom.right() + 1 - outer.width())),
         std::clamp(y(), screenRoom.top(), std::max(screenRoom.top(), screenRoom.bottom() + 1 - outer.height())));
}

void MainWindow::saveLayout()
{
    namespace settings = svc::settings;
    m_layoutSave.stop();
    settings::setValue(settings::kWindowGeometry, saveGeometry());
    settings::setValue(settings::kWindowState, saveState());
    settings::setValue(settings::kMainSplitter, m_mainSplitter->saveState());
    settings::setValue(settings::kLeftSplitter, m_leftSplitter->saveState());
    settings::setValue(settings::kRightSplitter, m_rightSplitter->saveState());
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    m_layoutSave.start();
}

void MainWindow::moveEvent(QMoveEvent *event)
{
    QMainWindow::moveEvent(event);
    m_layoutSave.start();
}

void MainWindow::showSessionOnlyNotice(const QString &text, const QString &reason)
{
    m_banner->setNotice(text);
    m_banner->setToolTip(reason);
    statusBar()->showMessage(text + QStringLiteral(" (") + reason + QLatin1Char(')'));
}

void MainWindow::setJournalPath(const QString &path)
{
    m_journal->setJournalPath(path);
}

void MainWindow::refreshJournal()
{
    m_journal->refresh();
}

void MainWindow::setChaosFaults(const QList<ChaosPanel::FaultEntry> &faults, bool demoAvailable, const QString &demoWhyNot)
{
    m_chaos->setFaults(faults);
    m_actions->setFailoverDemoAvailable(demoAvailable, demoWhyNot);
}

void MainWindow::setChaosRuns(const QList<svc::ChaosReport> &runs, const QString &storePath, int skippedLines,
                              const QString &storeError)
{
    m_chaos->setRuns(runs, storePath, skippedLines, storeError);
}

void MainWindow::followChaosSeries(const svc::ChaosSeries *series, const QString &faultTitle, bool demo)
{
    m_chaos->follow(series, faultTitle);
    m_chaosStrip->follow(series, demo ? tr("Failover demo — %1").arg(faultTitle) : faultTitle);
    if (!demo)
        return;
    // The topology stays in view while the leader goes and a new one takes over; the strip
    // above it counts the outage. The report card follows.
    m_tabs->setCurrentWidget(m_topology);
    connect(series, &svc::ChaosSeries::runFinished, this, [this](const svc::ChaosReport &r) {
        m_tabs->setCurrentWidget(m_chaos);
        m_chaos->selectFault(r.faultId);
    });
}

void MainWindow::setBenchTargets(const QStringList &names)
{
    m_bench->form()->setTargets(names);
}

void MainWindow::setBenchRuns(const QList<svc::BenchResult> &runs, const QString &storePath, int skippedLines,
                              const QString &storeError)
{
    m_bench->setRuns(runs, storePath, skippedLines, storeError);
}

void MainWindow::showBenchProblem(const QString &text)
{
    m_bench->form()->showProblem(text);
}

void MainWindow::followBenchSession(const svc::BenchSession *session, const svc::BenchPlan &plan)
{
    m_bench->follow(session, plan);
}

void MainWindow::followBenchInit(const svc::PgbenchRunner *runner)
{
    m_bench->followInit(runner);
}

void MainWindow::finishBenchInit(bool ok, const QString &text)
{
    m_bench->finishInit(ok, text);
}

void MainWindow::buildLabMenu(QToolBar *toolbar)
{
    m_startNative->setObjectName(QStringLiteral("startNativeLab"));
    m_startNative->setToolTip(tr("etcd ×3, Patroni ×3, PgBouncer ×3 and HAProxy as local processes"));
    m_startDocker->setObjectName(QStringLiteral("startDockerLab"));
    m_startDocker->setToolTip(tr("The same topology and ports as Docker Compose containers (needs Docker Engine and Compose)"));
    m_startDocker17->setObjectName(QStringLiteral("startDockerLab17"));
    m_startDocker17->setToolTip(tr("The Docker lab built from Debian 13's packages: PostgreSQL 17, Patroni 4.0.7, etcd 3.5, "
                                   "PgBouncer 1.24, HAProxy 3.0 (a lab with PostgreSQL 15 data must be stopped with its "
                                   "volumes deleted first)"));
    auto *menu = menuBar()->addMenu(tr("&Lab"));
    menu->setToolTipsVisible(true);
    menu->addAction(m_startNative);
    menu->addAction(m_startDocker);
    menu->addAction(m_startDocker17);
    menu->addSeparator();
    menu->addAction(m_stopLab);
    menu->addSeparator();
    menu->addAction(tr("Containers and logs"), this, &MainWindow::showLabTab);
    // The toolbar's Start lab starts the current flavour; its arrow offers both.
    auto *flavors = new QMenu(this);
    flavors->addAction(m_startNative);
    flavors->addAction(m_startDocker);
    flavors->addAction(m_startDocker17);
    if (auto *button = qobject_cast<QToolButton *>(toolbar->widgetForAction(m_startLab))) {
        button->setMenu(flavors);
        button->setPopupMode(QToolButton::MenuButtonPopup);
    }
    connect(m_startLab, &QAction::triggered, this, [this] { emit labStartRequested({}, 0); });
    connect(m_startNative, &QAction::triggered, this, [this] { emit labStartRequested(QStringLiteral("native"), 0); });
    connect(m_startDocker, &QAction::triggered, this, [this] { emit labStartRequested(QStringLiteral("docker"), 0); });
    connect(m_startDocker17, &QAction::triggered, this, [this] { emit labStartRequested(QStringLiteral("docker"), 17); });
    connect(m_stopLab, &QAction::triggered, this, &MainWindow::labStopRequested);
}

void MainWindow::setLabSources(svc::LogFollower *logs, svc::ContainerPoller *containers)
{
    m_labTab->setSources(logs, containers);
}

void MainWindow::setLabControlsVisible(bool visible)
{
    // A staging or production cluster is not the bundled lab: its panel and tab would only
    // list lab components that are not running.
    for (QAction *a : {m_startLab, m_startNative, m_startDocker, m_startDocker17, m_stopLab})
        a->setVisible(visible);
    m_labPanel->setVisible(visible);
    m_tabs->setTabVisible(m_tabs->indexOf(m_labTab), visible);
}

void MainWindow::setLabFlavor(const QString &flavor, const QString &where)
{
    const bool docker = flavor == u"docker";
    m_startLab->setToolTip(docker ? tr("Start the Docker lab (Docker Compose): etcd ×3, Patroni ×3, PgBouncer ×3, HAProxy "
                                       "and exporters as containers. The arrow chooses the flavour.")
                                  : tr("Start the native lab: etcd ×3, Patroni ×3, PgBouncer ×3, HAProxy as local "
                                       "processes. The arrow chooses the flavour."));
    m_stopLab->setToolTip(docker ? tr("Stop the Docker lab's containers (you choose whether its volumes go too)")
                                 : tr("Stop every lab process and free its ports"));
    m_labPanel->setFlavor(flavor);
    m_labTab->setFlavor(flavor, where);
}

void MainWindow::showLabTab()
{
    m_tabs->setCurrentWidget(m_labTab);
}

QStringList MainWindow::tabNames()
{
    return {QStringLiteral("topology"), QStringLiteral("members"), QStringLiteral("lag"), QStringLiteral("cluster"),
            QStringLiteral("journal"), QStringLiteral("chaos"), QStringLiteral("bench"), QStringLiteral("experiments"),
            QStringLiteral("lab"),
            QStringLiteral("chaos:runs"), QStringLiteral("chaos:distribution"), QStringLiteral("bench:runs"),
            QStringLiteral("bench:compare")};
}

bool MainWindow::showTab(const QString &spec)
{
    if (!tabNames().contains(spec))
        return false;
    QWidget *const widgets[] = {m_topology, m_members, m_lagChart, m_clusterInfo, m_journal, m_chaos, m_bench, m_experiments, m_labTab};
    m_tabs->setCurrentWidget(widgets[tabNames().indexOf(spec.section(u':', 0, 0))]);
    if (spec == u"chaos:runs")
        m_chaos->showPage(ChaosPanel::Page::Runs);
    else if (spec == u"chaos:distribution")
        m_chaos->showPage(ChaosPanel::Page::Distribution);
    else if (spec == u"bench:runs")
        m_bench->showPage(BenchPanel::Page::Runs);
    else if (spec == u"bench:compare")
        m_bench->showPage(BenchPanel::Page::Compare);
    return true;
}

QWidget *MainWindow::buildHeader()
{
    auto *header = new QWidget(this);
    auto *layout = new QHBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 6);
    m_summaryLabel = new QLabel(header);
    m_summaryLabel->setObjectName(QStringLiteral("clusterSummary"));
    m_summaryLabel->setTextFormat(Qt::RichText);
    layout->addWidget(m_summaryLabel);
    // The answer's time ticks every round: plain text at a fixed size, so it neither lays out
    // a rich-text document nor the header again.
    m_summaryTime = new QLabel(header);
    m_summaryTime->setObjectName(QStringLiteral("clusterSummaryTime"));
    m_summaryTime->setTextFormat(Qt::PlainText);
    m_summaryTime->setFixedSize(m_summaryTime->fontMetrics().horizontalAdvance(tr("at 00:00:00")) + 4,
                                m_summaryTime->fontMetrics().height());
    layout->addWidget(m_summaryTime);
    layout->addStretch(1);
    return header;
}

void MainWindow::setProfile(const QString &name, const QString &kind, const QString &detail, bool actionsEnabled, bool kindAssumed)
{
    setWindowTitle(tr("%1 (%2%3) — PG HA Console").arg(name, kind, actionsEnabled ? QString() : tr(", actions off")));
    m_banner->setProfile(name, kind, actionsEnabled, detail, kindAssumed);
    m_actions->setActionsEnabled(actionsEnabled, tr("the profile %1 does not allow operator actions — enable them in "
                                                    "File → Profiles…").arg(name));
}

void MainWindow::buildMenus()
{
    auto *file = menuBar()->addMenu(tr("&File"));
    m_profiles = file->addAction(tr("Profiles…"));
    m_profiles->setObjectName(QStringLiteral("openProfiles"));
    QAction *screenshot = file->addAction(tr("Save window screenshot…"));
    screenshot->setObjectName(QStringLiteral("saveScreenshot"));
    screenshot->setToolTip(tr("Save the whole window as a PNG image (for a thesis, a talk or a bug report)"));
    connect(screenshot, &QAction::triggered, this, &MainWindow::askScreenshot);
    file->addSeparator();
    file->addAction(tr("Quit"), this, &QWidget::close);
    auto *menu = menuBar()->addMenu(tr("&Actions"));
    menu->setToolTipsVisible(true);
    m_actions->fillMenu(menu);
    auto *toolbar = addToolBar(tr("Actions"));
    toolbar->setObjectName(QStringLiteral("actionsToolbar"));
    toolbar->setMovable(false);
    m_actions->fillToolBar(toolbar);

    // Right-click on a member row or a member of the diagram: the actions for that member.
    QTableView *table = m_members->table();
    table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table, &QWidget::customContextMenuRequested, this, [this, table](const QPoint &pos) {
        const QModelIndex index = table->indexAt(pos);
        if (index.isValid())
            showMemberMenu(index.siblingAtColumn(models::ClusterModel::Name).data().toString(), table->viewport()->mapToGlobal(pos));
    });
    m_topology->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_topology, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        for (QGraphicsItem *item = m_topology->itemAt(pos); item; item = item->parentItem())
            if (auto *node = dynamic_cast<TopologyNode *>(item)) {
                if (node->id().startsWith(u"member:"))
                    showMemberMenu(node->id().mid(7), m_topology->viewport()->mapToGlobal(pos));
                return;
            }
    });
}

svc::Result<bool> MainWindow::saveScreenshot(const QString &path)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!grab().save(&buffer, "PNG"))
        return svc::makeError(tr("could not encode the window as PNG for %1").arg(path));
    return svc::fs::writeFileAtomic(path, bytes, svc::fs::kGroupReadFile);
}

void MainWindow::askScreenshot()
{
    askSavePath(this, tr("Save window screenshot"), {tr("PNG image (*.png)")}, QStringLiteral("pgha-console"), [this](const QString &file) {
        // Taken once the dialog is gone, so it is not in the picture.
        QTimer::singleShot(0, this, [this, file] {
            auto saved = saveScreenshot(file);
            statusBar()->showMessage(saved ? tr("Saved %1").arg(file) : saved.error().toString(), kStatusMessageMs);
        });
    });
}

void MainWindow::showMemberMenu(const QString &member, const QPoint &globalPos)
{
    const auto *model = qobject_cast<const models::ClusterModel *>(m_members->table()->model());
    if (!model)
        return;
    for (const auto &m : model->snapshot().members)
        if (m.name == member) {
            m_actions->memberMenu(m, this)->popup(globalPos);
            return;
        }
}

void MainWindow::setClusterSummary(const QString &html, const QString &time)
{
    m_summaryLabel->setText(html);   // unchanged text: nothing is laid out again
    m_summaryTime->setText(time);
}

void MainWindow::setMembersPlaceholder(const QString &text)
{
    m_members->setPlaceholder(text);
    m_topology->setPlaceholder(text);
}

void MainWindow::setLabActions(bool busy, bool canStart, bool canStop)
{
    m_startLab->setEnabled(!busy && canStart);
    m_startNative->setEnabled(!busy && canStart);
    m_startDocker->setEnabled(!busy && canStart);
    m_startDocker17->setEnabled(!busy && canStart);
    m_stopLab->setEnabled(canStop);
    m_labPanel->setBusy(busy);
}

void MainWindow::setIntervalMs(int ms)
{
    const int i = m_interval->findData(ms);
    if (i >= 0)
        m_interval->setCurrentIndex(i);
}

int MainWindow::intervalMs() const
{
    return m_interval->currentData().toInt();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::WindowStateChange) {
        const bool minimised = isMinimized();
        if (updatesEnabled() == minimised)
            setUpdatesEnabled(!minimised);
    }
    QMainWindow::changeEvent(event);
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    if (std::exchange(m_fitWhenShown, false))
        fitRestoredSizeToScreen();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_closeGuard && !m_closeGuard()) {
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
}

} // namespace pgha::views

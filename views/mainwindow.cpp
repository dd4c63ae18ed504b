#include "mainwindow.h"

#include "clusterinfoview.h"
#include "eventtimelineview.h"
#include "labpanel.h"
#include "lagchart.h"
#include "membertable.h"
#include "sourcestatusbar.h"
#include "topologyview.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
constexpr QSize kDefaultSize(1180, 720);
constexpr int kIntervalChoicesMs[] = {250, 500, 1000, 2000, 5000, 10000};
}

MainWindow::MainWindow(models::ClusterModel *cluster, models::LabProgressModel *lab,
                       models::SourceHealthModel *sources, models::EventTimelineModel *timeline,
                       const models::SeriesStore *series, QWidget *parent)
    : QMainWindow(parent),
      m_members(new MemberTable(cluster, this)),
      m_labPanel(new LabPanel(lab, this)),
      m_sourceBar(new SourceStatusBar(sources, this)),
      m_timeline(new EventTimelineView(timeline, this)),
      m_interval(new QComboBox(this)),
      m_topology(new TopologyView(this)),
      m_tabs(new QTabWidget(this)),
      m_details(new QTextBrowser(this)),
      m_lagChart(new LagChart(series, this)),
      m_clusterInfo(new ClusterInfoView(this)),
      m_startLab(new QAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start lab"), this)),
      m_stopLab(new QAction(style()->standardIcon(QStyle::SP_MediaStop), tr("Stop lab"), this))
{
    setWindowTitle(tr("PG HA Console"));
    setObjectName(QStringLiteral("mainWindow"));
    resize(kDefaultSize);

    auto *toolbar = addToolBar(tr("Lab"));
    toolbar->setObjectName(QStringLiteral("labToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);
    m_startLab->setToolTip(tr("Start the bundled lab: etcd ×3, Patroni ×3, PgBouncer ×3, HAProxy"));
    m_stopLab->setToolTip(tr("Stop every lab process and free its ports"));
    toolbar->addAction(m_startLab);
    toolbar->addAction(m_stopLab);


    auto *left = new QSplitter(Qt::Vertical, this);
    auto *membersBox = new QWidget(left);
    auto *membersLayout = new QVBoxLayout(membersBox);
    membersLayout->setContentsMargins(0, 0, 0, 0);
    membersLayout->addWidget(buildHeader());
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->addTab(m_topology, tr("Topology"));
    m_tabs->addTab(m_members, tr("Members"));
    m_tabs->addTab(m_lagChart, tr("Replication lag"));
    m_tabs->addTab(m_clusterInfo, tr("Cluster"));
    membersLayout->addWidget(m_tabs, 1);
    left->addWidget(membersBox);
    left->addWidget(m_timeline);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);

    m_details->setObjectName(QStringLiteral("detailsPanel"));
    m_details->setPlaceholderText(tr("Click a node of the topology to see everything known about it, and from which source."));
    connect(m_topology, &TopologyView::nodeSelected, this, [this](const QString &, const QString &html) { m_details->setHtml(html); });
    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_labPanel);
    right->addWidget(m_details);

    auto *main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(left);
    main->addWidget(right);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 1);
    main->setSizes({820, 340});
    main->setContentsMargins(8, 8, 8, 0);
    setCentralWidget(main);

    statusBar()->addPermanentWidget(m_sourceBar, 1);
    m_interval->setObjectName(QStringLiteral("intervalPicker"));
    m_interval->setToolTip(tr("How often every source is polled"));
    for (int ms : kIntervalChoicesMs)
        m_interval->addItem(ms < 1000 ? tr("every %1 ms").arg(ms) : tr("every %1 s").arg(ms / 1000), ms);
    statusBar()->addPermanentWidget(m_interval);
    connect(m_interval, &QComboBox::activated, this, [this] { emit intervalChosen(m_interval->currentData().toInt()); });
    setLabActions(false, true, false);
}

QWidget *MainWindow::buildHeader()
{
    auto *header = new QWidget(this);
    auto *layout = new QVBoxLayout(header);
    layout->setContentsMargins(0, 0, 0, 6);
    m_profileLabel = new QLabel(header);
    m_profileLabel->setObjectName(QStringLiteral("profileBanner"));
    m_summaryLabel = new QLabel(header);
    m_summaryLabel->setObjectName(QStringLiteral("clusterSummary"));
    m_summaryLabel->setTextFormat(Qt::RichText);
    layout->addWidget(m_profileLabel);
    layout->addWidget(m_summaryLabel);
    return header;
}

void MainWindow::setProfile(const QString &name, const QString &kind, const QString &detail)
{
    setWindowTitle(tr("%1 (%2) — PG HA Console").arg(name, kind));
    m_profileLabel->setText(QStringLiteral("<span style='font-size:15pt; font-weight:600'>%1</span>"
                                           "&nbsp;&nbsp;<span style='background:#2e7d32; color:white; padding:2px 6px'>"
                                           "&nbsp;%2&nbsp;</span>&nbsp;&nbsp;<span style='color:gray'>%3</span>")
                                    .arg(name.toHtmlEscaped(), kind.toUpper().toHtmlEscaped(), detail.toHtmlEscaped()));
}

void MainWindow::setClusterSummary(const QString &html)
{
    m_summaryLabel->setText(html);
}

void MainWindow::setMembersPlaceholder(const QString &text)
{
    m_members->setPlaceholder(text);
    m_topology->setPlaceholder(text);
}

void MainWindow::setLabActions(bool busy, bool canStart, bool canStop)
{
    m_startLab->setEnabled(!busy && canStart);
    m_stopLab->setEnabled(canStop);
    m_labPanel->setBusy(busy);
}

void MainWindow::setIntervalMs(int ms)
{
    const int i = m_interval->findData(ms);
    if (i >= 0)
        m_interval->setCurrentIndex(i);
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

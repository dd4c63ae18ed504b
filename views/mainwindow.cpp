#include "mainwindow.h"

#include "labpanel.h"
#include "membertable.h"
#include "sourcestatusbar.h"

#include <QAction>
#include <QCloseEvent>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
constexpr int kMaxEventLines = 5000;
constexpr QSize kDefaultSize(1180, 720);
}

MainWindow::MainWindow(models::ClusterModel *cluster, models::LabProgressModel *lab,
                       models::SourceHealthModel *sources, QWidget *parent)
    : QMainWindow(parent),
      m_members(new MemberTable(cluster, this)),
      m_labPanel(new LabPanel(lab, this)),
      m_sourceBar(new SourceStatusBar(sources, this)),
      m_events(new QPlainTextEdit(this)),
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

    m_events->setReadOnly(true);
    m_events->setMaximumBlockCount(kMaxEventLines);
    m_events->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_events->setPlaceholderText(tr("Events appear here: leader changes, lab progress, unreachable sources."));
    m_events->setObjectName(QStringLiteral("eventLog"));

    auto *left = new QSplitter(Qt::Vertical, this);
    auto *membersBox = new QWidget(left);
    auto *membersLayout = new QVBoxLayout(membersBox);
    membersLayout->setContentsMargins(0, 0, 0, 0);
    membersLayout->addWidget(buildHeader());
    membersLayout->addWidget(m_members, 1);
    left->addWidget(membersBox);
    left->addWidget(m_events);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);

    auto *main = new QSplitter(Qt::Horizontal, this);
    main->addWidget(left);
    main->addWidget(m_labPanel);
    main->setStretchFactor(0, 3);
    main->setStretchFactor(1, 1);
    main->setSizes({820, 340});
    main->setContentsMargins(8, 8, 8, 0);
    setCentralWidget(main);

    statusBar()->addPermanentWidget(m_sourceBar, 1);
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
}

void MainWindow::setLabActions(bool busy, bool canStart, bool canStop)
{
    m_startLab->setEnabled(!busy && canStart);
    m_stopLab->setEnabled(canStop);
    m_labPanel->setBusy(busy);
}

void MainWindow::appendEvent(const QString &source, const QString &text, Severity severity)
{
    const QString time = QDateTime::currentDateTime().toString(QStringLiteral("hh:mm:ss.zzz"));
    const char *color = severity == Severity::Error ? "#c62828" : severity == Severity::Warning ? "#ef6c00" : "";
    const QString line = QStringLiteral("%1  %2  %3").arg(time, source.leftJustified(8, QLatin1Char(' ')), text).toHtmlEscaped();
    // pre-wrap keeps the column alignment and wraps long lines at spaces only.
    m_events->appendHtml(QStringLiteral("<span style='white-space:pre-wrap;%1'>%2</span>")
                                 .arg(*color ? QStringLiteral("color:%1").arg(QLatin1String(color)) : QString(), line));
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

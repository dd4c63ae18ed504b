#include "labtab.h"

#include "containertable.h"
#include "logview.h"

#include "lab/containerpoller.h"

#include <QLabel>
#include <QShowEvent>
#include <QSplitter>
#include <QVBoxLayout>

namespace pgha::views {

LabTab::LabTab(models::ContainerTableModel *containers, QWidget *parent)
    : QWidget(parent),
      m_title(new QLabel(this)),
      m_splitter(new QSplitter(Qt::Vertical, this)),
      m_containers(new ContainerTable(containers, m_splitter)),
      m_log(new LogView(m_splitter))
{
    setObjectName(QStringLiteral("labTab"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_title->setObjectName(QStringLiteral("labTabTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    m_splitter->addWidget(m_containers);
    m_splitter->addWidget(m_log);
    // The table wants every service in view (16 to 20 rows); the log reads fine in fewer lines.
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);
    setFlavor(QStringLiteral("native"), {});
}

void LabTab::setFlavor(const QString &flavor, const QString &where)
{
    m_flavor = flavor;
    const bool docker = flavor == u"docker";
    m_containers->setVisible(docker);
    m_title->setText(docker ? tr("<b>Docker lab</b> — Docker Compose containers; state in %1").arg(where.toHtmlEscaped())
                            : tr("<b>Native lab</b> — local processes in %1; their state is in the lab panel on the "
                                 "right. Below: a component's log file.")
                                      .arg(where.toHtmlEscaped()));
}

void LabTab::setSources(svc::LogFollower *logs, svc::ContainerPoller *containers)
{
    m_log->setFollower(logs);
    connect(this, &LabTab::shownChanged, containers, &svc::ContainerPoller::setWatched);
}

void LabTab::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!event->spontaneous())
        emit shownChanged(true);
}

void LabTab::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    if (!event->spontaneous())
        emit shownChanged(false);
}

} // namespace pgha::views

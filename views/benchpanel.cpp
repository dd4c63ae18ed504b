#include "benchpanel.h"

#include "benchcompareview.h"
#include "benchform.h"
#include "benchliveview.h"
#include "benchrunsview.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>

namespace pgha::views {

BenchPanel::BenchPanel(QWidget *parent)
    : QWidget(parent),
      m_form(new BenchForm(this)),
      m_live(new BenchLiveView(this)),
      m_runs(new BenchRunsView(this)),
      m_compare(new BenchCompareView(this)),
      m_pages(new QTabWidget(this))
{
    setObjectName(QStringLiteral("benchPanel"));
    m_pages->setObjectName(QStringLiteral("benchPages"));
    m_pages->setDocumentMode(true);
    // Charts need height: in a small window the pages scroll rather than grow the window.
    auto scrolled = [this](QWidget *page) {
        auto *scroll = new QScrollArea(this);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(page);
        return scroll;
    };
    m_pages->addTab(scrolled(m_live), tr("Live"));
    m_pages->addTab(m_runs, tr("Runs"));
    m_pages->addTab(scrolled(m_compare), tr("Compare"));

    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(QStringLiteral("benchSetup"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Room for the vertical scroll bar too, so a short window never clips the form's right edge.
    scroll->setFixedWidth(kSetupWidth + scroll->verticalScrollBar()->sizeHint().width());
    scroll->setWidget(m_form);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(scroll);
    auto *line = new QFrame(this);
    line->setFrameShape(QFrame::VLine);
    line->setFrameShadow(QFrame::Sunken);
    layout->addWidget(line);
    layout->addWidget(m_pages, 1);
    // Selected runs go side by side on the Compare page.
    connect(m_runs, &BenchRunsView::compareRequested, this, [this](const QList<svc::BenchResult> &runs) {
        m_compare->setRuns(runs, tr("%1 selected run(s)").arg(runs.size()));
        showPage(Page::Compare);
    });
}

void BenchPanel::showPage(Page page)
{
    m_pages->setCurrentIndex(static_cast<int>(page));
}

BenchPanel::Page BenchPanel::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

} // namespace pgha::views

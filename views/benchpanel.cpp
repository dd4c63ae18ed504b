#include "benchpanel.h"

#include "benchcompareview.h"
#include "benchform.h"
#include "benchliveview.h"
#include "benchrunsview.h"

#include "bench/pgbenchrunner.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>

#include <algorithm>

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
        m_compareChosen = true;
        m_compare->setRuns(runs, tr("%1 selected run(s)").arg(runs.size()));
        showPage(Page::Compare);
    });
    connect(m_form, &BenchForm::runRequested, this, [this] {
        if (auto plan = m_form->plan())
            emit runRequested(plan.value());
        else
            m_form->showProblem(plan.error().toString());
    });
    connect(m_form, &BenchForm::stopRequested, this, [this] {
        m_stopRequested = true;
        emit stopRequested();
    });
    connect(m_form, &BenchForm::initRequested, this, [this] { emit initRequested(m_form->initTarget(), m_form->initScale()); });
}

void BenchPanel::follow(const svc::BenchSession *session, const svc::BenchPlan &plan)
{
    m_stopRequested = false;
    connect(session, &svc::BenchSession::runStarted, m_live,
            [live = m_live, warmupS = plan.warmupS, durationS = plan.workload.durationS](
                    int index, int count, const QString &target, int clients, int repetition, bool warmup) {
                live->startRun(index, count, target, clients, repetition, warmup, warmup ? warmupS : durationS);
            });
    connect(session, &svc::BenchSession::sample, m_live, &BenchLiveView::addSample);
    connect(session, &svc::BenchSession::latencySecond, m_live, &BenchLiveView::addLatencySecond);
    connect(session, &svc::BenchSession::loadGeneratorCpu, m_live, [live = m_live](double percentOfCore, int threads) {
        live->setLoadGeneratorCpu(percentOfCore, threads, percentOfCore >= svc::PgbenchRunner::kSaturatedShare * 100.0 * threads);
    });
    connect(session, &svc::BenchSession::note, m_live, &BenchLiveView::addNote);
    connect(session, &svc::BenchSession::runFinished, m_live, &BenchLiveView::finishRun);
    connect(session, &svc::BenchSession::finished, this, &BenchPanel::onSessionFinished);
    m_form->showProblem({});
    m_form->setRunning(true);
    m_live->startSession(plan.runCount(), plan.targets);
    showPage(Page::Live);
}

void BenchPanel::onSessionFinished(const QList<svc::BenchResult> &runs, const QString &error)
{
    // Stopped from the form, or by the window closing (the run then ends marked stopped).
    const bool stopped = m_stopRequested || std::any_of(runs.cbegin(), runs.cend(), [](const auto &r) { return r.stopped; });
    m_form->setRunning(false);
    m_live->finishSession(static_cast<int>(runs.size()), error, stopped);
    if (!error.isEmpty())
        m_form->showProblem(error);
    m_compareChosen = true;
    m_compare->setRuns(runs, tr("The last session"));
    // Several configurations or repetitions: the comparison is what the session was for.
    if (runs.size() > 1 && error.isEmpty())
        showPage(Page::Compare);
}

void BenchPanel::followInit(const svc::PgbenchRunner *runner)
{
    m_form->setInitRunning(true);
    connect(runner, &svc::PgbenchRunner::initProgress, m_form, &BenchForm::setInitProgress);
}

void BenchPanel::finishInit(bool ok, const QString &text)
{
    m_form->setInitFinished(ok, text);
}

void BenchPanel::setRuns(const QList<svc::BenchResult> &runs, const QString &storePath, int skippedLines,
                         const QString &storeError)
{
    m_runs->setRuns(runs, storePath, skippedLines);
    if (!storeError.isEmpty())
        m_runs->setStoreError(storeError);
    if (m_compareChosen || runs.isEmpty())
        return;
    // Until a session runs here or runs are picked, Compare shows the newest kept session.
    const QString series = runs.last().series;
    QList<svc::BenchResult> last;
    for (const auto &r : runs)
        if (!series.isEmpty() && r.series == series)
            last.append(r);
    if (last.isEmpty())
        last.append(runs.last());
    m_compare->setRuns(last, tr("The newest kept session"));
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

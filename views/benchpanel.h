#pragma once

#include "bench/benchrun.h"
#include "bench/benchsession.h"

#include <QWidget>

class QTabWidget;

namespace pgha::svc {
class PgbenchRunner;
}

namespace pgha::views {

class BenchCompareView;
class BenchForm;
class BenchLiveView;
class BenchRunsView;

// The Bench tab: the set-up on the left (BenchForm), and three pages — the run in progress
// (Live), every kept run with a summary per configuration (Runs), and runs side by side with
// the sweep's curves (Compare). It shows the session and the initialisation it is given to
// follow and forwards what is asked: the BenchController drives pgbench and the store.
class BenchPanel : public QWidget {
    Q_OBJECT
public:
    enum class Page { Live, Runs, Compare };
    static constexpr int kSetupWidth = 300;

    explicit BenchPanel(QWidget *parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;

    // Running from now on: each run of `session` live, then its runs side by side; idle again
    // when it finishes.
    void follow(const svc::BenchSession *session, const svc::BenchPlan &plan);
    // pgbench -i in progress, until `runner` finishes (the outcome comes with finishInit).
    void followInit(const svc::PgbenchRunner *runner);
    void finishInit(bool ok, const QString &text);
    // Every kept run; until runs are picked or a session ran here, Compare shows the newest
    // kept session. `storeError` when the store could not be read.
    void setRuns(const QList<svc::BenchResult> &runs, const QString &storePath, int skippedLines = 0,
                 const QString &storeError = {});

    BenchForm *form() const { return m_form; }
    BenchLiveView *live() const { return m_live; }
    BenchRunsView *runsView() const { return m_runs; }
    BenchCompareView *compareView() const { return m_compare; }
    QTabWidget *pages() const { return m_pages; }

signals:
    // The form's plan, checked (what is wrong is shown under the form's buttons instead).
    void runRequested(const pgha::svc::BenchPlan &plan);
    void stopRequested();
    void initRequested(const QString &target, int scale);

private:
    void onSessionFinished(const QList<svc::BenchResult> &runs, const QString &error);

    BenchForm *m_form;
    BenchLiveView *m_live;
    BenchRunsView *m_runs;
    BenchCompareView *m_compare;
    QTabWidget *m_pages;
    bool m_compareChosen = false;   // Compare shows what was picked, not the store's newest
    bool m_stopRequested = false;   // of the session followed
};

} // namespace pgha::views

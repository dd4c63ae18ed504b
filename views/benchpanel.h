#pragma once

#include "bench/benchrun.h"

#include <QWidget>

class QTabWidget;

namespace pgha::views {

class BenchCompareView;
class BenchForm;
class BenchLiveView;
class BenchRunsView;

// The Bench tab: the set-up on the left (BenchForm), and three pages — the run in progress
// (Live), every kept run with a summary per configuration (Runs), and runs side by side with
// the sweep's curves (Compare). It only shows and forwards: the BenchController drives
// pgbench and the store.
class BenchPanel : public QWidget {
    Q_OBJECT
public:
    enum class Page { Live, Runs, Compare };
    static constexpr int kSetupWidth = 300;

    explicit BenchPanel(QWidget *parent = nullptr);

    void showPage(Page page);
    Page currentPage() const;

    BenchForm *form() const { return m_form; }
    BenchLiveView *live() const { return m_live; }
    BenchRunsView *runsView() const { return m_runs; }
    BenchCompareView *compareView() const { return m_compare; }
    QTabWidget *pages() const { return m_pages; }

private:
    BenchForm *m_form;
    BenchLiveView *m_live;
    BenchRunsView *m_runs;
    BenchCompareView *m_compare;
    QTabWidget *m_pages;
};

} // namespace pgha::views

#pragma once

#include "bench/benchrun.h"
#include "bench/benchseries.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
class QTableWidget;

namespace pgha::models {
class BenchRunsModel;
}

namespace pgha::views {

// Every kept benchmark run (the run store): a sortable table with a filter box, newest first,
// and below it one line per configuration — its repetitions, median TPS, the 95 % interval of
// the mean and the coefficient of variation, flagged above 5 % (the runs disagree too much for
// a small difference to mean anything). The selected rows can be compared.
class BenchRunsView : public QWidget {
    Q_OBJECT
public:
    enum SummaryColumn { SumConfiguration, SumRuns, SumMedian, SumInterval, SumCv, SumP95, SumColumnCount };

    explicit BenchRunsView(QWidget *parent = nullptr);

    // Oldest first, as the store keeps them.
    void setRuns(const QList<svc::BenchResult> &runs, const QString &storePath, int skippedLines = 0);
    void setStoreError(const QString &error);
    void setFilter(const QString &text);
    // The runs of the selected rows (oldest first); every visible run when none is selected.
    QList<svc::BenchResult> selectedRuns() const;
    void selectRuns(const QStringList &ids);

    models::BenchRunsModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    QTableWidget *summaryTable() const { return m_summary; }
    QLineEdit *filterEdit() const { return m_filter; }
    QPushButton *compareButton() const { return m_compare; }
    QLabel *statusLabel() const { return m_status; }
    const QList<svc::BenchConfigurationSummary> &summaries() const { return m_summaries; }

signals:
    void compareRequested(const QList<pgha::svc::BenchResult> &runs);

private:
    void fillSummary();

    models::BenchRunsModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QList<svc::BenchConfigurationSummary> m_summaries;
    QLineEdit *m_filter;
    QTableView *m_table;
    QTableWidget *m_summary;
    QLabel *m_status;
    QPushButton *m_compare;
};

} // namespace pgha::views

#pragma once

#include "bench/benchrun.h"

#include <QAbstractTableModel>
#include <QList>

// The kept benchmark runs (the run store) as a table: one row per run in the store's order
// (oldest first); the view sorts and filters through a proxy. SortRole gives numbers for the
// numeric columns so 9 sorts before 10; ProblemRole marks a stopped or failed run for the view
// to colour.
namespace pgha::models {

class BenchRunsModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Time, Label, Target, Workload, Clients, Tps, P50, P95, P99, Failed, Restarts, Stopped, ColumnCount };
    enum DataRole { SortRole = Qt::UserRole + 1, ConfigurationRole, SeriesRole, ProblemRole };

    explicit BenchRunsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setRuns(const QList<svc::BenchResult> &runs);
    const QList<svc::BenchResult> &runs() const { return m_runs; }
    // nullptr outside the rows.
    const svc::BenchResult *run(int row) const;
    // The runs of one session (their "series"), in order.
    QList<svc::BenchResult> runsOfSeries(const QString &series) const;
    // The row of a run id, −1 when it is not kept.
    int rowOf(const QString &id) const;

private:
    QVariant display(const svc::BenchResult &r, int column) const;
    QVariant sortValue(const svc::BenchResult &r, int column) const;

    QList<svc::BenchResult> m_runs;
};

} // namespace pgha::models

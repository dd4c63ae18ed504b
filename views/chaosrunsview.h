#pragma once

#include "chaos/chaosreport.h"
#include "core/result.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableWidget;

namespace pgha::views {

// Every kept chaos run (the run store), newest first, with a summary line per fault (runs,
// passed, median / p95 / max RTO) and an export to JSONL or CSV. Activating a row shows that
// run's report card.
class ChaosRunsView : public QWidget {
    Q_OBJECT
public:
    enum Column { Time, Fault, Verdict, Rto, WriteGap, LostWrites, Rejoin, ColumnCount };

    explicit ChaosRunsView(QWidget *parent = nullptr);

    // Oldest first, as the store keeps them; `storePath` is named in the status line.
    void setRuns(const QList<svc::ChaosReport> &runs, const QString &storePath, int skippedLines = 0);
    void setStoreError(const QString &error);
    const QList<svc::ChaosReport> &runs() const { return m_runs; }
    // Atomic: .csv → CSV, anything else → JSONL.
    svc::Result<bool> exportTo(const QString &path);

    QTableWidget *table() const { return m_table; }
    QLabel *summaryLabel() const { return m_summary; }
    QLabel *statusLabel() const { return m_status; }
    QPushButton *exportButton() const { return m_export; }

    // One per fault with kept runs, by fault id.
    const QList<svc::ChaosSummary> &summaries() const { return m_summaries; }

signals:
    void runActivated(const pgha::svc::ChaosReport &run);

private:
    void askExport();

    QList<svc::ChaosReport> m_runs;   // oldest first
    QList<svc::ChaosSummary> m_summaries;
    QString m_storePath;
    QTableWidget *m_table;
    QLabel *m_summary;
    QLabel *m_status;
    QPushButton *m_export;
};

} // namespace pgha::views

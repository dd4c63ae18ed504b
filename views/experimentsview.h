#pragma once

#include "experiment/experimentstats.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace pgha::views {

class FigureView;

// The Experiments tab: the kept experiments, one run unattended with its progress (run k of n,
// ETA, the stage of the run in progress), and the results of the one selected — per cell the
// medians (min–max) of every figure, a dot plot per figure, and its printable report. It only
// shows and asks: the ExperimentController runs, records and writes.
class ExperimentsView : public QWidget {
    Q_OBJECT
public:
    struct Entry {
        QString name;
        QString title;
        int recorded = 0;              // runs with a measurement
        int planned = 0;
    };

    explicit ExperimentsView(QWidget *parent = nullptr);

    void setExperiments(const QList<Entry> &entries, const QString &where);
    void showResults(const svc::ExperimentPlan &plan, const QList<svc::CellSummary> &cells);
    void clearResults(const QString &why);
    // A run of `name` is going on (the buttons follow), or none.
    void setRunning(const QString &name);
    void setProgress(int done, int total, const QString &text, std::optional<qint64> etaMs);
    void setStage(const QString &text);
    void setMessage(const QString &text, bool problem);
    QString selectedExperiment() const;
    void selectExperiment(const QString &name);

    // For tests and screenshots.
    QTableWidget *resultsTable() const { return m_table; }
    QProgressBar *progressBar() const { return m_progress; }
    FigureView *figure() const { return m_figure; }
    QComboBox *metricPicker() const { return m_metric; }
    QLabel *progressLabel() const { return m_progressText; }

signals:
    // A plan file to run (`resume`: only its missing runs).
    void runRequested(const QString &planPath, bool resume);
    // The selected experiment's recorded plan, its missing runs.
    void resumeRequested(const QString &name);
    void stopRequested();
    void experimentSelected(const QString &name);
    void reportRequested(const QString &name, const QString &path);

private:
    void choosePlan();
    void chooseReport();
    void updateFigure();
    void updateButtons();

    QListWidget *m_list;
    QLabel *m_where;
    QPushButton *m_runPlan;
    QPushButton *m_resume;
    QPushButton *m_stop;
    QPushButton *m_report;
    QProgressBar *m_progress;
    QLabel *m_progressText;
    QLabel *m_stage;
    QLabel *m_message;
    QLabel *m_title;
    QTableWidget *m_table;
    QComboBox *m_metric;
    FigureView *m_figure;
    QList<svc::CellSummary> m_cells;
    QString m_running;
};

} // namespace pgha::views

#pragma once

#include "chaos/chaosreport.h"
#include "chaos/faultcatalog.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace pgha::svc {
class ChaosSeries;
}

namespace pgha::views {

class ChaosLiveView;
class ChaosReportCard;
class ChaosRunsView;
class RtoDistributionChart;

// The Chaos tab: choose a fault (those this profile cannot run are disabled, and why is said),
// how many runs and with which synchronous_mode, Run and Cancel; then the run live, its report
// card, every kept run, and how the RTO of the chosen fault spreads. It only shows and forwards:
// the ChaosController runs the faults.
class ChaosPanel : public QWidget {
    Q_OBJECT
public:
    enum class Page { Live, ReportCard, Runs, Distribution };
    struct FaultEntry {
        svc::FaultInfo info;
        svc::FaultAvailability availability;
    };
    static constexpr int kMaxIterations = 100;
    static constexpr int kMaxLoadClients = 256;
    static constexpr int kDefaultLoadClients = 4;

    explicit ChaosPanel(QWidget *parent = nullptr);

    void setFaults(const QList<FaultEntry> &faults);
    QString selectedFault() const;
    bool selectFault(const QString &id);
    bool isAvailable(const QString &id) const;
    QString unavailableReason(const QString &id) const;
    int iterations() const;
    std::optional<bool> synchronousMode() const;   // nullopt: as the cluster is configured
    // Your own faults (external-primary, external-replica): the commands that inject and undo them.
    QString injectCommand() const;
    QString undoCommand() const;
    // The commands last used on this profile (the controller remembers them).
    void setCommands(const QString &inject, const QString &undo);
    // pgbench through the fault: a built-in workload ("" = none) and its clients.
    QString loadWorkload() const;
    int loadClients() const;
    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    // Running from now on: each run of `series` live, then its report card; idle again when
    // the series finishes.
    void follow(const svc::ChaosSeries *series, const QString &faultTitle);

    void showPage(Page page);
    Page currentPage() const;
    void showReport(const svc::ChaosReport &report);
    // Every kept run, oldest first (the runs table and the chosen fault's distribution);
    // `storeError` when the store could not be read (or written).
    void setRuns(const QList<svc::ChaosReport> &runs, const QString &storePath, int skippedLines = 0,
                 const QString &storeError = {});

    ChaosLiveView *live() const { return m_live; }
    ChaosReportCard *reportCard() const { return m_card; }
    ChaosRunsView *runsView() const { return m_runs; }
    RtoDistributionChart *distribution() const { return m_distribution; }
    QComboBox *faultBox() const { return m_fault; }
    QSpinBox *iterationsBox() const { return m_iterations; }
    QComboBox *syncBox() const { return m_sync; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *cancelButton() const { return m_cancel; }
    QLabel *whatLabel() const { return m_what; }
    QLabel *unavailableLabel() const { return m_unavailable; }
    QLineEdit *injectEdit() const { return m_inject; }
    QLineEdit *undoEdit() const { return m_undoCommand; }
    QComboBox *loadBox() const { return m_load; }
    QSpinBox *loadClientsBox() const { return m_loadClients; }

signals:
    void runRequested(const QString &faultId, int iterations, std::optional<bool> synchronousMode,
                      const QString &injectCommand, const QString &undoCommand, const QString &loadWorkload, int loadClients);
    void cancelRequested();

private:
    QWidget *buildSetup();
    void onFaultChanged();
    void updateButtons();
    const FaultEntry *entry(const QString &id) const;

    QList<FaultEntry> m_faults;
    bool m_running = false;
    QComboBox *m_fault;
    QLabel *m_what;
    QLabel *m_undo;
    QLabel *m_unavailable;
    QSpinBox *m_iterations;
    QComboBox *m_sync;
    QComboBox *m_load;
    QSpinBox *m_loadClients;
    QWidget *m_commands;        // shown for your own faults only
    QLineEdit *m_inject;
    QLineEdit *m_undoCommand;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QTabWidget *m_pages;
    ChaosLiveView *m_live;
    ChaosReportCard *m_card;
    ChaosRunsView *m_runs;
    RtoDistributionChart *m_distribution;
};

} // namespace pgha::views

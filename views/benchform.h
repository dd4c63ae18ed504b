#pragma once

#include "bench/benchsession.h"
#include "core/result.h"

#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace pgha::views {

// The Bench tab's set-up: where the load goes (one or more targets, run in order), what it is
// (a built-in workload or weighted scripts), how much (clients, threads, duration, rate, query
// mode), how often (repetitions, a clients sweep, a warm-up, a cold cache) and a label; Run and
// Stop; and the database's initialisation (pgbench -i at a scale) with its progress. What cannot
// run is said under the buttons before anything starts. It only shows and forwards: the
// BenchController runs pgbench.
class BenchForm : public QWidget {
    Q_OBJECT
public:
    static constexpr int kMaxClients = 10000;
    static constexpr int kMaxDurationS = 7 * 24 * 3600;
    static constexpr int kMaxScale = 100000;
    static constexpr double kMaxRate = 1e7;
    static constexpr int kMaxScriptWeight = 1000;

    explicit BenchForm(QWidget *parent = nullptr);

    // The profile's targets; the checked ones stay checked when still offered ("rw" by default).
    void setTargets(const QStringList &names);
    void setSelectedTargets(const QStringList &names);
    QStringList selectedTargets() const;
    // Custom scripts, FILE or FILE@WEIGHT each; an empty list goes back to the built-in workload.
    void setScripts(const QStringList &scripts);

    // The plan the form describes, or why it cannot run.
    svc::Result<svc::BenchPlan> plan() const;
    // Checks the plan and shows what is wrong under the buttons; "" when it can run.
    QString validate();
    QString initTarget() const;
    int initScale() const;

    void setRunning(bool running);
    bool isRunning() const { return m_running; }
    void setInitRunning(bool running);
    void setInitProgress(double fraction, const QString &text);
    void setInitFinished(bool ok, const QString &text);
    // A refusal from the controller (no pgbench, a target that does not resolve …).
    void showProblem(const QString &text);

    QListWidget *targetList() const { return m_targets; }
    QComboBox *workloadBox() const { return m_workload; }
    QSpinBox *clientsBox() const { return m_clients; }
    QSpinBox *threadsBox() const { return m_threads; }
    QSpinBox *durationBox() const { return m_duration; }
    QDoubleSpinBox *rateBox() const { return m_rate; }
    QComboBox *queryModeBox() const { return m_mode; }
    QSpinBox *repeatBox() const { return m_repeat; }
    QLineEdit *sweepEdit() const { return m_sweep; }
    QSpinBox *warmupBox() const { return m_warmup; }
    QCheckBox *coldBox() const { return m_cold; }
    QLineEdit *labelEdit() const { return m_label; }
    QComboBox *initTargetBox() const { return m_initTarget; }
    QSpinBox *scaleBox() const { return m_scale; }
    QPushButton *initButton() const { return m_init; }
    QProgressBar *initBar() const { return m_initBar; }
    QLabel *initStatus() const { return m_initStatus; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *stopButton() const { return m_stop; }
    QLabel *problemLabel() const { return m_problem; }

signals:
    void runRequested();      // read plan()
    void stopRequested();
    void initRequested();     // read initTarget(), initScale()

private:
    QWidget *buildWorkload();
    QWidget *buildInit();
    void addScriptRow(const QString &path, int weight);
    void askScripts();
    void updateState();

    bool m_running = false;
    bool m_initRunning = false;
    bool m_planOk = false;
    QListWidget *m_targets;
    QComboBox *m_workload;
    QTableWidget *m_scripts;
    QWidget *m_scriptsBox = nullptr;
    QSpinBox *m_clients;
    QSpinBox *m_threads;
    QSpinBox *m_duration;
    QDoubleSpinBox *m_rate;
    QComboBox *m_mode;
    QSpinBox *m_repeat;
    QLineEdit *m_sweep;
    QSpinBox *m_warmup;
    QCheckBox *m_cold;
    QLineEdit *m_label;
    QComboBox *m_initTarget;
    QSpinBox *m_scale;
    QPushButton *m_init;
    QProgressBar *m_initBar;
    QLabel *m_initStatus;
    QPushButton *m_run;
    QPushButton *m_stop;
    QLabel *m_problem;
};

} // namespace pgha::views

#pragma once

#include "bench/benchrun.h"
#include "bench/benchsession.h"
#include "profile/profile.h"

#include <QObject>
#include <QPointer>
#include <QTemporaryDir>

#include <memory>

namespace pgha::svc {
class PgbenchRunner;
}
namespace pgha::views {
class MainWindow;
}

namespace pgha::app {

// Drives pgbench for the Bench tab, as ChaosController drives faults: owns the BenchSession of
// the run in progress and the PgbenchRunner of an initialisation and hands them to the window,
// whose Bench tab follows them (live samples, the load generator's CPU, notes, each run's
// figures, the last session on the Compare page); keeps the runs table in step with the run
// store (the same file as `pgha bench`).
// Nothing here blocks: the session and the runner are signal-driven.
class BenchController : public QObject {
    Q_OBJECT
public:
    BenchController(views::MainWindow *window, QObject *parent = nullptr);
    ~BenchController() override;

    void setProfile(const svc::Profile &profile);
    // svc::benchStorePath() until set.
    void setStorePath(const QString &path);
    QString storePath() const { return m_storePath; }
    // Reads the store on a worker thread (it can hold thousands of runs); the table follows
    // when it is read (runsReloaded).
    void reloadRuns();

    // Refused (false, the reason shown under the form's buttons and on the timeline) when a
    // session or an initialisation is on, or the plan cannot run.
    bool run(const svc::BenchPlan &plan);
    // pgbench -i -s `scale` through `target`.
    bool init(const QString &target, int scale);
    // The current run ends cleanly (its figures so far are kept); no further run starts.
    void stop();
    bool isRunning() const { return m_session != nullptr; }
    bool isInitRunning() const { return m_init != nullptr; }

signals:
    void note(const QString &source, const QString &text, int severity);
    void runFinished(const pgha::svc::BenchResult &result);
    void sessionFinished(const QList<pgha::svc::BenchResult> &runs, const QString &error);
    void initFinished(bool ok, const QString &text);
    void runsReloaded(int runs);

private:
    struct StoreRead {
        QList<svc::BenchResult> runs;
        int skipped = 0;
        QString error;
    };
    static StoreRead readStore(const QString &path);
    void onStoreRead(quint64 generation, const StoreRead &read);
    QString workDir();
    void refuse(const QString &text);
    void startInit(const QString &pgbench, const svc::BenchTarget &target, int scale);
    void finishInit(bool ok, const QString &text);
    void onRunFinished(const svc::BenchResult &result);
    void onSessionFinished(const QList<svc::BenchResult> &runs, const QString &error);

    views::MainWindow *m_window;
    svc::Profile m_profile;
    QString m_storePath;
    std::unique_ptr<QTemporaryDir> m_workDir;
    svc::BenchSession *m_session = nullptr;   // owned (child of this); deleted when it finishes
    svc::PgbenchRunner *m_init = nullptr;     // owned likewise
    quint64 m_loadGeneration = 0;             // a read overtaken by a newer one is dropped
};

} // namespace pgha::app

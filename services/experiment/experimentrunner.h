#pragma once

// Runs an experiment's remaining runs one after another, unattended: each run is a ChaosRunner
// (which waits for a healthy cluster before it injects anything), each finished run is appended
// to the experiment's store and to the chaos run store at once, and progress (run k of n, ETA)
// is reported as it goes. Cancelling undoes the fault in progress; that run is not recorded, so
// `--resume` makes it again.
#include "experiment/experimentstore.h"
#include "profile/profile.h"

#include <QElapsedTimer>

#include <functional>
#include <QObject>

namespace pgha::svc {

class ChaosRunner;
class HttpClient;

struct ExperimentProgress {
    int done = 0;                      // runs finished in this session (recorded ones not counted)
    int total = 0;                     // runs this session makes
    int alreadyRecorded = 0;           // runs found recorded when it started (--resume)
    QString cell;                      // the run in progress
    int repetition = 0;
    std::optional<qint64> etaMs;       // remaining runs × the median duration so far
};

class ExperimentRunner : public QObject {
    Q_OBJECT
public:
    // `dir`: the experiment's directory (prepared: prepareExperimentDir); `chaosStore`: "" for none.
    ExperimentRunner(ExperimentPlan plan, Profile profile, QString dir, QString chaosStore, HttpClient *http,
                     QObject *parent = nullptr);

    // The profile with its passwords once resolved, before start().
    void setProfile(Profile profile) { m_profile = std::move(profile); }
    // Makes the runs `recorded` does not hold yet.
    void start(const QList<ExperimentRun> &recorded);
    void cancel();
    bool isRunning() const { return m_running; }
    const ExperimentProgress &progress() const { return m_progress; }
    // The run in progress (a child: destroying the experiment undoes its fault), nullptr between runs.
    const ChaosRunner *current() const { return m_current; }

signals:
    void runStarted(const pgha::svc::ExperimentProgress &progress);
    void stageChanged(const QString &text);
    void event(const pgha::svc::ChaosReport::Event &event);
    void runFinished(const pgha::svc::ExperimentRun &run, const pgha::svc::ExperimentProgress &progress);
    void storeError(const QString &error);
    // `complete`: every planned run is recorded; else `reason` says why it stopped.
    void finished(bool complete, const QString &reason);

private:
    // The versions and settings this session runs against, kept beside the runs (sessions.jsonl).
    void recordEnvironment(std::function<void()> then);
    void next();
    void stop(bool complete, const QString &reason);

    ExperimentPlan m_plan;
    QList<ExperimentCell> m_cells;
    Profile m_profile;
    QString m_dir;
    QString m_chaosStore;
    HttpClient *m_http;
    QList<PlannedRun> m_queue;
    ExperimentProgress m_progress;
    QList<qint64> m_durations;
    QElapsedTimer m_runClock;
    ChaosRunner *m_current = nullptr;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::ExperimentProgress)

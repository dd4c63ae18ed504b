#pragma once

// Where an experiment's runs are kept: a directory per experiment (DIR/NAME) holding the plan as
// it was run (plan.yaml) and one JSON line per finished run (runs.jsonl, schema
// "pgha.experiment.run/1"), appended as each run ends so an interruption loses at most the run
// in progress.
#include "chaos/chaosreport.h"
#include "core/result.h"
#include "experiment/experimentplan.h"

#include <QList>
#include <QString>

namespace pgha::svc {

struct ExperimentRun {
    static constexpr const char *kSchema = "pgha.experiment.run/1";
    QString experiment;
    QString fingerprint;               // the plan's (ExperimentPlan::fingerprint)
    QString cell;                      // the cell's key
    ExperimentSettings values;         // the cell's grid values
    int repetition = 1;
    qint64 durationMs = 0;             // the whole run, health checks and rejoin included
    ChaosReport run;

    // A run that measured something (an ERROR run is repeated on --resume).
    bool counts() const { return run.verdict != u"ERROR"; }
    QJsonObject toJson() const;
    static Result<ExperimentRun> fromJson(const QJsonObject &o);
};

// $PGHA_EXPERIMENTS_DIR, else the user's data directory's pgha/experiments.
QString defaultExperimentsDir();
QString experimentDir(const QString &base, const QString &name);

Result<bool> appendExperimentRun(const QString &dir, const ExperimentRun &run);
// One line per session in sessions.jsonl: when it started and the environment it found.
Result<bool> appendExperimentSession(const QString &dir, const QJsonObject &environment);
// A missing directory is an experiment without runs; unreadable lines are counted in `skipped`.
Result<QList<ExperimentRun>> loadExperimentRuns(const QString &dir, int *skipped = nullptr);

// An experiment as kept: its plan (and the plan's text, for reports), its runs.
struct KeptExperiment {
    QString dir;
    ExperimentPlan plan;
    QByteArray planText;
    QList<ExperimentRun> runs;
    // What each session (a run or a resume) found when it started: component versions, the
    // cluster's timings, the machine (BenchManifest's JSON), with "started_at".
    QList<QJsonObject> sessions;
    int skippedLines = 0;              // unreadable lines of runs.jsonl
    int measured() const;              // runs that count, one per planned run
};
// NAME under `base`, or a directory given as a path (it holds a '/').
QString findExperimentDir(const QString &base, const QString &nameOrDir);
Result<KeptExperiment> loadExperiment(const QString &dir);
// Every experiment under `base` (directories without a readable plan are left out), by name.
QList<KeptExperiment> listExperiments(const QString &base);

// Makes DIR (owner only) for a new experiment or checks it for a resumed one, and keeps the
// plan's text in it. Refuses: runs already there without `resume`; with `resume`, runs of
// another plan (its fingerprint) — the message says what to do.
Result<bool> prepareExperimentDir(const QString &dir, const ExperimentPlan &plan, const QByteArray &planText, bool resume,
                                  const QList<ExperimentRun> &recorded);

// The planned runs not yet recorded with a measurement, in the plan's order.
QList<PlannedRun> remainingRuns(const ExperimentPlan &plan, const QList<ExperimentRun> &recorded);

} // namespace pgha::svc

#pragma once

// An experiment: one fault, with or without a pgbench load, over a grid of settings, repeated.
// Written as a small YAML file (docs/experiment-plan.md, docs/experiment-plan.schema.json):
//
//   experiment: sync-off-vs-on
//   settings: {fault: crash-primary, workload: tpcb-like, clients: 8}
//   grid: {sync: [off, on]}
//   repetitions: 5
//
// Every cell of the grid is the settings with one combination of the grid's values; every cell
// runs `repetitions` times.
#include "chaos/chaosrunner.h"
#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <utility>

namespace pgha::svc {

struct Profile;

// The settings a cell is made of: keys as written in the plan, values as text.
using ExperimentSettings = QList<std::pair<QString, QString>>;

struct ExperimentCell {
    QString key;                       // "sync=off,clients=8" (the grid's values; "all" with no grid)
    ExperimentSettings gridValues;     // the grid's values of this cell, in the grid's order
    ExperimentSettings settings;       // everything: the plan's settings with the grid's values over them

    QString value(const QString &name) const;
};

// One run of the plan: which cell, which repetition (1-based).
struct PlannedRun {
    int cellIndex = 0;
    int repetition = 1;
};

struct ExperimentPlan {
    static constexpr int kMaxRepetitions = 100;
    static constexpr int kMaxCells = 64;
    static constexpr int kDefaultRepetitions = 3;

    QString name;                      // [A-Za-z0-9._-], 1–64 characters, not starting with '.'
    QString title;
    QString profile;                   // as for --profile: "lab" (default), a NAME or a FILE
    ExperimentSettings settings;
    QList<std::pair<QString, QStringList>> grid;   // in the order written
    int repetitions = kDefaultRepetitions;
    bool interleaved = true;           // run order: rep 1 of every cell, then rep 2 … (else cell by cell)
    QString sourceFile;                // where it was read from ("" for text)

    QList<ExperimentCell> cells() const;
    // Every run in the order the runner makes them.
    QList<PlannedRun> runOrder() const;
    int runCount() const { return static_cast<int>(cells().size()) * repetitions; }
    // What the runs depend on (name, profile, settings, grid, repetitions — not the order): a
    // resumed experiment must have the same.
    QString fingerprint() const;
};

// The keys a plan's settings and grid may use, with what each means (docs and --help print it).
struct ExperimentSettingInfo {
    const char *key;
    const char *meaning;
};
const QList<ExperimentSettingInfo> &experimentSettingKeys();

// Reads and checks a plan; every problem names its line.
Result<ExperimentPlan> parseExperimentPlan(const QByteArray &yaml, const QString &sourceName);
Result<ExperimentPlan> loadExperimentPlan(const QString &path);

// A cell's chaos options (and load, resolved on `profile`), or what is wrong with its settings.
Result<ChaosOptions> chaosOptionsForCell(const ExperimentCell &cell, const Profile &profile);
// The same checks without a profile (the load's target is resolved later).
QString cellProblem(const ExperimentCell &cell);

} // namespace pgha::svc

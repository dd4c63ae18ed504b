#pragma once

#include "experiment/experimentrunner.h"
#include "profile/profile.h"

#include <QObject>

#include <functional>

namespace pgha::svc {
class HttpClient;
}
namespace pgha::views {
class ExperimentsView;
}

namespace pgha::app {

// Drives experiments for the GUI's Experiments tab, as `pgha experiment run` does for the CLI:
// checks a plan, prepares its directory, runs the missing runs with an ExperimentRunner (one
// chaos run at a time, never beside another chaos run or a benchmark), shows progress and the
// results per cell, and writes the report. An experiment runs on the cluster the window
// watches: a plan naming another profile is refused, saying so.
class ExperimentController : public QObject {
    Q_OBJECT
public:
    ExperimentController(svc::HttpClient *http, views::ExperimentsView *view, QObject *parent = nullptr);

    void setProfile(const svc::Profile &profile);
    void setPostgresPassword(const QString &password) { m_postgresPassword = password; }
    // Why nothing else may start now ("" = it may): a chaos run or a benchmark in progress.
    void setBusyCheck(std::function<QString()> check) { m_busyElsewhere = std::move(check); }
    // $PGHA_EXPERIMENTS_DIR, else the user's data directory's pgha/experiments.
    QString baseDir() const { return m_baseDir; }
    void setBaseDir(const QString &dir);
    void reload();

    bool run(const QString &planPath, bool resume);
    bool resume(const QString &name);
    void cancel();
    bool isRunning() const { return m_runner != nullptr; }
    void showExperiment(const QString &name);
    bool writeReport(const QString &name, const QString &path);

signals:
    void note(const QString &source, const QString &text, int severity);
    void finished();

private:
    void refuse(const QString &text);
    bool sameCluster(const svc::ExperimentPlan &plan, QString *why) const;

    svc::HttpClient *m_http;
    views::ExperimentsView *m_view;
    svc::Profile m_profile;
    QString m_postgresPassword;
    QString m_baseDir;
    std::function<QString()> m_busyElsewhere;
    svc::ExperimentRunner *m_runner = nullptr;
    QString m_runningName;
};

} // namespace pgha::app

#pragma once

#include "chaos/chaosreport.h"
#include "chaos/chaosseries.h"
#include "chaos/faultcatalog.h"
#include "profile/profile.h"

#include <QObject>

#include <functional>

#include <optional>

namespace pgha::svc {
class HttpClient;
}
namespace pgha::models {
class ClusterObserver;
}
namespace pgha::views {
class MainWindow;
}

namespace pgha::app {

// Drives chaos faults for the GUI, as ActionController drives operator actions: owns the
// ChaosSeries of the run in progress and hands it to the window, whose Chaos tab and strip
// follow it (stage, live RTO, events, the report card after each run); puts every event on the
// one event timeline, keeps the runs table in step with the run store, and decides where faults
// may run (the Failover demo included). Nothing here blocks: the series is signal-driven.
class ChaosController : public QObject {
    Q_OBJECT
public:
    static constexpr const char *kDemoFault = "crash-primary";

    ChaosController(svc::HttpClient *http, models::ClusterObserver *observer, views::MainWindow *window,
                    QObject *parent = nullptr);
    ~ChaosController() override;

    void setProfile(const svc::Profile &profile);
    // Why no fault may start now ("" = it may): an experiment in progress.
    void setBusyCheck(std::function<QString()> check) { m_busyElsewhere = std::move(check); }
    // Reads the lab directory again (the lab may have started or stopped) and updates what can run.
    void refreshEnvironment();
    const svc::ChaosEnvironment &environment() const { return m_env; }

    // $PGHA_CHAOS_STORE, else svc::defaultChaosStorePath(), as the CLI does.
    static QString storePathFromEnvironment();
    void setStorePath(const QString &path);
    QString storePath() const { return m_storePath; }
    void reloadRuns();

    // Refused (false, with the reason on the timeline) when the fault cannot run here or a run is on.
    // `loadWorkload`: a built-in pgbench workload through the fault ("" = none), with `loadClients`.
    bool run(const QString &faultId, int iterations, std::optional<bool> synchronousMode,
             const QString &injectCommand = {}, const QString &undoCommand = {}, const QString &loadWorkload = {},
             int loadClients = 0);
    // The profile's PostgreSQL password, once the credential resolver has it ("" = libpq's own).
    void setPostgresPassword(const QString &password) { m_postgresPassword = password; }
    // crash-primary once, with the topology in view and the live RTO in the strip; the report
    // card when it is done.
    bool startFailoverDemo();
    void cancel();
    bool isRunning() const { return m_series != nullptr; }
    svc::FaultAvailability availability(const QString &faultId) const;

signals:
    void note(const QString &source, const QString &text, int severity);
    void runFinished(const pgha::svc::ChaosReport &report);
    void seriesFinished(const QList<pgha::svc::ChaosReport> &runs);

private:
    void updateAvailability();
    QString commandsKey() const;   // where this profile's commands are remembered
    void onEvent(const svc::ChaosReport::Event &event);
    void onRunFinished(const svc::ChaosReport &report);
    void onSeriesFinished(const QList<svc::ChaosReport> &runs);

    svc::HttpClient *m_http;
    std::function<QString()> m_busyElsewhere;
    models::ClusterObserver *m_observer;
    views::MainWindow *m_window;
    svc::Profile m_profile;
    QString m_postgresPassword;
    svc::ChaosEnvironment m_env;
    QString m_storePath;
    svc::ChaosSeries *m_series = nullptr;   // owned (child of this); deleted when it finishes
    QString m_faultTitle;
    bool m_demo = false;
};

} // namespace pgha::app

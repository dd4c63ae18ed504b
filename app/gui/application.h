#pragma once

#include "lab/labservice.h"
#include "profile/profile.h"

#include <QObject>
#include <QString>

#include <memory>

namespace pgha::svc {
class HttpClient;
class KeychainSecretStore;
}
namespace pgha::models {
class ClusterModel;
class ClusterObserver;
class ContainerTableModel;
class EventTimelineModel;
class LabProgressModel;
class SourceHealthModel;
}
namespace pgha::views {
class MainWindow;
}

namespace pgha::app {

class ActionController;
class BenchController;
class ChaosController;
class ExperimentController;
class LabController;

// The composition root of the GUI: creates and owns the services, models and the window, and
// wires them (data up as signals, commands down as calls). Nothing else knows all three.
class Application : public QObject {
    Q_OBJECT
public:
    static constexpr int kMinPollIntervalMs = 250;
    static constexpr int kMaxPollIntervalMs = 10000;

    struct Options {
        QString profile = QStringLiteral("lab");   // name or YAML file
        bool profileRemembered = false;            // the one watched last: when it is gone, the lab instead
        bool startLab = false;                     // --lab FLAVOR
        QString labFlavor;                         // --lab-flavor / --lab: native, docker; "" = the recorded one, else native
        int pollIntervalMs = 1000;
        int labWatchIntervalMs = 2000;
        int labPortOffset = 0;                     // --port-offset, for a lab beside another
        int labPostgres = 0;                       // --lab-postgres: the Docker lab's PostgreSQL 15 or 17; 0 = its own

        // The profile and poll interval of the last run (svc::settings), the defaults at first;
        // the command line overrides what it gives.
        static Options remembered();
    };

    explicit Application(const Options &options, QObject *parent = nullptr);
    ~Application() override;

    views::MainWindow *window() const { return m_window.get(); }
    models::ClusterModel *clusterModel() const;
    models::SourceHealthModel *sourceModel() const;
    models::EventTimelineModel *timeline() const;
    models::ClusterObserver *observer() const { return m_observer; }
    svc::LabService *lab() const;
    LabController *labController() const { return m_labs; }
    models::ContainerTableModel *containers() const { return m_containers; }
    ActionController *actions() const { return m_actions; }
    ChaosController *chaos() const { return m_chaos; }
    BenchController *bench() const { return m_bench; }
    ExperimentController *experiments() const { return m_experiments; }
    svc::KeychainSecretStore *secrets() const { return m_secrets; }
    const svc::Profile &profile() const { return m_profile; }
    void openProfileEditor();

    void show();
    // The current flavour (see LabController::start for another one).
    void startLab(const svc::LabService::StartOptions &options = {});
    // For the Docker lab this first asks whether the volumes go too.
    void stopLab();

signals:
    void labStartFinished(const pgha::svc::LabOutcome &outcome);
    void readyToQuit();

private:
    void applyProfile(const svc::Profile &profile);
    void onLabStartFinished(const svc::LabOutcome &outcome);
    void updateSummary();
    QString summaryHtml() const;   // the line above the tabs: leader, members, timings, source
    bool mayClose();
    void note(const QString &source, const QString &text, int severity = 0);   // onto the timeline
    void readProfilePasswords(const svc::Profile &profile);
    void showSessionOnly(const QString &reason);

    Options m_options;
    svc::HttpClient *m_http;
    models::ClusterObserver *m_observer;
    models::LabProgressModel *m_labProgress;
    models::ContainerTableModel *m_containers;
    svc::KeychainSecretStore *m_secrets;
    std::unique_ptr<views::MainWindow> m_window;
    ActionController *m_actions = nullptr;
    ChaosController *m_chaos = nullptr;
    BenchController *m_bench = nullptr;
    ExperimentController *m_experiments = nullptr;
    LabController *m_labs = nullptr;
    svc::Profile m_profile;
    bool m_quitWhenIdle = false;
    QString m_lastRoundError;
};

} // namespace pgha::app

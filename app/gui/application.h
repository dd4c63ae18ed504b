#pragma once

#include "lab/nativelab.h"
#include "profile/profile.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace pgha::svc {
class HttpClient;
class KeychainSecretStore;
}
namespace pgha::models {
class ClusterModel;
class ClusterObserver;
class EventTimelineModel;
class LabProgressModel;
class SourceHealthModel;
}
namespace pgha::views {
class MainWindow;
}

namespace pgha::app {

class ActionController;
class ChaosController;

// The composition root of the GUI: creates and owns the services, models and the window, and
// wires them (data up as signals, commands down as calls). Nothing else knows all three.
class Application : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString profile = QStringLiteral("lab");   // name or YAML file
        bool startLab = false;                     // --lab native
        int pollIntervalMs = 1000;
        int labWatchIntervalMs = 2000;
        int labPortOffset = 0;                     // --port-offset, for a lab beside another
    };

    explicit Application(const Options &options, QObject *parent = nullptr);
    ~Application() override;

    views::MainWindow *window() const { return m_window.get(); }
    models::ClusterModel *clusterModel() const;
    models::SourceHealthModel *sourceModel() const;
    models::EventTimelineModel *timeline() const;
    models::ClusterObserver *observer() const { return m_observer; }
    svc::NativeLab *lab() const { return m_lab; }
    ActionController *actions() const { return m_actions; }
    ChaosController *chaos() const { return m_chaos; }
    svc::KeychainSecretStore *secrets() const { return m_secrets; }
    const svc::Profile &profile() const { return m_profile; }
    void openProfileEditor();

    void show();
    void startLab(const svc::NativeLab::StartOptions &options = {});
    void stopLab();

signals:
    void labStartFinished(const pgha::svc::LabOutcome &outcome);
    void readyToQuit();

private:
    void applyProfile(const svc::Profile &profile);
    void onLabStartFinished(const svc::LabOutcome &outcome);
    void askAboutStaleLab(const QString &why);
    void updateSummary();
    bool mayClose();
    void note(const QString &source, const QString &text, int severity = 0);   // onto the timeline
    void refreshLabStatus();
    void readProfilePasswords(const svc::Profile &profile);
    void showSessionOnly(const QString &reason);

    Options m_options;
    svc::HttpClient *m_http;
    models::ClusterObserver *m_observer;
    svc::NativeLab *m_lab;
    models::LabProgressModel *m_labProgress;
    svc::KeychainSecretStore *m_secrets;
    std::unique_ptr<views::MainWindow> m_window;
    ActionController *m_actions = nullptr;
    ChaosController *m_chaos = nullptr;
    int m_lastLabStatus = -1;   // a change makes the chaos controller look at the lab again
    svc::Profile m_profile;
    QTimer m_labWatch;   // the lab directory, read while no start/stop runs (the CLI may act too)
    bool m_quitWhenIdle = false;
    QString m_lastRoundError;
};

} // namespace pgha::app

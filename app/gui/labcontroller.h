#pragma once

#include "lab/labservice.h"

#include <QObject>
#include <QTimer>

namespace pgha::svc {
class DockerLab;
class HttpClient;
}
namespace pgha::models {
class ContainerPoller;
class ContainerTableModel;
class LabProgressModel;
class LogFollower;
}
namespace pgha::views {
class MainWindow;
}

namespace pgha::app {

// Drives the bundled lab for the GUI, whichever flavour: owns the LabService (NativeLab or
// DockerLab), swaps it when the person picks the other flavour (only while no lab runs),
// starts and stops it (for Docker asking whether the volumes go too), explains a failed start
// in a dialog, keeps the lab panel, the container table and the log view in step with the lab
// directory and the engine. Nothing here blocks: docker commands and the lab run as signals.
class LabController : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString flavor;            // "native", "docker"; "" = the one recorded in the lab directory, else native
        int portOffset = 0;
        int watchIntervalMs = 2000;
    };

    LabController(const Options &options, svc::HttpClient *http, models::LabProgressModel *progress,
                  models::ContainerTableModel *containers, views::MainWindow *window, QObject *parent = nullptr);
    ~LabController() override;

    svc::LabService *lab() const { return m_lab; }
    svc::DockerLab *dockerLab() const;   // nullptr for the native lab
    QString flavor() const { return m_lab->flavor(); }
    bool isBusy() const { return m_lab->isBusy(); }
    models::ContainerPoller *poller() const { return m_poller; }
    models::LogFollower *logFollower() const { return m_logs; }

    // Starts the lab of `flavor` ("" = the current one). Refused with a message box that says
    // which lab runs and how to stop it when a lab of the other flavour is in the directory.
    void start(const QString &flavor = {}, const svc::LabService::StartOptions &options = {});
    // The Docker lab first asks whether its volumes (all data) go too; default: they stay.
    void stop();
    // No question asked (closing the window while a start runs): the Docker lab's volumes stay
    // unless `deleteVolumes`.
    void stopNow(bool deleteVolumes = false);
    // "" when the lab may become `flavor` now, else why not (which lab runs, how to stop it).
    QString whyNotSwitch(const QString &flavor) const;
    bool switchFlavor(const QString &flavor);
    // Reads the lab directory again (the CLI may have started or stopped a lab meanwhile).
    void refreshStatus();

signals:
    void note(const QString &source, const QString &text, int severity);
    void startRequested();
    void startFinished(const pgha::svc::LabOutcome &outcome);
    void stopFinished(const pgha::svc::LabOutcome &outcome);
    // What the lab directory says changed (running, stopped …): faults may run now, or no longer.
    void statusChanged();
    void flavorChanged(const QString &flavor);

private:
    svc::LabConfig configFor(const QString &flavor) const;
    void createLab(const QString &flavor);
    void retire(svc::LabService *old);
    QList<svc::LabComponent> components() const;
    void followRecordedFlavor();
    void applyNativeStatus();
    void applyDockerStatus();
    void updateDockerRows();
    void onStartFinished(const svc::LabOutcome &outcome);
    void askAboutStaleLab(const QString &why);
    void showStartFailure(const svc::LabOutcome &outcome);
    void askHowToStopDocker();
    void restartLog();
    void setLabTabShown(bool shown);

    Options m_options;
    svc::HttpClient *m_http;
    models::LabProgressModel *m_progress;
    models::ContainerTableModel *m_containers;
    views::MainWindow *m_window;
    svc::LabService *m_lab = nullptr;          // owned (child of this)
    quint64 m_labGeneration = 0;               // a dialog answered for a lab that was swapped meanwhile is ignored
    models::ContainerPoller *m_poller;
    models::LogFollower *m_logs;
    QTimer m_watch;                            // the lab directory, read while no start/stop runs
    int m_lastStatus = -1;
    bool m_cancelling = false;                 // a stop during a start: its "cancelled" outcome is no failure
    bool m_labTabShown = false;
};

// The Docker lab cannot run on this machine at all (no Docker, no Compose, the daemon down or
// out of reach): the native lab is the way out.
bool dockerUnavailable(const svc::Error &error);

} // namespace pgha::app

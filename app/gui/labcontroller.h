#pragma once

#include "lab/labservice.h"

#include <QObject>
#include <QTimer>

class QWidget;

namespace pgha::svc {
class ContainerPoller;
class HttpClient;
class LogFollower;
}
namespace pgha::models {
class ContainerTableModel;
class LabProgressModel;
}

namespace pgha::app {

// Drives the bundled lab for the GUI, whichever flavour: owns the LabService (made by
// svc::makeLabService), swaps it when the person picks the other flavour (only while no lab
// runs), starts and stops it (asking first when a stop may also delete data), explains a failed
// start in a dialog, and keeps the progress model, the container poller and the log follower
// on the current lab. The window is not reached into: what it shows listens to the poller and
// the follower, and the Application wires its intents (start, stop) to this controller and this
// controller's signals (actions, flavour) to it. Nothing here blocks.
class LabController : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString flavor;            // "native", "docker"; "" = the one recorded in the lab directory, else native
        int portOffset = 0;
        int watchIntervalMs = 2000;
        int dockerPostgres = 0;    // Docker lab: 15 (Debian 12) or 17 (Debian 13); 0 = the lab's own, else 15
    };

    // `dialogParent` parents the questions and explanations this controller shows.
    LabController(const Options &options, svc::HttpClient *http, models::LabProgressModel *progress,
                  models::ContainerTableModel *containers, QWidget *dialogParent, QObject *parent = nullptr);
    ~LabController() override;

    svc::LabService *lab() const { return m_lab; }
    QString flavor() const { return m_lab->flavor(); }
    bool isBusy() const { return m_lab->isBusy(); }
    svc::ContainerPoller *poller() const { return m_poller; }
    svc::LogFollower *logFollower() const { return m_logs; }

    // Starts the lab of `flavor` ("" = the current one). Refused with a message box that says
    // which lab runs and how to stop it when a lab of the other flavour is in the directory.
    // `postgres` (Docker lab: 15 or 17, 0 = as before) picks the Debian release it is built from.
    void start(const QString &flavor = {}, const svc::LabService::StartOptions &options = {}, int postgres = 0);
    // A lab whose stop may delete data (the Docker lab's volumes) first asks; default: kept.
    void stop();
    // No question asked (closing the window while a start runs): nothing but the lab
    // directory's processes or containers goes unless `deleteVolumes`.
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
    // Which lab Start lab starts now, and where it lives.
    void flavorChanged(const QString &flavor, const QString &where);
    // Busy: a start or stop runs; canStart/canStop follow what the lab directory says.
    void actionsChanged(bool busy, bool canStart, bool canStop);

private:
    svc::LabConfig configFor(const QString &flavor) const;
    void createLab(const QString &flavor);
    void retire(svc::LabService *old);
    void followRecordedFlavor();
    void showOverview();
    void onStartFinished(const svc::LabOutcome &outcome);
    void askAboutStaleLab(const QString &why);
    void showStartFailure(const svc::LabOutcome &outcome);
    void askHowToStop();

    Options m_options;
    int m_dockerPostgres = 0;   // the PostgreSQL major asked for the Docker lab (0: its own, else 15)
    svc::HttpClient *m_http;
    models::LabProgressModel *m_progress;
    QWidget *m_dialogParent;
    svc::LabService *m_lab = nullptr;          // owned (child of this)
    quint64 m_labGeneration = 0;               // a dialog answered for a lab that was swapped meanwhile is ignored
    svc::ContainerPoller *m_poller;
    svc::LogFollower *m_logs;
    QTimer m_watch;                            // the lab directory, read while no start/stop runs
    int m_lastStatus = -1;
    bool m_cancelling = false;                 // a stop during a start: its "cancelled" outcome is no failure
};

// The lab's engine cannot run on this machine at all (no Docker, no Compose, the daemon down
// or out of reach): the native lab is the way out. Decided by the error's kind.
bool dockerUnavailable(const svc::Error &error);

} // namespace pgha::app

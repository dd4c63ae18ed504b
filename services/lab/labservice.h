#pragma once

#include "lab/labconfig.h"
#include "lab/labprogress.h"

#include <QObject>

namespace pgha::svc {

// The bundled lab, whichever way it runs: as local processes (NativeLab) or as Docker Compose
// containers (DockerLab). Same topology, same ports, same progress signals; the GUI and the CLI
// drive either through this interface.
class LabService : public QObject {
    Q_OBJECT
public:
    // What to do with a lab directory whose lab died without a clean stop.
    enum class StaleAction { Refuse, Reuse, Wipe };
    struct StartOptions {
        StaleAction stale = StaleAction::Refuse;
        bool wipe = false;   // start from nothing even after a clean stop
    };

    using QObject::QObject;

    virtual QString flavor() const = 0;          // "native", "docker"
    virtual const LabConfig &config() const = 0;
    virtual bool isBusy() const = 0;
    virtual void start(const StartOptions &options) = 0;
    // Stops the lab recorded in the lab directory; also cancels a start in progress.
    virtual void stop() = 0;

signals:
    void componentChanged(const pgha::svc::LabComponentStatus &status);
    void stageChanged(const QString &text, int percent);
    void message(const QString &line);
    void startFinished(const pgha::svc::LabOutcome &outcome);
    void stopFinished(const pgha::svc::LabOutcome &outcome);
};

class HttpClient;

QStringList labFlavors();   // "native", "docker"
// The flavour recorded in a lab directory's state ("" when there is no lab there).
QString recordedLabFlavor(const QString &labDir);
// A lab service of that flavour (nullptr for an unknown name).
LabService *makeLabService(const QString &flavor, const LabConfig &config, HttpClient *http, QObject *parent = nullptr);

} // namespace pgha::svc

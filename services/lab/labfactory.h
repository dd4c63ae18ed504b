#pragma once

#include "lab/labconfig.h"

#include <QString>

class QObject;

namespace pgha::svc {

class HttpClient;
class LabService;

// Where a lab service comes from: which flavour a lab directory holds, which one to drive, the
// configuration a start asks for, and the object itself. The GUI and the CLI both ask here.

// The flavour recorded in a lab directory's state ("" when there is no lab there).
QString recordedLabFlavor(const QString &labDir);

// Which flavour to drive in a lab directory: the one `asked` for, else the one recorded there,
// else native. A lab of another flavour that is there and not stopped keeps its flavour (two
// flavours never run at once in one directory): `flavor` is then that one and `occupiedBy`
// says what is there, for a person.
struct LabFlavorChoice {
    QString flavor;
    QString occupiedBy;   // empty when the asked flavour was taken
};
LabFlavorChoice chooseLabFlavor(const QString &labDir, const QString &asked = {});

// The Compose project of a lab on these port offsets: "pgha-lab", "pgha-lab-OFFSET" (a second
// lab beside the first is a second project).
QString labDockerProject(int portOffset);
// The configuration of a fresh lab in the default lab directory on ports shifted by `portOffset`.
LabConfig labConfigForOffset(int portOffset);

// A lab service of that flavour (nullptr for an unknown name; see labFlavors()).
LabService *makeLabService(const QString &flavor, const LabConfig &config, HttpClient *http, QObject *parent = nullptr);

} // namespace pgha::svc

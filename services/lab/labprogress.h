#pragma once

#include "core/result.h"
#include "lab/labconfig.h"
#include "lab/labhealth.h"
#include "lab/labstartbreakdown.h"

#include <QMetaType>
#include <QString>

namespace pgha::svc {

// Where one lab component is while the lab starts or stops.
struct LabComponentStatus {
    enum class State { Pending, Starting, Ready, Failed, Stopping, Stopped };
    QString name;
    LabComponentKind kind = LabComponentKind::Etcd;
    State state = State::Pending;
    QString detail;      // "creating replica", "leader", "port 6432 open" …
    qint64 pid = 0;

    static QString stateName(State s);
    bool operator==(const LabComponentStatus &o) const = default;
};

struct LabOutcome {
    bool ok = false;
    bool alreadyRunning = false;
    bool staleLab = false;   // refused: a crashed lab's directory needs --reuse or --wipe
    Error error;
    qint64 elapsedMs = 0;
    LabHealth health;    // on a successful start
    // Where a start's time went, stage by stage (also of a failed one, up to where it failed);
    // empty when nothing was started (refused, or already running).
    LabStartBreakdown breakdown;

    static LabOutcome failure(Error e, qint64 elapsedMs = 0)
    {
        LabOutcome o;
        o.error = std::move(e);
        o.elapsedMs = elapsedMs;
        return o;
    }
    static LabOutcome success(qint64 elapsedMs = 0)
    {
        LabOutcome o;
        o.ok = true;
        o.elapsedMs = elapsedMs;
        return o;
    }
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::LabComponentStatus)
Q_DECLARE_METATYPE(pgha::svc::LabOutcome)

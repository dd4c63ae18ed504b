#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QUrl>

namespace pgha::svc {

// Every operation an operator runs with patronictl, as the console sends it to Patroni's REST API.
enum class ActionKind {
    Switchover,
    CancelSwitchover,   // DELETE /switchover: a scheduled switchover
    Failover,
    Restart,
    CancelRestart,      // DELETE /restart: a scheduled restart
    Reinit,
    Reload,
    Pause,
    Resume,
    ConfigPatch,
};

QString actionName(ActionKind kind);                 // "switchover", "cancel-switchover" …
bool actionFromName(const QString &name, ActionKind *kind);

struct ActionRequest {
    ActionKind kind = ActionKind::Reload;
    QString leader;          // switchover: the current leader (Patroni insists on it)
    QString candidate;       // switchover/failover: who should lead ("" = Patroni picks)
    QStringList members;     // restart/reinit/reload: targets ("" list = every member)
    QDateTime scheduledAt;   // switchover/restart: when (invalid = now)
    bool pendingOnly = false;    // restart: only members with pending_restart
    QJsonObject configPatch;     // ConfigPatch: the JSON merge patch for PATCH /config
    QString reason;              // the operator's words, for the journal

    bool isScheduled() const { return scheduledAt.isValid(); }
};

// One HTTP call to one member's REST API.
struct PatroniCall {
    QString member;          // whose API (empty: any member would do)
    QByteArray verb;         // POST, PATCH, DELETE
    QUrl url;
    QByteArray body;         // JSON; empty: no body
};

// One step of following an action to its outcome, as the progress display shows it.
struct ActionStep {
    enum class State { Pending, Running, Done, Failed, Skipped };
    QString title;
    State state = State::Pending;
    QString detail;
    qint64 elapsedMs = -1;   // since the request was sent, when the step finished
};

QString stepStateName(ActionStep::State s);

struct ActionOutcome {
    enum class Result { Succeeded, Failed, Refused, TimedOut, Cancelled };
    Result result = Result::Failed;
    QString summary;                 // one sentence an operator reads first
    int httpStatus = 0;
    QString httpBody;
    QList<ActionStep> steps;
    qint64 requestMs = -1;           // the REST call's own duration
    qint64 timeToNewLeaderMs = -1;   // switchover/failover: request sent → new leader in /cluster
    qint64 convergedMs = -1;         // request sent → the whole cluster converged
    qint64 writeGapMs = -1;          // last acknowledged write before → first after (-1: no gap seen or no probe)
    int writesAcknowledged = 0;
    int writesFailed = 0;
    QString newLeader;
    qint64 newTimeline = -1;

    bool ok() const { return result == Result::Succeeded; }
    static QString resultName(Result r);
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::ActionOutcome)
Q_DECLARE_METATYPE(pgha::svc::ActionStep)

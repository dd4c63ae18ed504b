#pragma once

#include <QList>
#include <QString>

namespace pgha::svc {

// Every fault the console can inject, each distinct: a crash is not a graceful stop, a freeze is
// not a crash, and none of them is reported as another.
enum class FaultKind {
    CrashPrimary,          // SIGKILL of the leader's Patroni and its postmaster together
    StopPrimary,           // SIGTERM to the leader's Patroni: it stops PostgreSQL and releases the leader key
    FreezePrimary,         // SIGSTOP of the leader's Patroni and PostgreSQL; thawed by SIGCONT
    StallThenCrash,        // the leader's WAL senders frozen for a while, then the leader crashed
    CrashReplica,
    FreezeReplica,
    CrashEtcdMember,
    LoseEtcdQuorum,        // two of three etcd members crashed, failsafe_mode off
    LoseEtcdQuorumFailsafe,// the same with failsafe_mode on
    CrashHaproxy,
    CrashPgbouncer,        // the PgBouncer beside the leader (the one in the write path)
    PartitionPrimary,      // the leader cut off the network
    ExternalPrimary,       // the user's own command, aimed at the leader (any cluster)
    ExternalReplica,       // the user's own command, aimed at a replica (any cluster)
};

// What a fault does to which part, how it is undone, and whether a new leader should follow.
struct FaultInfo {
    FaultKind kind = FaultKind::CrashPrimary;
    QString id;              // "crash-primary": the CLI's name and the reports' key
    QString title;           // "Crash the primary"
    QString what;            // what exactly happens, in one sentence
    QString undo;            // how the console undoes it
    bool expectsFailover = false;
    bool hitsLeader = false; // the fault's target is the current leader (or its PgBouncer)
};

const QList<FaultInfo> &faultCatalog();
// The fault hits a Patroni member (primary or replica), which must stream or lead again after.
bool hitsPatroniMember(FaultKind kind);
const FaultInfo *faultById(const QString &id);
const FaultInfo &faultInfo(FaultKind kind);
// The fault is injected by a command the user gives (--inject), not by the console.
bool isExternalFault(FaultKind kind);

// Where faults can run. The console's own faults: only on a profile of kind lab whose lab the
// console started (it knows the processes); a fault the lab's flavour cannot do is listed with
// the reason. The user's own (external) faults: on any cluster but a production one, through
// the profile's read-write entry point.
struct ChaosEnvironment {
    bool labProfile = false;     // the profile's kind is lab
    QString labDir;              // the lab the console started ("" when the profile names none)
    QString flavor;              // "native" or "docker" ("" when no lab state was found)
    bool labRunning = false;
    bool production = false;     // the profile's kind is production
    bool hasReadWrite = false;   // the profile names a read-write entry point
};

struct FaultAvailability {
    bool available = false;
    QString reason;              // why not, and what to do, when unavailable
};

FaultAvailability faultAvailability(const FaultInfo &fault, const ChaosEnvironment &env);

struct Profile;
// A profile's chaos environment: its kind, and the state of the lab it names (read from disk).
ChaosEnvironment chaosEnvironmentFor(const Profile &profile);

} // namespace pgha::svc

#include "chaos/faultcatalog.h"

#include "lab/nativelab.h"
#include "profile/profile.h"

namespace pgha::svc {

const QList<FaultInfo> &faultCatalog()
{
    static const QList<FaultInfo> catalog = {
        {FaultKind::CrashPrimary, QStringLiteral("crash-primary"), QStringLiteral("Crash the primary"),
         QStringLiteral("SIGKILL to the leader's Patroni and its PostgreSQL postmaster together: no goodbye, the leader "
                        "key stays in etcd until its ttl runs out"),
         QStringLiteral("start the member's Patroni again; it rejoins as a replica (pg_rewind)"), true, true},
        {FaultKind::StopPrimary, QStringLiteral("stop-primary"), QStringLiteral("Stop the primary gracefully"),
         QStringLiteral("SIGTERM to the leader's Patroni: it stops PostgreSQL cleanly and deletes the leader key, so a "
                        "replica takes over without waiting for the ttl (what `docker stop` does: not a crash)"),
         QStringLiteral("start the member's Patroni again; it rejoins as a replica"), true, true},
        {FaultKind::FreezePrimary, QStringLiteral("freeze-primary"), QStringLiteral("Freeze the primary"),
         QStringLiteral("SIGSTOP to the leader's Patroni and every PostgreSQL process of it: alive but silent, like a "
                        "stalled VM; its leader key expires"),
         QStringLiteral("SIGCONT; the thawed member finds it lost the leader key and demotes itself"), true, true},
        {FaultKind::StallThenCrash, QStringLiteral("stall-then-crash"), QStringLiteral("Stall replication, then crash the primary"),
         QStringLiteral("SIGSTOP to the leader's WAL senders for 2 s while writes go on, then the leader crashed: "
                        "asynchronous replication loses the writes the replicas never got"),
         QStringLiteral("start the member's Patroni again; it rejoins as a replica (pg_rewind)"), true, true},
        {FaultKind::CrashReplica, QStringLiteral("crash-replica"), QStringLiteral("Crash a replica"),
         QStringLiteral("SIGKILL to a replica's Patroni and its postmaster"),
         QStringLiteral("start the member's Patroni again"), false, false},
        {FaultKind::FreezeReplica, QStringLiteral("freeze-replica"), QStringLiteral("Freeze a replica"),
         QStringLiteral("SIGSTOP to a replica's Patroni and PostgreSQL processes"), QStringLiteral("SIGCONT"), false, false},
        {FaultKind::CrashEtcdMember, QStringLiteral("crash-etcd-member"), QStringLiteral("Crash one etcd member"),
         QStringLiteral("SIGKILL to one of the three etcd members; two keep the quorum"),
         QStringLiteral("start the etcd member again"), false, false},
        {FaultKind::LoseEtcdQuorum, QStringLiteral("lose-etcd-quorum"), QStringLiteral("Lose the etcd quorum (failsafe_mode off)"),
         QStringLiteral("SIGKILL to two of the three etcd members with failsafe_mode off: the leader cannot renew its key "
                        "and Patroni demotes it"),
         QStringLiteral("start both etcd members again"), false, true},
        {FaultKind::LoseEtcdQuorumFailsafe, QStringLiteral("lose-etcd-quorum-failsafe"),
         QStringLiteral("Lose the etcd quorum (failsafe_mode on)"),
         QStringLiteral("SIGKILL to two of the three etcd members with failsafe_mode on: the leader keeps its role while "
                        "every member answers its POST /failsafe"),
         QStringLiteral("start both etcd members again; failsafe_mode goes back to what it was"), false, true},
        {FaultKind::CrashHaproxy, QStringLiteral("crash-haproxy"), QStringLiteral("Crash HAProxy"),
         QStringLiteral("SIGKILL to HAProxy: the read-write and read-only entry points are gone; the cluster itself is fine"),
         QStringLiteral("start HAProxy again"), false, false},
        {FaultKind::CrashPgbouncer, QStringLiteral("crash-pgbouncer"), QStringLiteral("Crash the primary's PgBouncer"),
         QStringLiteral("SIGKILL to the PgBouncer beside the leader, the one the read-write port sends writes to; HAProxy "
                        "checks Patroni, not PgBouncer, so it keeps sending writes there"),
         QStringLiteral("start that PgBouncer again"), false, true},
        {FaultKind::PartitionPrimary, QStringLiteral("partition-primary"), QStringLiteral("Cut the primary off the network"),
         QStringLiteral("the leader's container disconnected from the lab network: it cannot reach etcd or the replicas, "
                        "and clients cannot reach it"),
         QStringLiteral("reconnect it; it demotes and rejoins"), true, true},
        {FaultKind::ExternalPrimary, QStringLiteral("external-primary"), QStringLiteral("Your fault on the primary"),
         QStringLiteral("the command you give (--inject) runs with PGHA_TARGET set to the leader: a `docker kill`, a "
                        "`systemctl stop`, a paused VM — on any cluster, the console's or yours; the console measures what "
                        "clients see and expects a failover"),
         QStringLiteral("the command you give (--undo), if any; then the member should stream again"), true, true},
        {FaultKind::ExternalReplica, QStringLiteral("external-replica"), QStringLiteral("Your fault on a replica"),
         QStringLiteral("the command you give (--inject) runs with PGHA_TARGET set to a replica (--target, or the first): "
                        "the console measures what clients see and expects writes to go on"),
         QStringLiteral("the command you give (--undo), if any; then the member should stream again"), false, false},
    };
    return catalog;
}

bool hitsPatroniMember(FaultKind kind)
{
    switch (kind) {
    case FaultKind::CrashPrimary:
    case FaultKind::StopPrimary:
    case FaultKind::FreezePrimary:
    case FaultKind::StallThenCrash:
    case FaultKind::CrashReplica:
    case FaultKind::FreezeReplica:
    case FaultKind::PartitionPrimary:
    case FaultKind::ExternalPrimary:
    case FaultKind::ExternalReplica:
        return true;
    case FaultKind::CrashEtcdMember:
    case FaultKind::LoseEtcdQuorum:
    case FaultKind::LoseEtcdQuorumFailsafe:
    case FaultKind::CrashHaproxy:
    case FaultKind::CrashPgbouncer:
        break;
    }
    return false;
}

const FaultInfo *faultById(const QString &id)
{
    for (const auto &f : faultCatalog())
        if (f.id == id)
            return &f;
    return nullptr;
}

const FaultInfo &faultInfo(FaultKind kind)
{
    for (const auto &f : faultCatalog())
        if (f.kind == kind)
            return f;
    return faultCatalog().front();
}

bool isExternalFault(FaultKind kind)
{
    return kind == FaultKind::ExternalPrimary || kind == FaultKind::ExternalReplica;
}

FaultAvailability faultAvailability(const FaultInfo &fault, const ChaosEnvironment &env)
{
    if (isExternalFault(fault.kind)) {
        if (env.production)
            return {false, QStringLiteral("this profile is of kind production: the console runs no fault on it; use a "
                                          "staging or lab profile of that cluster")};
        if (!env.hasReadWrite)
            return {false, QStringLiteral("the profile names no read-write entry point (`read_write:`): the write probe that "
                                          "measures the outage has nowhere to write")};
        if (!env.labDir.isEmpty() && !env.labRunning)
            return {false, QStringLiteral("the lab is not running; start it with `pgha lab start` or the Lab panel")};
        return {true, {}};
    }
    if (!env.labProfile)
        return {false, QStringLiteral("faults run only on profiles of kind lab; this profile is not a lab")};
    if (env.labDir.isEmpty())
        return {false, QStringLiteral("this lab profile names no lab the console started, so the console does not know "
                                      "its processes; use the built-in lab profile (`--profile lab`)")};
    if (env.flavor.isEmpty() || !env.labRunning)
        return {false, QStringLiteral("the lab is not running; start it with `pgha lab start` or the Lab panel")};
    if (fault.kind == FaultKind::PartitionPrimary && env.flavor == u"native")
        return {false, QStringLiteral("the native lab runs every member on one loopback address, so one member cannot be "
                                      "cut off without cutting off all; use the Docker lab (network disconnect)")};
    if (env.flavor != u"native" && env.flavor != u"docker")
        return {false, QStringLiteral("the %1 lab cannot run faults; use the native or the Docker lab").arg(env.flavor)};
    return {true, {}};
}

ChaosEnvironment chaosEnvironmentFor(const Profile &profile)
{
    ChaosEnvironment env;
    env.labProfile = profile.kind == Profile::Kind::Lab;
    env.production = profile.kind == Profile::Kind::Production;
    env.hasReadWrite = !profile.readWrite.host.isEmpty();
    env.labDir = profile.labDir;
    if (env.labDir.isEmpty())
        return env;
    const NativeLab::Report report = NativeLab::inspect(env.labDir);
    if (report.state)
        env.flavor = report.state->flavor;
    env.labRunning = report.status == NativeLab::Status::Running;
    return env;
}

} // namespace pgha::svc

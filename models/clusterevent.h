#pragma once

#include "core/sourcehealth.h"
#include "etcd/etcdpoller.h"
#include "haproxy/haproxystats.h"
#include "patroni/patronitypes.h"
#include "pg/pgpoolobservation.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace pgha::models {

// One thing that happened, as one source saw it, on one clock (ms since epoch).
struct ClusterEvent {
    enum class Severity { Info, Warning, Error };
    qint64 atMs = 0;
    QString source;      // "patroni", "haproxy", "etcd", "lab", or a source id ("patroni:pg1")
    Severity severity = Severity::Info;
    QString kind;        // leader-changed, timeline-changed, member-joined, member-left, member-state,
                         // server-up, server-down, etcd-leader-changed, etcd-keyspace, lag-high, lag-ok,
                         // source-unreachable, source-recovered, config-changed, role-check
    QString subject;     // member, server or source the event is about
    QString text;        // one sentence for people

    static QString severityName(Severity s);
    QJsonObject toJson() const;
};

// Events from two consecutive observations of the same source. Pure; `atMs` of each event is
// the time of `after`. The first observation (empty `before`) yields no events but a baseline —
// except diffEtcd's "Patroni's keys are in the v2 keyspace", said on the first that finds it.
QList<ClusterEvent> diffCluster(const svc::ClusterSnapshot &before, const svc::ClusterSnapshot &after,
                                qint64 lagThresholdBytes);
QList<ClusterEvent> diffHaproxy(const svc::HaproxyStats &before, const svc::HaproxyStats &after, qint64 atMs);
QList<ClusterEvent> diffEtcd(const svc::EtcdSnapshot &before, const svc::EtcdSnapshot &after);
// Patroni's own keys in the DCS for one scope: the leader key taken, deleted or handed over, a
// switchover/failover request written or consumed, the synchronous standby and failsafe
// changing, member keys appearing and going. `via` says how it was seen ("etcd watch, revision
// 812"); nullptr `before` is a baseline (no events).
QList<ClusterEvent> diffDcsScope(const svc::PatroniDcsScope *before, const svc::PatroniDcsScope *after, qint64 atMs,
                                 const QString &via);
// The dynamic configuration changed (ttl, loop_wait, synchronous_mode, a parameter …): one
// event naming every changed key with its old and new value.
QList<ClusterEvent> diffConfig(const svc::PatroniDynamicConfig &before, const svc::PatroniDynamicConfig &after, qint64 atMs);
// A member's answer to GET /primary or OPTIONS /replica changed (what load balancers route by).
QList<ClusterEvent> diffRoleChecks(const QList<svc::PatroniNodeReport> &before, const QList<svc::PatroniNodeReport> &after);
// Pgpool-II changed its mind about a backend: status (up/down/…) or role (primary/standby).
QList<ClusterEvent> diffPgpool(const svc::PgpoolObservation &before, const svc::PgpoolObservation &after);
// A source that stopped answering or came back.
QList<ClusterEvent> diffHealth(const svc::SourceHealth &before, const svc::SourceHealth &after, qint64 atMs);

} // namespace pgha::models

Q_DECLARE_METATYPE(pgha::models::ClusterEvent)

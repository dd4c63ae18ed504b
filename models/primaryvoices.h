#pragma once

#include "clusterlayout.h"
#include "haproxy/haproxystats.h"
#include "patroni/patronitypes.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgobservation.h"
#include "pg/pgpoolobservation.h"

#include <QMap>
#include <QString>

#include <optional>

namespace pgha::models {

// Which node each source names as the primary, for the consistency watchdog. Pure functions:
// one rule each, tested on recorded payloads. A voice is a member name, several joined with
// " + " (two primaries is itself a finding), "" for "none", or nullopt when the source cannot
// say: not read, not configured, or naming something no member of /cluster stands at (an
// address that cannot be mapped is shown as unmapped, never counted as a disagreement).

// The servers UP in the layout's read-write proxy, as members.
std::optional<QString> haproxyVoice(const svc::HaproxyStats &stats, const ClusterLayout &layout);

// The members whose REST API answers 200 to GET /primary (reports keyed by their member).
// "None" only when every running member /cluster lists was asked: before discovery has added
// the others (one URL in the profile), a 503 from a replica says nothing about the rest.
std::optional<QString> patroniPrimaryVoice(const QList<svc::PatroniNodeReport> &nodes, const svc::ClusterSnapshot &cluster);

// The PostgreSQL endpoints that answered "not in recovery", as members (fresh observations only).
std::optional<QString> postgresVoice(const QMap<QString, svc::PgNodeObservation> &observations, const ClusterLayout &layout);

// Where writes really end: each server UP in HAProxy's read-write proxy is a PgBouncer (found
// by its address among the profile's PgBouncers), and each PgBouncer says in SHOW DATABASES and
// SHOW SERVERS which PostgreSQL it forwards to (ClusterLayout::Pooler::targets); one that
// spreads over several members names them all.
std::optional<QString> pgbouncerVoice(const svc::HaproxyStats &stats, const ClusterLayout &layout,
                                      const QMap<QString, svc::PgBouncerObservation> &observations);

// The node(s) Pgpool-II sends writes to, named through /cluster by host:port.
std::optional<QString> pgpoolVoice(const svc::PgpoolObservation &pgpool, const MemberMap &members);

} // namespace pgha::models

#pragma once

#include "haproxy/haproxystats.h"
#include "patroni/patronitypes.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgpoolobservation.h"
#include "profile/profile.h"

#include <QMap>
#include <QString>

#include <optional>

namespace pgha::models {

// Which node each source names as the primary, for the consistency watchdog. Pure functions:
// one rule each, tested on recorded payloads. A voice is a member name, several joined with
// " + " (two primaries is itself a finding), "" for "none", or nullopt when the source cannot
// say (not read, or not configured).

// The HAProxy proxy that carries writes: the configured one, else the one named like it.
QString readWriteProxy(const svc::HaproxyStats &stats, const QString &configured);

// The servers UP in the read-write proxy.
std::optional<QString> haproxyVoice(const svc::HaproxyStats &stats, const QString &proxy);

// The members whose REST API answers 200 to GET /primary.
std::optional<QString> patroniPrimaryVoice(const QList<svc::PatroniNodeReport> &nodes);

// Where writes really end: each server UP in HAProxy's read-write proxy is a PgBouncer (found
// by its address among the profile's PgBouncers), and each PgBouncer says in SHOW DATABASES
// which PostgreSQL it forwards to; that host:port is named through /cluster.
std::optional<QString> pgbouncerVoice(const svc::HaproxyStats &stats, const QString &proxy,
                                      const QList<svc::Profile::Endpoint> &bouncers,
                                      const QMap<QString, svc::PgBouncerObservation> &observations,
                                      const svc::ClusterSnapshot &cluster);

// The node(s) Pgpool-II sends writes to, named through /cluster by host:port.
std::optional<QString> pgpoolVoice(const svc::PgpoolObservation &pgpool, const svc::ClusterSnapshot &cluster);

} // namespace pgha::models

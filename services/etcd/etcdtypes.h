#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace pgha::svc {

// Answers larger than this are refused unread (a Patroni namespace holds a few kB).
constexpr qsizetype kMaxEtcdPayloadBytes = 32 * 1024 * 1024;

// etcd's v3 JSON gateway encodes int64 as strings and keys/values as base64; these types hold
// them decoded. Member ids are 64-bit unsigned: kept as decimal strings, as etcd prints them.
struct EtcdMember {
    QString id;
    QString name;
    QStringList peerUrls;
    QStringList clientUrls;
};

struct EtcdMemberList {
    QString clusterId;
    QString answeredBy;       // header.member_id
    qint64 raftTerm = 0;
    QList<EtcdMember> members;
};

struct EtcdStatus {
    QString memberId;         // header.member_id: who answered
    QString version;
    QString leaderId;
    qint64 dbSize = 0;
    qint64 dbSizeInUse = 0;
    qint64 raftTerm = 0;
    qint64 raftIndex = 0;
    qint64 raftAppliedIndex = 0;
    QStringList errors;       // e.g. "NOSPACE" alarms

    bool isLeader() const { return !memberId.isEmpty() && memberId == leaderId; }
};

struct EtcdKeyValue {
    QString key;
    QByteArray value;
    qint64 createRevision = 0;
    qint64 modRevision = 0;
    qint64 version = 0;
    QString lease;            // "" when none
    // v2 only: seconds the key has left before it expires, as etcd counted at the answer. v3
    // keys carry a lease id instead (its time-to-live is a separate request).
    std::optional<qint64> ttlS;
};

// What Patroni keeps in the DCS for one scope under its namespace (default "/service/").
struct PatroniDcsScope {
    QString scope;
    QString leader;                        // member name holding the leader key ("" = none)
    QString leaderLease;                   // v3: the leader key's lease id
    std::optional<qint64> leaderTtlS;      // v2: seconds left on the leader key (unset for v3)
    QMap<QString, QJsonObject> members;    // name → member data (state, role, api_url, xlog_location …)
    QJsonObject config;                    // the dynamic configuration (ttl, loop_wait …)
    QByteArray history;                    // JSON array, as stored
    QJsonObject failover;                  // pending switchover/failover request
    QJsonObject sync;                      // synchronous standby state
    QJsonObject status;                    // optime, slots, retain_slots …
    QJsonObject failsafe;                  // failsafe_mode: the members the leader may keep talking to
    QString initialize;                    // database system identifier
    bool hasInitialize = false;
};

// A range answer with the store revision it was read at (a watch continues from revision + 1).
struct EtcdRangeAnswer {
    qint64 revision = 0;
    QList<EtcdKeyValue> kvs;
};

// One message of a v3 watch stream (the gateway sends one JSON object per line): the watch was
// created, canceled (compactRevision > 0: the revision asked for is compacted away), or events.
// A message with none of these is a progress notice: the store has reached `revision`.
struct EtcdWatchEvent {
    enum class Type { Put, Delete };
    Type type = Type::Put;
    EtcdKeyValue kv;                        // a deleted key: its key and the deletion's mod_revision
    std::optional<EtcdKeyValue> previous;   // the key before the event (prev_kv asked for)
};

struct EtcdWatchMessage {
    qint64 revision = 0;                    // header.revision
    QString memberId;                       // who sent it
    bool created = false;
    bool canceled = false;
    qint64 compactRevision = 0;
    QString cancelReason;
    QList<EtcdWatchEvent> events;
};

// `POST /v3/lease/timetolive`: whole seconds left (etcd truncates, so the key expires within
// [ttlS, ttlS + 1) s of the answer; 0 = under a second; -1 = the lease is gone).
struct EtcdLeaseTtl {
    QString id;
    qint64 ttlS = 0;
    qint64 grantedS = 0;
};

Result<EtcdMemberList> parseEtcdMemberList(const QByteArray &json);
Result<EtcdStatus> parseEtcdStatus(const QByteArray &json);
Result<bool> parseEtcdHealth(const QByteArray &json);         // true = healthy; an error names why not
Result<QList<EtcdKeyValue>> parseEtcdRange(const QByteArray &json);
Result<EtcdRangeAnswer> parseEtcdRangeAnswer(const QByteArray &json);
// One line of a watch stream; etcd's refusal ({"error": …}) is a Rejected error with its text.
Result<EtcdWatchMessage> parseEtcdWatchMessage(const QByteArray &json);
Result<EtcdLeaseTtl> parseEtcdLeaseTimeToLive(const QByteArray &json);
// etcd's v2 API, `GET /v2/keys<dir>?recursive=true`: every key under the directory, flattened
// (directories themselves are no keys); values as stored, `ttlS` set for keys that expire.
// etcd's own v2 error answer ({"errorCode":100,"message":"Key not found"}) is NotFound for 100,
// Rejected otherwise; anything that is not a v2 answer is Parse.
Result<QList<EtcdKeyValue>> parseEtcdV2Keys(const QByteArray &json);
// The path of that request for a namespace ("/service/" → "/v2/keys/service/").
QString etcdV2KeysPath(const QString &namespacePrefix);

// Groups the keys of a range (v3) or of a recursive v2 read over `namespacePrefix` (e.g.
// "/service/") into Patroni scopes; every scope present in the DCS is found, not only the one
// the profile names.
QList<PatroniDcsScope> patroniScopesFromKeys(const QList<EtcdKeyValue> &kvs, const QString &namespacePrefix);

// Base64 of a key and of the end of the range covering every key with that prefix.
QByteArray etcdRangeRequest(const QString &prefix);
// A watch of every key with `prefix`, with each event's previous value, from `startRevision`
// (0 = from now).
QByteArray etcdWatchRequest(const QString &prefix, qint64 startRevision);
QByteArray etcdLeaseTimeToLiveRequest(const QString &leaseId);

} // namespace pgha::svc

#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QUrl>

#include <optional>

namespace pgha::svc {

// A member's REST API base (scheme://host:port), as the profile or the lab names it or as
// /cluster's api_url gives it.
struct MemberApi {
    QString name;
    QUrl base;
};

// Patroni has renamed roles across releases (master → primary → leader); everything above the
// parser sees only these normalised values.
enum class MemberRole { Leader, StandbyLeader, SyncStandby, QuorumStandby, Replica, Unknown };

QString roleName(MemberRole role);           // "leader", "sync_standby", …
MemberRole normaliseRole(const QString &patroniRole);

struct MemberLag {
    enum class Kind { None, Bytes, Unknown };  // None: not reported (the leader); Unknown: Patroni said "unknown"
    Kind kind = Kind::None;
    qint64 bytes = 0;
};

struct PatroniMember {
    QString name;
    MemberRole role = MemberRole::Unknown;
    QString rawRole;         // as Patroni spelled it
    QString state;           // running, streaming, stopped, starting, crashed …
    QString host;
    int port = 0;
    QString apiUrl;
    std::optional<qint64> timeline;
    MemberLag lag;                 // 3.x: bytes behind; 4.1+: the same, for the "current" LSN
    MemberLag receiveLag;          // 4.1+ only
    MemberLag replayLag;           // 4.1+ only
    QString lsn, receiveLsn, replayLsn;   // 4.1+: "0/4029640" or "unknown"
    bool pendingRestart = false;
    QJsonObject pendingRestartReason;     // 4.x: parameter → {old_value, new_value}
    QString scheduledRestart;
    QJsonObject tags;

    bool isLeader() const { return role == MemberRole::Leader || role == MemberRole::StandbyLeader; }
    // PostgreSQL up under Patroni ("streaming" is what replicas say from Patroni 3.0.4 on).
    bool isRunning() const { return state == u"running" || state == u"streaming"; }
};

struct ClusterSnapshot {
    QString scope;                 // from the payload where Patroni reports it (4.x), else empty
    QList<PatroniMember> members;
    bool paused = false;
    struct ScheduledSwitchover {
        QString at, from, to;
    };
    std::optional<ScheduledSwitchover> scheduledSwitchover;
    QString sourceUrl;             // which REST API answered
    qint64 fetchedAtMs = 0;        // ms since epoch

    const PatroniMember *leader() const;
    const PatroniMember *member(const QString &name) const;   // nullptr when /cluster does not list it
    // The member whose api_url is at `base`'s host and port (spellings of one host compare
    // equal: localhost = 127.0.0.1), nullptr when none is.
    const PatroniMember *memberWithApi(const QUrl &base) const;
    int leaderCount() const;
};

// GET /patroni: one node's own account of itself.
struct PatroniNodeStatus {
    struct Walsender {
        QString user, applicationName, clientAddr, state, syncState;
    };
    QString state;                  // running, starting, stopped …
    MemberRole role = MemberRole::Unknown;
    QString rawRole;
    int serverVersion = 0;          // 150020
    std::optional<qint64> timeline;
    std::optional<qint64> walLocation;       // primary: xlog.location
    std::optional<qint64> receivedLocation;  // replica: xlog.received_location
    std::optional<qint64> replayedLocation;  // replica: xlog.replayed_location
    bool replayPaused = false;
    QList<Walsender> replication;   // primary: its walsenders
    qint64 dcsLastSeen = 0;         // epoch seconds
    QString patroniVersion;
    QString scope;
    QString systemIdentifier;
    bool pendingRestart = false;
    bool paused = false;
    QString postmasterStartTime;    // changes when PostgreSQL restarts
};

// GET /history: one entry per timeline switch.
struct TimelineSwitch {
    qint64 timeline = 0;            // the timeline that ended
    qint64 lsn = 0;                 // where it ended
    QString reason;
    QString timestamp;              // ISO 8601 as Patroni gives it
    QString newLeader;              // empty in old entries
};

// GET /config: the dynamic configuration Patroni keeps in the DCS (what `PATCH /config` changes).
struct PatroniDynamicConfig {
    // What Patroni uses where the DCS sets nothing (patroni/config.py's defaults, the same in
    // 3.x and 4.x): many public labs set no timings at all.
    static constexpr int kDefaultTtl = 30;
    static constexpr int kDefaultLoopWait = 10;
    static constexpr int kDefaultRetryTimeout = 10;
    static constexpr qint64 kDefaultMaximumLagOnFailover = 1024 * 1024;

    std::optional<int> ttl, loopWait, retryTimeout;
    std::optional<qint64> maximumLagOnFailover;   // bytes
    bool synchronousMode = false;                 // on, strict or quorum
    bool synchronousModeStrict = false;
    // synchronous_mode: quorum (Patroni 4): quorum commit over quorum standbys, any of which
    // may be promoted; synchronousMode is true too.
    bool synchronousQuorum = false;
    bool failsafeMode = false;
    bool usePgRewind = false;
    QJsonObject postgresqlParameters;             // postgresql.parameters, as Patroni stores them
    QJsonObject raw;                              // the whole document, for the details panel

    // The values Patroni runs with: the DCS's, else its defaults.
    int effectiveTtl() const { return ttl.value_or(kDefaultTtl); }
    int effectiveLoopWait() const { return loopWait.value_or(kDefaultLoopWait); }
    int effectiveRetryTimeout() const { return retryTimeout.value_or(kDefaultRetryTimeout); }
    qint64 effectiveMaximumLagOnFailover() const { return maximumLagOnFailover.value_or(kDefaultMaximumLagOnFailover); }
    bool setsAnyTiming() const { return ttl || loopWait || retryTimeout; }

    // "ttl 10 s, loop_wait 2 s, retry_timeout 4 s", a value the DCS does not set marked as
    // Patroni's default; "Patroni defaults (not set in the DCS): ttl 30 s, …" when none is set.
    QString describeTimings() const;
    // "off", "on", "on (strict)" or "quorum": as Patroni's synchronous_mode says it.
    QString synchronousModeText() const;
};

// One member's REST API in one round: its own status (the body of GET /primary is the body of
// GET /patroni) and the answers of the role checks load balancers use.
struct PatroniNodeReport {
    QString name;                                 // the endpoint's label (pg1, 10.0.0.1:8008 …)
    std::optional<PatroniNodeStatus> status;      // nullopt: /primary gave no parseable body
    int primaryCode = 0;                          // HTTP status of /primary (0: no answer)
    int replicaCode = 0;                          // of OPTIONS /replica
    int healthCode = 0;                           // of OPTIONS /health
    qint64 roleChecksAtMs = 0;                    // when /replica and /health were last asked
    QString error;                                // why status is missing, when it is
    qint64 fetchedAtMs = 0;                       // of /primary
    QUrl baseUrl;                                 // the REST API asked
    // The /cluster member this API belongs to (by its api_url, else a member of the label's
    // name); "" when /cluster lists neither. Everything per member keys on this, not the label.
    QString member;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::ClusterSnapshot)
Q_DECLARE_METATYPE(pgha::svc::PatroniDynamicConfig)
Q_DECLARE_METATYPE(pgha::svc::PatroniNodeReport)
Q_DECLARE_METATYPE(pgha::svc::PatroniNodeStatus)

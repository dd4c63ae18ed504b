#pragma once

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace pgha::svc {

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
    MemberLag lag;
    bool pendingRestart = false;
    QJsonObject tags;

    bool isLeader() const { return role == MemberRole::Leader || role == MemberRole::StandbyLeader; }
};

struct ClusterSnapshot {
    QString scope;                 // from the payload where Patroni reports it (4.x), else empty
    QList<PatroniMember> members;
    bool paused = false;
    QString sourceUrl;             // which REST API answered
    qint64 fetchedAtMs = 0;        // ms since epoch

    const PatroniMember *leader() const;
    int leaderCount() const;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::ClusterSnapshot)

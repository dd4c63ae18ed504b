#pragma once

#include "clusterevent.h"

#include <QCoreApplication>
#include <QMap>
#include <QString>

#include <optional>

namespace pgha::models {

// Which members are gone, as the sources that talk to each member directly see it — whatever
// /cluster on the survivors still says (it keeps a dead leader "running" until its key
// expires). A member is down once its REST API refuses (or does not answer); a PostgreSQL
// session that drops is the first sign and makes the caller ask the REST API at once, but on
// its own it is no verdict (PostgreSQL restarts in a switchover while Patroni lives). The
// member is up again when its REST API answers. Pure: times come from the caller.
class MemberReachability {
    Q_DECLARE_TR_FUNCTIONS(MemberReachability)
public:
    struct Down {
        qint64 sinceMs = 0;      // the first sign (a dropped session, else the refusal)
        QString how;             // "REST refused at 12:00:01.234"
        QString firstSource;     // "PostgreSQL" or "Patroni REST"
        qint64 restFailedAtMs = 0;
    };

    // `member`'s PostgreSQL session dropped: remembered until its REST API is asked.
    void sessionLost(const QString &member, qint64 atMs, const QString &why);
    // `member`'s REST API did not answer (`how`: "refused", "did not answer within 500 ms").
    std::optional<ClusterEvent> restFailed(const QString &member, qint64 atMs, const QString &how);
    // `member`'s REST API answered: up (an event when it was down), or a dropped session explained.
    std::optional<ClusterEvent> restAnswered(const QString &member, qint64 atMs);
    void clear() { m_down.clear(); m_suspects.clear(); }

    const QMap<QString, Down> &down() const { return m_down; }
    bool isDown(const QString &member) const { return m_down.contains(member); }

    static QString clockText(qint64 atMs);   // hh:mm:ss.mmm, local time

private:
    struct Suspect {
        qint64 atMs = 0;
        QString why;
    };
    QMap<QString, Down> m_down;
    QMap<QString, Suspect> m_suspects;
};

} // namespace pgha::models

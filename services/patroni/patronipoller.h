#pragma once

#include "core/endpointpoller.h"
#include "http/httpclient.h"
#include "patroni/patronitypes.h"

#include <QHash>
#include <QSet>

namespace pgha::svc {

// Polls every Patroni REST API of a profile. Each round, from every member: GET /cluster and GET
// /primary (its status code, and its body, which is the member's /patroni); OPTIONS /replica
// and OPTIONS /health (status codes only, as a load balancer sees them) in the round after
// the member's state or role changed, and every kRoleCheckEveryRounds rounds. Every
// kSlowEveryRounds rounds, and in the round after the timeline moved, also /config and
// /history from one member (they are cluster-wide). One merged snapshot per round: the account
// of a member that calls itself leader (it holds the leader key), else the first.
//
// Discovery: with discovery on, members that /cluster lists with an api_url the profile does
// not name are added as endpoints, so one URL is enough to watch the whole cluster.
class PatroniPoller : public EndpointPoller {
    Q_OBJECT
public:
    static constexpr int kSlowEveryRounds = 10;
    static constexpr int kRoleCheckEveryRounds = 5;
    static constexpr int kMaxDiscoveredMembers = 32;

    explicit PatroniPoller(HttpClient *http, QObject *parent = nullptr);
    void setDiscovery(bool on) { m_discovery = on; }
    // The Patroni scope watched ("" = the scope the first member reports): a REST API of
    // another scope (a profile URL pointing at another cluster) is left out of every round.
    void setScope(const QString &scope) { m_scope = scope; m_foreignSaid.clear(); }
    // Asks the REST API at `base` at once (OPTIONS /health, kProbeTimeoutMs), outside the rounds:
    // another source suspects its member is gone. The answer comes as restReached().
    void probe(const QUrl &base);
    static constexpr int kProbeTimeoutMs = 500;

signals:
    void snapshotReady(const pgha::svc::ClusterSnapshot &snapshot);
    // Whether the REST API at `base` answered at all (any status): every round's /cluster and
    // every probe. `result.failure` says how it did not (refused, timeout …).
    void restReached(const QUrl &base, const pgha::svc::HttpResult &result);
    // Once per round, for every member that answered (in endpoint order).
    void nodesReported(const QList<pgha::svc::PatroniNodeReport> &nodes);
    void configReady(const pgha::svc::PatroniDynamicConfig &config);
    void historyReady(const QList<pgha::svc::TimelineSwitch> &history);
    // Members found through /cluster that the profile did not name.
    void membersDiscovered(const QStringList &names);
    // A REST API that answers for another scope than the one watched (said once per API).
    void foreignScope(const QString &label, const QUrl &base, const QString &scope, const QString &watched);

protected:
    void fetch(int index, quint64 generation) override;
    void roundStarting() override;
    void roundComplete() override;
    QString displayLabel(const QString &label) const override { return label + QStringLiteral(" REST"); }

private:
    void fetchClusterWide(const QUrl &base);
    void discover(const ClusterSnapshot &snapshot);
    void dropForeignScopes();

    struct Answer {
        QString label;
        QUrl baseUrl;
        ClusterSnapshot snapshot;
    };
    QList<Answer> m_answers;
    QList<PatroniNodeReport> m_reports;
    QHash<QString, PatroniNodeReport> m_lastReports;   // by member, for the role checks
    QSet<QString> m_roleChecksDue;
    int m_round = 0;
    bool m_slowDue = true;          // ask /config and /history this round
    bool m_slowTaken = false;       // … from one member only
    qint64 m_lastTimeline = -1;
    bool m_discovery = false;
    QString m_scope;
    QSet<QString> m_foreignSaid;   // labels already reported as of another scope
};

} // namespace pgha::svc

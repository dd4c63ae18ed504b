#pragma once

#include "core/endpointpoller.h"
#include "etcd/etcdtypes.h"

#include <QMap>
#include <QMetaType>

namespace pgha::svc {

// What etcd said in one round: each member's own status, the member list, and Patroni's keys.
struct EtcdSnapshot {
    QMap<QString, EtcdStatus> statusByEndpoint;   // endpoint label → maintenance/status
    EtcdMemberList members;                        // from the first endpoint that answered
    QList<PatroniDcsScope> scopes;                 // every Patroni scope under the namespace
    QString leaderName;                            // raft leader, by member name
    qint64 fetchedAtMs = 0;
};

// Polls every etcd client endpoint through the v3 JSON gateway: status from each (each member
// speaks for itself), member list and the Patroni namespace from one.
class EtcdPoller : public EndpointPoller {
    Q_OBJECT
public:
    explicit EtcdPoller(HttpClient *http, QObject *parent = nullptr);
    void setNamespace(const QString &prefix) { m_namespace = prefix; }

signals:
    void snapshotReady(const pgha::svc::EtcdSnapshot &snapshot);

protected:
    void fetch(int index, quint64 generation) override;
    void roundStarting() override;
    void roundComplete() override;

private:
    QString m_namespace = QStringLiteral("/service/");
    EtcdSnapshot m_round;
    bool m_clusterViewTaken = false;   // member list + keys asked from one endpoint per round
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::EtcdSnapshot)

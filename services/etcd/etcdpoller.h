#pragma once

#include "core/endpointpoller.h"
#include "etcd/etcdtypes.h"

#include <QMap>
#include <QMetaType>

#include <functional>

namespace pgha::svc {

// What etcd said in one round: each member's own status, the member list, and Patroni's keys.
struct EtcdSnapshot {
    QMap<QString, EtcdStatus> statusByEndpoint;   // endpoint label → maintenance/status
    EtcdMemberList members;                        // from the first endpoint that answered
    QList<PatroniDcsScope> scopes;                 // every Patroni scope under the namespace
    QString leaderName;                            // raft leader, by member name
    // Where Patroni's keys were found: "v3", "v2", or "" while neither holds any. It outlives a
    // round whose key request failed: only an answer moves it.
    QString keyspace;
    QString keyspaceNote;                          // for "v2": one sentence on why, and what it means
    QString keysError;                             // the keys' answer could not be read ("" = fine)
    qint64 fetchedAtMs = 0;

    // The scope a profile watches: the one it names, else the first found (nullptr: none).
    const PatroniDcsScope *watchedScope(const QString &profileScope) const
    {
        for (const auto &s : scopes)
            if (profileScope.isEmpty() || s.scope == profileScope)
                return &s;
        return nullptr;
    }
};

// Polls every etcd client endpoint through the v3 JSON gateway: status from each (each member
// speaks for itself), member list and the Patroni namespace from one. Patroni's keys are read
// from the v3 keyspace, or from the v2 one when Patroni runs on etcd's v2 API (its `etcd:`
// DCS): v3 first; an empty v3 range sends the same round's read to v2. Once v2 holds them,
// only v2 is read, and v3 asked again every kKeyspaceRecheckRounds rounds in case the cluster
// moved; a v2 API that is off (404) is asked again only as often.
class EtcdPoller : public EndpointPoller {
    Q_OBJECT
public:
    static constexpr int kKeyspaceRecheckRounds = 10;

    explicit EtcdPoller(HttpClient *http, QObject *parent = nullptr);
    void setNamespace(const QString &prefix);
    // An EtcdWatcher follows Patroni's keys: rounds read status and members only (the
    // snapshot's scopes stay empty; its keyspace stays what it was).
    void setKeysFromWatch(bool on) { m_keysFromWatch = on; }
    bool keysFromWatch() const { return m_keysFromWatch; }

    // The sentence EtcdSnapshot::keyspaceNote carries for the v2 keyspace.
    static QString v2KeyspaceNote();

signals:
    void snapshotReady(const pgha::svc::EtcdSnapshot &snapshot);

protected:
    void fetch(int index, quint64 generation) override;
    void roundStarting() override;
    void roundComplete() override;
    void endpointsChanged() override;

private:
    enum class Keyspace { Unknown, V3, V2 };
    // Patroni's keys from the endpoint at `base` into m_round; `done` once, when read or given up.
    void readPatroniKeys(const QUrl &base, quint64 generation, const std::function<void()> &done);
    void readV2Keys(const QUrl &base, quint64 generation, const std::function<void()> &done);
    void forgetKeyspace();

    QString m_namespace = QStringLiteral("/service/");
    EtcdSnapshot m_round;
    bool m_clusterViewTaken = false;   // member list + keys asked from one endpoint per round
    Keyspace m_keyspace = Keyspace::Unknown;
    bool m_v2Empty = false;            // v2 answered 404 or had no scope: not asked every round
    int m_roundsSinceRecheck = 0;
    bool m_keysFromWatch = false;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::EtcdSnapshot)

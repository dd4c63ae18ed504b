// A chaos run on a cluster the console did not build: the members from /cluster, where etcd
// keeps the leader key, which HAProxy proxy takes the writes, and the user's own commands that
// inject and undo the fault. The rest of the run is in chaosrunner.cpp.
#include "chaos/chaosrunner.h"

#include "chaos/commandfaults.h"
#include "etcd/etcdtypes.h"
#include "haproxy/haproxystats.h"
#include "http/httpclient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace pgha::svc {

// The members are what /cluster reports, asked of the profile's REST APIs one after another.
void ChaosRunner::startOnProfile(int index)
{
    if (m_finished)
        return;
    const auto &endpoints = m_profile->patroni;
    if (index >= endpoints.size()) {
        fail(QStringLiteral("no Patroni REST API of the profile answered /cluster (%1)").arg(m_report.error.isEmpty() ? QStringLiteral("see above") : m_report.error));
        return;
    }
    m_patroni.cluster(MemberApi{endpoints.at(index).name, urlBase(endpoints.at(index).url)}, kRestConfigTimeoutMs, this,
                      [this, index](const PatroniReply<ClusterSnapshot> &reply) {
        if (m_finished)
            return;
        if (!reply.ok()) {
            addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("/cluster: %1").arg(reply.result.error().message));
            startOnProfile(index + 1);
            return;
        }
        const ClusterSnapshot &snapshot = reply.result.value();
        if (!m_profile->scope.isEmpty() && !snapshot.scope.isEmpty() && snapshot.scope != m_profile->scope) {
            fail(QStringLiteral("the REST API at %1 serves the cluster \"%2\", not the profile's scope \"%3\"")
                         .arg(snapshot.sourceUrl, snapshot.scope, m_profile->scope));
            return;
        }
        auto cluster = chaosClusterForProfile(*m_profile, snapshot);
        if (!cluster) {
            fail(cluster.error().toString());
            return;
        }
        m_cluster = cluster.value();
        m_report.cluster = m_cluster.description;
        QStringList names;
        for (const auto &m : std::as_const(m_cluster.members))
            names << QStringLiteral("%1 (%2:%3)").arg(m.name, m.postgres.host).arg(m.postgres.port);
        addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("members from /cluster: %1").arg(names.join(QStringLiteral(", "))));
        setStage(QStringLiteral("checking that %1 is healthy").arg(m_cluster.description));
        checkHealthy(m_runClock.elapsed() + kHealthyTimeoutMs, [this](const LabHealth &h) {
            rememberStart(h);
            findHaproxyProxy([this] { findEtcdKeyspace([this] { readConfig(); }); });
        });
    });
}

// Where the leader key is: etcd's v3 keyspace (Patroni's `etcd3:`), else its v2 one (`etcd:`,
// the public labs' Patroni on etcd with --enable-v2); v3 when neither holds it now.
void ChaosRunner::findEtcdKeyspace(std::function<void()> then)
{
    if (m_cluster.etcd.isEmpty()) {
        addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("no etcd in the profile: the leader key phases are left out"));
        then();
        return;
    }
    QUrl v3 = m_cluster.etcd.front();
    v3.setPath(QStringLiteral("/v3/kv/range"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("key"),
                                                       QString::fromLatin1(m_cluster.leaderKey.toUtf8().toBase64())}})
                                    .toJson(QJsonDocument::Compact);
    m_http->postJson(v3, body, kRestStatusTimeoutMs, this, [this, then](const HttpResult &r) {
        if (m_finished)
            return;
        if (const auto kvs = r.isSuccess() ? parseEtcdRange(r.body) : Result<QList<EtcdKeyValue>>(makeError(r.error));
            kvs && !kvs.value().isEmpty()) {
            then();
            return;
        }
        QUrl v2 = m_cluster.etcd.front();
        v2.setPath(QStringLiteral("/v2/keys") + m_cluster.leaderKey);
        m_http->get(v2, kRestStatusTimeoutMs, this, [this, then](const HttpResult &answer) {
            if (m_finished)
                return;
            if (const auto kvs = answer.isSuccess() ? parseEtcdV2Keys(answer.body) : Result<QList<EtcdKeyValue>>(makeError(answer.error));
                kvs && !kvs.value().isEmpty()) {
                m_cluster.etcdV2 = true;
                addEvent(clockMs(), QStringLiteral("chaos"),
                         QStringLiteral("the leader key %1 is in etcd's v2 keyspace: read with GET /v2/keys").arg(m_cluster.leaderKey));
            } else {
                addEvent(clockMs(), QStringLiteral("chaos"),
                         QStringLiteral("the leader key %1 is in neither of etcd's keyspaces now: its phases may stay unseen")
                                 .arg(m_cluster.leaderKey));
            }
            then();
        });
    });
}

// Which of HAProxy's proxies takes the writes, and which server is which member: from the
// profile's override, the servers' addresses, and the one server UP for writes being the leader's.
void ChaosRunner::findHaproxyProxy(std::function<void()> then)
{
    if (m_cluster.haproxyStats.isEmpty()) {
        then();
        return;
    }
    m_http->get(m_cluster.haproxyStats, kRestStatusTimeoutMs, this, [this, then](const HttpResult &r) {
        if (m_finished)
            return;
        if (!r.isSuccess()) {
            addEvent(clockMs(), QStringLiteral("chaos"),
                     QStringLiteral("HAProxy's stats do not answer (%1): its phases are left out").arg(r.error));
            m_cluster.haproxyStats.clear();
            then();
            return;
        }
        m_cluster.haproxyServerMembers = haproxyServerMembers(r.body, m_cluster);
        m_cluster.haproxyReadWriteProxy = findReadWriteProxy(r.body, m_cluster, m_report.oldLeader);
        if (m_cluster.haproxyReadWriteProxy.isEmpty()) {
            addEvent(clockMs(), QStringLiteral("chaos"),
                     QStringLiteral("no HAProxy proxy has exactly one server UP: its phases are left out (name it with "
                                    "haproxy_read_write_proxy in the profile)"));
            m_cluster.haproxyStats.clear();
            then();
            return;
        }
        // The one server UP for writes is the leader's, whatever it is called.
        if (const auto stats = parseHaproxyCsv(r.body)) {
            for (const auto &row : stats.value().servers(m_cluster.haproxyReadWriteProxy))
                if (row.isUp() && !m_cluster.haproxyServerMembers.contains(row.name))
                    m_cluster.haproxyServerMembers.insert(row.name, m_report.oldLeader);
        }
        QStringList mapped;
        for (auto it = m_cluster.haproxyServerMembers.cbegin(); it != m_cluster.haproxyServerMembers.cend(); ++it)
            mapped << QStringLiteral("%1 = %2").arg(it.key(), it.value());
        mapped.sort();
        addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("HAProxy's write proxy: %1 (%2)")
                                                             .arg(m_cluster.haproxyReadWriteProxy, mapped.join(QStringLiteral(", "))));
        then();
    });
}

QHash<QString, QString> ChaosRunner::commandEnvironment() const
{
    const QString target = m_victims.value(0);
    const ChaosCluster::Member *m = m_cluster.member(target);
    return CommandFaults::targetEnvironment(target, m ? m->postgres.host : QString(), m ? m->postgres.port : 0,
                                            m ? m->api.base.toString() : QString(),
                                            m_cluster.leaderKey.section(u'/', -2, -2));
}

// The user's command is the fault: it counts from the moment the command starts (what it does
// takes part of the outage), and a command that fails ends the run with its reason.
void ChaosRunner::injectByCommand()
{
    if (!m_commands)
        m_commands = new CommandFaults(this);
    setStage(QStringLiteral("running your inject command against %1").arg(m_report.target));
    m_faultAtMs = clockMs();
    m_injected = true;
    emit faultInjected(m_report.target);
    const quint64 generation = m_generation;
    m_commands->run(QStringLiteral("inject"), m_options.injectCommand, commandEnvironment(),
                    [this, generation](const QString &sentence, bool ok) {
        if (generation != m_generation || m_finished)
            return;
        addEvent(m_faultAtMs, QStringLiteral("chaos"), sentence);
        if (!ok) {
            fail(QStringLiteral("the inject command failed — %1").arg(sentence));
            return;
        }
    });
    observe();
}

void ChaosRunner::undoByCommand(std::function<void(const QString &sentence)> then)
{
    if (m_options.undoCommand.trimmed().isEmpty()) {
        then(QStringLiteral("undo: none given (no --undo): %1 must come back by itself").arg(m_report.target));
        return;
    }
    if (!m_commands)
        m_commands = new CommandFaults(this);
    setStage(QStringLiteral("running your undo command for %1").arg(m_report.target));
    m_commands->run(QStringLiteral("undo"), m_options.undoCommand, commandEnvironment(),
                    [then](const QString &sentence, bool) { then(sentence); });
}

} // namespace pgha::svc

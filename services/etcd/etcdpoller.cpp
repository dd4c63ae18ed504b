#include "etcdpoller.h"

#include "http/httpclient.h"

#include <QDateTime>

#include <memory>

namespace pgha::svc {

EtcdPoller::EtcdPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("etcd"), parent) {}

void EtcdPoller::roundStarting()
{
    m_round = {};
    m_clusterViewTaken = false;
}

void EtcdPoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    const bool clusterView = !m_clusterViewTaken;
    m_clusterViewTaken = true;
    auto url = [&](const char *path) {
        QUrl u = endpoint.baseUrl;
        u.setPath(QString::fromLatin1(path));
        return u;
    };
    // Up to three requests to this endpoint; the endpoint's health is the status request's.
    auto pending = std::make_shared<int>(clusterView ? 3 : 1);
    auto error = std::make_shared<QString>();
    auto latency = std::make_shared<qint64>(0);
    auto oneDone = [this, index, generation, pending, error, latency] {
        if (--*pending == 0)
            finishEndpoint(index, generation, *latency, *error);
    };
    auto failOn = [error](const HttpResult &r) {
        if (!r.transportOk())
            *error = r.error;
        else if (!r.isSuccess())
            *error = QStringLiteral("HTTP %1 from %2").arg(r.status).arg(r.url.toString());
        return !error->isEmpty();
    };
    http()->postJson(url("/v3/maintenance/status"), "{}", timeoutMs(), this,
                     [this, endpoint, oneDone, failOn, error, latency](const HttpResult &r) {
                         *latency = r.elapsedMs;
                         if (!failOn(r)) {
                             if (auto st = parseEtcdStatus(r.body))
                                 m_round.statusByEndpoint.insert(endpoint.label, st.value());
                             else
                                 *error = st.error().toString();
                         }
                         oneDone();
                     });
    if (!clusterView)
        return;
    http()->postJson(url("/v3/cluster/member/list"), "{}", timeoutMs(), this, [this, oneDone](const HttpResult &r) {
        if (r.isSuccess())
            if (auto list = parseEtcdMemberList(r.body))
                m_round.members = list.value();
        oneDone();
    });
    http()->postJson(url("/v3/kv/range"), etcdRangeRequest(m_namespace), timeoutMs(), this,
                     [this, oneDone](const HttpResult &r) {
                         if (r.isSuccess())
                             if (auto kvs = parseEtcdRange(r.body))
                                 m_round.scopes = patroniScopesFromKeys(kvs.value(), m_namespace);
                         oneDone();
                     });
}

void EtcdPoller::roundComplete()
{
    if (m_round.statusByEndpoint.isEmpty())
        return;
    // The raft leader as most members report it, named through the member list.
    QMap<QString, int> votes;
    for (const auto &st : std::as_const(m_round.statusByEndpoint))
        ++votes[st.leaderId];
    QString leaderId;
    for (auto it = votes.cbegin(); it != votes.cend(); ++it)
        if (leaderId.isEmpty() || it.value() > votes.value(leaderId))
            leaderId = it.key();
    for (const auto &m : m_round.members.members)
        if (m.id == leaderId)
            m_round.leaderName = m.name;
    m_round.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
    emit snapshotReady(m_round);
}

} // namespace pgha::svc

#include "etcdpoller.h"

#include "http/httpclient.h"

#include <QDateTime>

#include <memory>

namespace pgha::svc {

namespace {
// What etcd answers for v2 when the API is off (3.4 without --enable-v2, 3.6) and when the
// namespace directory does not exist: either way, no Patroni keys in v2 — not an error.
constexpr int kHttpNotFound = 404;

QUrl withPath(QUrl url, const QString &path)
{
    url.setPath(path);
    return url;
}

QString failureText(const HttpResult &r)
{
    return r.transportOk() ? QStringLiteral("HTTP %1 from %2").arg(r.status).arg(r.url.toString()) : r.error;
}
} // namespace

EtcdPoller::EtcdPoller(HttpClient *http, QObject *parent) : EndpointPoller(http, QStringLiteral("etcd"), parent) {}

QString EtcdPoller::v2KeyspaceNote()
{
    return tr("Patroni runs on etcd's v2 API: its configuration has an etcd: section (PATRONI_ETCD_HOSTS in its environment "
              "adds one, and it wins over etcd3:), which etcd 3.4 serves only with --enable-v2 and etcd 3.6 no longer "
              "serves at all — move Patroni to etcd3: before upgrading etcd.");
}

void EtcdPoller::setNamespace(const QString &prefix)
{
    if (prefix != m_namespace)
        forgetKeyspace();
    m_namespace = prefix;
}

void EtcdPoller::endpointsChanged()
{
    forgetKeyspace();   // another profile: its cluster may keep its keys elsewhere
}

void EtcdPoller::forgetKeyspace()
{
    m_keyspace = Keyspace::Unknown;
    m_v2Empty = false;
    m_roundsSinceRecheck = 0;
}

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
    auto url = [&](const char *path) { return withPath(endpoint.baseUrl, QString::fromLatin1(path)); };
    // Up to three requests to this endpoint (the keys' one may be followed by a v2 read); the
    // endpoint's health is the status request's.
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
    if (m_keysFromWatch)
        return oneDone();   // an EtcdWatcher follows them as they change
    readPatroniKeys(endpoint.baseUrl, generation, oneDone);
}

void EtcdPoller::readPatroniKeys(const QUrl &base, quint64 generation, const std::function<void()> &done)
{
    const bool recheck = ++m_roundsSinceRecheck >= kKeyspaceRecheckRounds;
    if (recheck)
        m_roundsSinceRecheck = 0;
    if (m_keyspace == Keyspace::V2 && !recheck) {
        readV2Keys(base, generation, done);
        return;
    }
    const bool askV2 = !m_v2Empty || recheck;
    http()->postJson(withPath(base, QStringLiteral("/v3/kv/range")), etcdRangeRequest(m_namespace), timeoutMs(), this,
                     [this, base, generation, done, askV2](const HttpResult &r) {
                         // An answer for a replaced endpoint list (another profile) says nothing of this one.
                         if (generation != currentGeneration())
                             return done();
                         // A failed request leaves the keyspace as it was (the status request
                         // speaks for the endpoint's health): "no keys" would be untrue.
                         if (!r.isSuccess()) {
                             m_round.keysError = failureText(r);
                             return done();
                         }
                         auto kvs = parseEtcdRange(r.body);
                         if (!kvs) {
                             m_round.keysError = kvs.error().toString();
                             return done();
                         }
                         m_round.scopes = patroniScopesFromKeys(kvs.value(), m_namespace);
                         if (!m_round.scopes.isEmpty()) {
                             m_keyspace = Keyspace::V3;
                             return done();
                         }
                         if (m_keyspace == Keyspace::V3)
                             m_keyspace = Keyspace::Unknown;
                         if (!askV2)
                             return done();
                         readV2Keys(base, generation, done);
                     });
}

void EtcdPoller::readV2Keys(const QUrl &base, quint64 generation, const std::function<void()> &done)
{
    QUrl url = withPath(base, etcdV2KeysPath(m_namespace));
    url.setQuery(QStringLiteral("recursive=true"));   // the whole namespace: every scope under it
    http()->get(url, timeoutMs(), this, [this, generation, done](const HttpResult &r) {
        if (generation != currentGeneration())
            return done();
        if (r.transportOk() && r.status == kHttpNotFound) {
            m_v2Empty = true;
            if (m_keyspace == Keyspace::V2)
                m_keyspace = Keyspace::Unknown;
            return done();
        }
        if (!r.isSuccess()) {
            m_round.keysError = failureText(r);
            return done();
        }
        auto kvs = parseEtcdV2Keys(r.body);
        if (!kvs) {
            m_round.keysError = kvs.error().toString();
            return done();
        }
        m_round.scopes = patroniScopesFromKeys(kvs.value(), m_namespace);
        m_v2Empty = m_round.scopes.isEmpty();
        if (!m_v2Empty)
            m_keyspace = Keyspace::V2;
        else if (m_keyspace == Keyspace::V2)
            m_keyspace = Keyspace::Unknown;
        done();
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
    m_round.keyspace = m_keyspace == Keyspace::V3 ? QStringLiteral("v3") : m_keyspace == Keyspace::V2 ? QStringLiteral("v2") : QString();
    if (m_keyspace == Keyspace::V2)
        m_round.keyspaceNote = v2KeyspaceNote();
    m_round.fetchedAtMs = QDateTime::currentMSecsSinceEpoch();
    emit snapshotReady(m_round);
}

} // namespace pgha::svc

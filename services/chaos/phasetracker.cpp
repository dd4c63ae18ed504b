#include "chaos/phasetracker.h"

#include "etcd/etcdtypes.h"
#include "haproxy/haproxystats.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace pgha::svc {

PhaseTracker::PhaseTracker(Sources sources, HttpClient *http, const QElapsedTimer *clock, QObject *parent)
    : QObject(parent), m_sources(std::move(sources)), m_http(http), m_patroni(http), m_clock(clock)
{
    m_timer.setInterval(kTickMs);
    connect(&m_timer, &QTimer::timeout, this, &PhaseTracker::tick);
}

void PhaseTracker::start()
{
    m_running = true;
    ++m_generation;
    m_timer.start();
    tick();
}

void PhaseTracker::stop()
{
    m_running = false;
    ++m_generation;   // answers still in flight are dropped
    m_inFlight.clear();
    m_timer.stop();
}

const PhaseTracker::Transition *PhaseTracker::firstAfter(qint64 fromMs, const std::function<bool(const Transition &)> &match) const
{
    for (const auto &t : m_transitions)
        if (t.atMs >= fromMs && match(t))
            return &t;
    return nullptr;
}

void PhaseTracker::record(const QString &source, const QString &subject, const QString &value)
{
    const auto it = m_last.constFind(source);
    if (it != m_last.constEnd() && it.value() == value)
        return;
    m_last.insert(source, value);
    Transition t{now(), source, subject, value};
    m_transitions.append(t);
    emit transition(t);
}

void PhaseTracker::tick()
{
    if (!m_running)
        return;
    askEtcd();
    for (int i = 0; i < m_sources.members.size(); ++i)
        askPrimary(i);
    askHaproxy();
}

void PhaseTracker::askEtcd()
{
    if (m_sources.etcd.isEmpty() || m_inFlight.value(QStringLiteral("etcd")))
        return;
    m_inFlight.insert(QStringLiteral("etcd"), true);
    // A dead etcd member must not blind the tracker: each tick asks the next endpoint after a failure.
    QUrl url = m_sources.etcd.at(m_etcdIndex % m_sources.etcd.size());
    if (m_sources.etcdV2) {
        askEtcdV2(url);
        return;
    }
    url.setPath(QStringLiteral("/v3/kv/range"));
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("key"),
                                                       QString::fromLatin1(m_sources.leaderKey.toUtf8().toBase64())}})
                                    .toJson(QJsonDocument::Compact);
    const quint64 generation = m_generation;
    m_http->postJson(url, body, kRequestTimeoutMs, this, [this, generation](const HttpResult &r) {
        if (generation != m_generation)
            return;
        m_inFlight.insert(QStringLiteral("etcd"), false);
        auto kvs = r.isSuccess() ? parseEtcdRange(r.body) : Result<QList<EtcdKeyValue>>(makeError(r.error));
        if (!kvs) {
            ++m_etcdIndex;
            // Every endpoint failing is itself a phase (quorum lost): "no answer".
            if (m_etcdIndex % m_sources.etcd.size() == 0)
                record(QStringLiteral("etcd"), QStringLiteral("reachable"), QStringLiteral("no answer"));
            return;
        }
        record(QStringLiteral("etcd"), QStringLiteral("reachable"), QStringLiteral("answers"));
        m_leaderKey = kvs.value().isEmpty() ? QString() : QString::fromUtf8(kvs.value().front().value);
        record(QStringLiteral("etcd leader key"), QStringLiteral("leader"), m_leaderKey);
    });
}

// etcd's v2 API: the key itself, or 404 with errorCode 100 when it is gone.
void PhaseTracker::askEtcdV2(QUrl url)
{
    url.setPath(QStringLiteral("/v2/keys") + m_sources.leaderKey);
    const quint64 generation = m_generation;
    m_http->get(url, kRequestTimeoutMs, this, [this, generation](const HttpResult &r) {
        if (generation != m_generation)
            return;
        m_inFlight.insert(QStringLiteral("etcd"), false);
        auto kvs = r.transportOk() ? parseEtcdV2Keys(r.body) : Result<QList<EtcdKeyValue>>(makeError(r.error));
        const bool gone = !kvs && kvs.error().kind == ErrorKind::NotFound;
        if (!kvs && !gone) {
            ++m_etcdIndex;
            if (m_etcdIndex % m_sources.etcd.size() == 0)
                record(QStringLiteral("etcd"), QStringLiteral("reachable"), QStringLiteral("no answer"));
            return;
        }
        record(QStringLiteral("etcd"), QStringLiteral("reachable"), QStringLiteral("answers"));
        m_leaderKey = gone || kvs.value().isEmpty() ? QString() : QString::fromUtf8(kvs.value().front().value);
        record(QStringLiteral("etcd leader key"), QStringLiteral("leader"), m_leaderKey);
    });
}

void PhaseTracker::askPrimary(int index)
{
    const MemberApi &m = m_sources.members.at(index);
    const QString source = m.name + QStringLiteral(" /primary");
    if (m_inFlight.value(source))
        return;
    m_inFlight.insert(source, true);
    const quint64 generation = m_generation;
    m_patroni.roleCheck(m, PatroniEndpoint::Primary, kRequestTimeoutMs, this,
                        [this, generation, source, name = m.name](const PatroniReply<int> &reply) {
        if (generation != m_generation)
            return;
        m_inFlight.insert(source, false);
        const int status = reply.http.status;
        record(source, name, status ? QString::number(status) : QStringLiteral("no answer"));
    });
}

// A server of the write proxy that HAProxy marks UP, named so that it cannot be told whose it is
// (no address in the stats, a PgBouncer in between): HAProxy checks /primary, so it is the one
// member answering 200 there — when exactly one does and no other server is that member's.
void PhaseTracker::learnServer(const QString &server)
{
    QStringList primaries;
    for (const auto &m : std::as_const(m_sources.members))
        if (m_last.value(m.name + QStringLiteral(" /primary")) == u"200")
            primaries << m.name;
    if (primaries.size() != 1)
        return;
    for (auto it = m_sources.serverMembers.cbegin(); it != m_sources.serverMembers.cend(); ++it)
        if (it.value() == primaries.front())
            return;
    m_sources.serverMembers.insert(server, primaries.front());
    emit learned(server, primaries.front());
}

void PhaseTracker::askHaproxy()
{
    if (m_sources.haproxyStats.isEmpty() || m_inFlight.value(QStringLiteral("haproxy")))
        return;
    m_inFlight.insert(QStringLiteral("haproxy"), true);
    const quint64 generation = m_generation;
    m_http->get(m_sources.haproxyStats, kRequestTimeoutMs, this, [this, generation](const HttpResult &r) {
        if (generation != m_generation)
            return;
        m_inFlight.insert(QStringLiteral("haproxy"), false);
        auto stats = r.isSuccess() ? parseHaproxyCsv(r.body) : Result<HaproxyStats>(makeError(r.error));
        if (!stats) {
            record(QStringLiteral("HAProxy"), QStringLiteral("haproxy"), QStringLiteral("no answer"));
            return;
        }
        record(QStringLiteral("HAProxy"), QStringLiteral("haproxy"), QStringLiteral("answers"));
        for (const auto &row : stats.value().servers(m_sources.readWriteProxy)) {
            // "UP 1/2" (going down) and "DOWN 1/1" (going up) are still UP and DOWN.
            const QString status = row.status.section(u' ', 0, 0);
            if (!m_sources.serverMembers.contains(row.name) && status == u"UP")
                learnServer(row.name);
            const QString member = m_sources.serverMembers.value(row.name, row.name);
            record(QStringLiteral("HAProxy ") + member, member, status);
        }
    });
}

} // namespace pgha::svc

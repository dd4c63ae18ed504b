#include "labhealth.h"

#include "pg/pgpoolobservation.h"

#include "http/httpclient.h"
#include "patroni/patroniclient.h"
#include "pg/pgquery.h"

#include <QRegularExpression>

namespace pgha::svc {

std::optional<Error> diagnoseMemberLog(const QString &member, const QStringList &lines, const QString &labDir)
{
    // One rejected login can be a race during a bootstrap; the same rejection again and again
    // (Patroni retries every loop) is the data's passwords differing from the lab's.
    constexpr int kRepeatsThatCount = 3;
    static const QRegularExpression passwordFailed(QStringLiteral(R"re(password authentication failed for user "([^"]+)")re"));
    static const QRegularExpression otherVersion(QStringLiteral(R"re(database files are incompatible with server.*|The data directory was initialized by PostgreSQL version \S+, which is not compatible with this version \S+)re"));
    qsizetype from = 0;
    for (qsizetype i = lines.size() - 1; i >= 0; --i)
        if (lines.at(i).startsWith(u"=== pgha:")) {
            from = i + 1;
            break;
        }
    int rejected = 0;
    QString user;
    for (qsizetype i = from; i < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (const auto m = passwordFailed.match(line); m.hasMatch()) {
            ++rejected;
            user = m.captured(1);
        } else if (const auto v = otherVersion.match(line); v.hasMatch()) {
            return makeError(QStringLiteral("%1: the data in %2 was made by another PostgreSQL major version (%3)")
                                     .arg(member, labDir, v.captured(0).left(160)),
                             QStringLiteral("`pgha lab start --wipe` starts fresh (it deletes the native lab's data), or "
                                            "set PGHA_PG_BINDIR to the version that made it"));
        }
    }
    if (rejected >= kRepeatsThatCount)
        return makeError(QStringLiteral("%1: PostgreSQL rejects the lab's password for \"%2\" — the data in %3 was made "
                                        "with other passwords than the lab's state records").arg(member, user, labDir),
                         QStringLiteral("`pgha lab start --wipe` starts fresh (it deletes the native lab's data)"));
    return std::nullopt;
}


QString LabHealth::summary() const
{
    if (healthy)
        return QStringLiteral("healthy: leader %1, streaming %2, write through read-write took %3 ms, read-only answered by %4")
                .arg(leader, streamingReplicas.join(QStringLiteral(", "))).arg(writeMs).arg(readOnlyAnsweredBy);
    return QStringLiteral("not healthy: ") + problems.join(QStringLiteral("; "));
}

HealthTargets HealthTargets::forLab(const LabConfig &config, const LabState::Secrets &secrets)
{
    HealthTargets t;
    for (int i = 0; i < kLabMembers; ++i)
        t.members.append({config.memberName(i), config.restApi(i), QString(), config.ports.postgres[i]});
    const PgEndpoint entry{config.host, 0, QStringLiteral("postgres"), QStringLiteral("postgres"), secrets.superuser,
                           QStringLiteral("pgha-lab-health"), PgTls::forLab()};
    t.readWrite = entry;
    t.readWrite.port = config.ports.haproxyReadWrite;
    t.readOnly = entry;
    t.readOnly.port = config.ports.haproxyReadOnly;
    if (config.withPgpool) {
        t.pgpool = entry;
        t.pgpool->port = config.ports.pgpool;
        // Pgpool-II's backends are the members' host ports on the lab's address.
        for (auto &m : t.members)
            m.host = config.host;
    }
    return t;
}

namespace {
// Patroni names a member's replication slot after it: lower case, anything but [a-z0-9_] as "_".
QString slotNameOf(const QString &member)
{
    QString slot = member.toLower();
    for (QChar &c : slot)
        if (!((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_'))
            c = u'_';
    return slot;
}
} // namespace

QString HealthTargets::memberAnswering(const QString &address, int port, const QString &slot) const
{
    for (const auto &m : members)
        if (m.port == port && (m.host.isEmpty() || m.host == address))
            return m.name;
    for (const auto &m : members)
        if (!slot.isEmpty() && slot == slotNameOf(m.name))
            return m.name;
    return {};
}

LabHealthCheck::LabHealthCheck(const LabConfig &config, const LabState::Secrets &secrets, HttpClient *http,
                               QObject *parent)
    : LabHealthCheck(HealthTargets::forLab(config, secrets), http, parent)
{
}

LabHealthCheck::LabHealthCheck(HealthTargets targets, HttpClient *http, QObject *parent)
    : QObject(parent), m_targets(std::move(targets)), m_patroni(http)
{
}

void LabHealthCheck::start()
{
    askCluster(0);
}

void LabHealthCheck::askCluster(int index)
{
    const auto count = m_targets.members.size();
    if (index >= count) {
        m_health.problems.append(QStringLiteral("no Patroni REST API answered /cluster"));
        done();
        return;
    }
    m_patroni.cluster(m_targets.members.at(index).api, kStepTimeoutMs, this,
                      [this, index, count](const PatroniReply<ClusterSnapshot> &reply) {
        const HttpResult &r = reply.http;
        if (!r.isSuccess()) {
            if (index + 1 >= count && !r.transportOk())
                m_health.problems.append(reply.result.error().message);
            askCluster(index + 1);
            return;
        }
        if (!reply.ok()) {
            m_health.problems.append(reply.result.error().message);
            done();
            return;
        }
        m_health.cluster = reply.result.value();
        const int leaders = m_health.cluster.leaderCount();
        if (leaders != 1)
            m_health.problems.append(QStringLiteral("Patroni reports %1 leaders").arg(leaders));
        if (const auto *l = m_health.cluster.leader())
            m_health.leader = l->name;
        int running = 0;
        for (const auto &m : m_health.cluster.members)
            if (!m.isLeader() && m.isRunning())
                ++running;
        if (running != count - 1)
            m_health.problems.append(QStringLiteral("%1 of %2 replicas are running in Patroni's view")
                                             .arg(running).arg(count - 1));
        checkWrite();
    });
}

void LabHealthCheck::checkWrite()
{
    const PgEndpoint &rw = m_targets.readWrite;
    // pg_basebackup also appears as a "streaming" walsender, so match walsenders by member name.
    auto *q = new PgQuery(rw,
                          QStringLiteral("CREATE TABLE IF NOT EXISTS pgha_lab_check (id bigserial PRIMARY KEY, "
                                         "at timestamptz NOT NULL DEFAULT now()); "
                                         "INSERT INTO pgha_lab_check DEFAULT VALUES; "
                                         "SELECT application_name, state FROM pg_stat_replication "
                                         "WHERE state = 'streaming' ORDER BY application_name"),
                          kStepTimeoutMs, this);
    connect(q, &PgQuery::finished, this, [this, q](const PgResult &r) {
        q->deleteLater();
        const auto replicas = m_targets.members.size() - 1;
        if (!r.ok) {
            m_health.problems.append(QStringLiteral("write through the read-write entry point %1:%2 failed: %3")
                                             .arg(m_targets.readWrite.host).arg(m_targets.readWrite.port).arg(r.error));
        } else {
            m_health.writeMs = r.elapsedMs;
            for (const auto &row : r.rows)
                for (const auto &m : std::as_const(m_targets.members))
                    if (row.value(0) == m.name)
                        m_health.streamingReplicas.append(row.value(0));
            if (m_health.streamingReplicas.size() != replicas)
                m_health.problems.append(QStringLiteral("%1 of %2 replicas stream from the primary")
                                                 .arg(m_health.streamingReplicas.size()).arg(replicas));
        }
        checkRead();
    });
    q->start();
}

void LabHealthCheck::checkRead()
{
    // Which member answered: by its port on the native lab; in the Docker lab every member
    // listens on 5432, and the replica's slot name (Patroni names it after the member) tells;
    // on another cluster by the address and port /cluster gives.
    auto *q = new PgQuery(m_targets.readOnly, QStringLiteral("SELECT pg_is_in_recovery(), inet_server_port(), "
                                                             "coalesce(current_setting('primary_slot_name', true), ''), "
                                                             "coalesce(host(inet_server_addr()), '')"),
                          kStepTimeoutMs, this);
    connect(q, &PgQuery::finished, this, [this, q](const PgResult &r) {
        q->deleteLater();
        if (!r.ok || r.rows.isEmpty()) {
            m_health.problems.append(QStringLiteral("read through the read-only entry point %1:%2 failed: %3")
                                             .arg(m_targets.readOnly.host).arg(m_targets.readOnly.port).arg(r.error));
        } else {
            const QStringList &row = r.rows.front();
            m_health.readOnlyAnsweredBy = m_targets.memberAnswering(row.value(3), row.value(1).toInt(), row.value(2));
            if (row.value(0) != u"t")
                m_health.problems.append(QStringLiteral("the read-only entry point reached %1, which is not a replica")
                                                 .arg(m_health.readOnlyAnsweredBy));
        }
        if (m_targets.pgpool)
            checkPgpool();
        else
            done();
    });
    q->start();
}

// With Pgpool-II: every backend attached ("up") and the primary where Patroni's leader is.
void LabHealthCheck::checkPgpool()
{
    auto *q = new PgQuery(*m_targets.pgpool, QStringLiteral("SHOW POOL_NODES"), kStepTimeoutMs, this);
    q->setSendStatementTimeout(false);
    connect(q, &PgQuery::finished, this, [this, q](const PgResult &r) {
        q->deleteLater();
        auto nodes = r.ok ? parsePgpoolNodes(r.sets.value(0)) : Result<PgpoolObservation>(makeError(r.error));
        if (!nodes) {
            m_health.problems.append(QStringLiteral("Pgpool-II on port %1: %2").arg(m_targets.pgpool->port).arg(nodes.error().message));
        } else {
            QStringList down;
            for (const auto &n : nodes.value().nodes)
                if (n.status != u"up")
                    down.append(n.hostPort());
            if (!down.isEmpty())
                m_health.problems.append(QStringLiteral("Pgpool-II has not attached %1 yet").arg(down.join(QStringLiteral(", "))));
            QString leaderAt;
            for (const auto &m : std::as_const(m_targets.members))
                if (m.name == m_health.leader)
                    leaderAt = QStringLiteral("%1:%2").arg(m.host).arg(m.port);
            if (nodes.value().primaries() != QStringList{leaderAt})
                m_health.problems.append(QStringLiteral("Pgpool-II's primary is %1, Patroni's leader is %2")
                                                 .arg(nodes.value().primaries().join(QStringLiteral(", ")), m_health.leader));
        }
        done();
    });
    q->start();
}

void LabHealthCheck::done()
{
    m_health.healthy = m_health.problems.isEmpty();
    emit finished(m_health);
}

} // namespace pgha::svc

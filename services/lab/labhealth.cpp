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

LabHealthCheck::LabHealthCheck(const LabConfig &config, const LabState::Secrets &secrets, HttpClient *http,
                               QObject *parent)
    : QObject(parent), m_config(config), m_secrets(secrets), m_patroni(http)
{
}

void LabHealthCheck::start()
{
    askCluster(0);
}

void LabHealthCheck::askCluster(int index)
{
    if (index >= kLabMembers) {
        m_health.problems.append(QStringLiteral("no Patroni REST API answered /cluster"));
        done();
        return;
    }
    m_patroni.cluster(m_config.restApi(index), kStepTimeoutMs, this,
                      [this, index](const PatroniReply<ClusterSnapshot> &reply) {
        const HttpResult &r = reply.http;
        if (!r.isSuccess()) {
            if (index + 1 >= kLabMembers && !r.transportOk())
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
        if (running != kLabMembers - 1)
            m_health.problems.append(QStringLiteral("%1 of %2 replicas are running in Patroni's view")
                                             .arg(running).arg(kLabMembers - 1));
        checkWrite();
    });
}

void LabHealthCheck::checkWrite()
{
    PgEndpoint rw{m_config.host, m_config.ports.haproxyReadWrite, QStringLiteral("postgres"),
                  QStringLiteral("postgres"), m_secrets.superuser, QStringLiteral("pgha-lab-health"), PgTls::forLab()};
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
        if (!r.ok) {
            m_health.problems.append(QStringLiteral("write through read-write port %1 failed: %2")
                                             .arg(m_config.ports.haproxyReadWrite).arg(r.error));
        } else {
            m_health.writeMs = r.elapsedMs;
            for (const auto &row : r.rows)
                for (int i = 0; i < kLabMembers; ++i)
                    if (row.value(0) == m_config.memberName(i))
                        m_health.streamingReplicas.append(row.value(0));
            if (m_health.streamingReplicas.size() != kLabMembers - 1)
                m_health.problems.append(QStringLiteral("%1 of %2 replicas stream from the primary")
                                                 .arg(m_health.streamingReplicas.size()).arg(kLabMembers - 1));
        }
        checkRead();
    });
    q->start();
}

void LabHealthCheck::checkRead()
{
    PgEndpoint ro{m_config.host, m_config.ports.haproxyReadOnly, QStringLiteral("postgres"),
                  QStringLiteral("postgres"), m_secrets.superuser, QStringLiteral("pgha-lab-health"), PgTls::forLab()};
    // Which member answered: by its port on the native lab; in the Docker lab every member
    // listens on 5432, and the replica's slot name (Patroni names it after the member) tells.
    auto *q = new PgQuery(ro, QStringLiteral("SELECT pg_is_in_recovery(), inet_server_port(), "
                                             "coalesce(current_setting('primary_slot_name', true), '')"),
                          kStepTimeoutMs, this);
    connect(q, &PgQuery::finished, this, [this, q](const PgResult &r) {
        q->deleteLater();
        if (!r.ok || r.rows.isEmpty()) {
            m_health.problems.append(QStringLiteral("read through read-only port %1 failed: %2")
                                             .arg(m_config.ports.haproxyReadOnly).arg(r.error));
        } else {
            const int port = r.rows.front().value(1).toInt();
            const QString slot = r.rows.front().value(2);
            for (int i = 0; i < kLabMembers; ++i)
                if (m_config.ports.postgres[i] == port || slot == m_config.memberName(i))
                    m_health.readOnlyAnsweredBy = m_config.memberName(i);
            if (r.rows.front().value(0) != u"t")
                m_health.problems.append(QStringLiteral("the read-only port reached %1, which is not a replica")
                                                 .arg(m_health.readOnlyAnsweredBy));
        }
        if (m_config.withPgpool)
            checkPgpool();
        else
            done();
    });
    q->start();
}

// With Pgpool-II: every backend attached ("up") and the primary where Patroni's leader is.
void LabHealthCheck::checkPgpool()
{
    PgEndpoint pgpool{m_config.host, m_config.ports.pgpool, QStringLiteral("postgres"), QStringLiteral("postgres"),
                      m_secrets.superuser, QStringLiteral("pgha-lab-health"), PgTls::forLab()};
    auto *q = new PgQuery(pgpool, QStringLiteral("SHOW POOL_NODES"), kStepTimeoutMs, this);
    q->setSendStatementTimeout(false);
    connect(q, &PgQuery::finished, this, [this, q](const PgResult &r) {
        q->deleteLater();
        auto nodes = r.ok ? parsePgpoolNodes(r.sets.value(0)) : Result<PgpoolObservation>(makeError(r.error));
        if (!nodes) {
            m_health.problems.append(QStringLiteral("Pgpool-II on port %1: %2").arg(m_config.ports.pgpool).arg(nodes.error().message));
        } else {
            QStringList down;
            for (const auto &n : nodes.value().nodes)
                if (n.status != u"up")
                    down.append(n.hostPort());
            if (!down.isEmpty())
                m_health.problems.append(QStringLiteral("Pgpool-II has not attached %1 yet").arg(down.join(QStringLiteral(", "))));
            int leaderPort = 0;
            for (int i = 0; i < kLabMembers; ++i)
                if (m_config.memberName(i) == m_health.leader)
                    leaderPort = m_config.ports.postgres[i];
            if (nodes.value().primaries() != QStringList{QStringLiteral("%1:%2").arg(m_config.host).arg(leaderPort)})
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

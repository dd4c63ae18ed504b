// TopologyModel: the diagram's nodes, edges, states, labels and detail rows from recorded
// payloads (tests/fixtures/README.md says how each was captured) — our lab's shape, a lab at
// another port offset, Patroni 4.1 shapes (sync and quorum standbys, a stopped member), a
// cluster named and addressed unlike ours, failing sources and a cluster with no leader.
#include "fixture.h"
#include "clusterlayout.h"
#include "topologymodel.h"

#include "etcd/etcdtypes.h"
#include "metrics/prometheustext.h"
#include "patroni/patroniparser.h"

#include <QTest>

#include <algorithm>

using namespace pgha;
using models::Topology;
using models::TopologyModel;
using Node = models::TopologyNodeSpec;
using Edge = models::TopologyEdgeSpec;

namespace {

constexpr qint64 kFetchedAtMs = 1795322862000;   // near the recordings' dcs_last_seen

svc::ClusterSnapshot cluster(const QString &name)
{
    auto c = svc::parsePatroniCluster(readFixture(QStringLiteral("patroni/") + name)).value();
    c.sourceUrl = QStringLiteral("http://127.0.0.1:8008/cluster");
    c.fetchedAtMs = kFetchedAtMs;
    return c;
}

svc::HaproxyStats haproxy(const QString &name)
{
    return svc::parseHaproxyCsv(readFixture(QStringLiteral("haproxy/") + name)).value();
}

// What EtcdPoller assembles from one round: every member's status, the member list, the keys.
svc::EtcdSnapshot etcd(const QStringList &answering = {QStringLiteral("2379"), QStringLiteral("12379"), QStringLiteral("22379")})
{
    svc::EtcdSnapshot s;
    s.members = svc::parseEtcdMemberList(readFixture(QStringLiteral("etcd/member-list.json"))).value();
    for (const auto &port : answering)
        s.statusByEndpoint.insert(port, svc::parseEtcdStatus(readFixture(QStringLiteral("etcd/status-%1.json").arg(port))).value());
    s.scopes = svc::patroniScopesFromKeys(svc::parseEtcdRange(readFixture(QStringLiteral("etcd/range-service.json"))).value(),
                                          QStringLiteral("/service/"));
    for (const auto &m : s.members.members)
        if (!s.statusByEndpoint.isEmpty() && m.id == s.statusByEndpoint.first().leaderId)
            s.leaderName = m.name;
    return s;
}

svc::PgBouncerObservation bouncer(const QString &name, const QStringList &sets)
{
    QList<svc::PgResultSet> results;
    for (const auto &s : sets)
        results.append(readCsvFixture(QStringLiteral("pgbouncer/") + s));
    auto o = svc::parsePgBouncer(results).value();
    o.name = name;
    return o;
}

svc::PgpoolObservation pgpool()
{
    auto p = svc::parsePgpoolNodes(readCsvFixture(QStringLiteral("pgpool/show-pool-nodes.csv"))).value();
    p.name = QStringLiteral("pgpool");
    return p;
}

svc::PatroniNodeReport answered(const QString &name, const QString &fixture, int primaryCode)
{
    svc::PatroniNodeReport r;
    r.name = name;
    r.member = name;
    r.status = svc::parsePatroniStatus(readFixture(QStringLiteral("patroni/") + fixture)).value();
    r.primaryCode = primaryCode;
    r.replicaCode = primaryCode == 200 ? 503 : 200;
    r.healthCode = 200;
    r.roleChecksAtMs = kFetchedAtMs - 3000;
    r.fetchedAtMs = kFetchedAtMs;
    return r;
}

svc::MetricsDigest digest(const QString &fixture)
{
    return svc::digestMetrics(svc::parsePrometheusText(readFixture(QStringLiteral("prometheus/") + fixture)).value());
}

// The value of a detail row ("" when the node has no such row).
QString row(const Node *n, const QString &key)
{
    for (const auto &[k, v] : n->details)
        if (k == key)
            return v;
    return {};
}

QStringList ids(const Topology &t)
{
    QStringList out;
    for (const auto &n : t.nodes)
        out.append(n.id);
    return out;
}

// The members of a cluster moved to another host:port, as in a lab at a port offset or a
// cluster built by someone else (the recordings themselves are left as they were captured).
void readdress(svc::ClusterSnapshot &c, const QStringList &names, const QStringList &hosts, int portShift)
{
    for (int i = 0; i < c.members.size(); ++i) {
        auto &m = c.members[i];
        if (!names.isEmpty())
            m.name = names.at(i);
        if (!hosts.isEmpty())
            m.host = hosts.at(i);
        m.port += portShift;
    }
}

} // namespace

class TestTopologyModel : public QObject {
    Q_OBJECT
private slots:
    // The lab as recorded: pg1 leader after a switchover, HAProxy routing writes to pg1,
    // pgbouncer1 beside pg1, three etcd members with etcd2 the raft leader.
    void labShape()
    {
        TopologyModel model;
        model.setCluster(cluster(QStringLiteral("cluster-after-switchover.json")));
        model.setHaproxy(haproxy(QStringLiteral("stats-normal.csv")));
        model.setEtcd(etcd());
        model.setPgBouncers({{QStringLiteral("pgbouncer1"),
                              bouncer(QStringLiteral("pgbouncer1"), {QStringLiteral("show-databases.csv"), QStringLiteral("show-pools.csv"),
                                                                     QStringLiteral("show-stats.csv"), QStringLiteral("show-servers.csv")})}});
        model.setPatroniNodes({answered(QStringLiteral("pg1"), QStringLiteral("patroni-leader.json"), 200),
                               answered(QStringLiteral("pg2"), QStringLiteral("patroni-replica.json"), 503)});
        model.setMetrics({{QStringLiteral("pg1 Patroni"), digest(QStringLiteral("patroni-metrics.txt"))},
                          {QStringLiteral("etcd1"), digest(QStringLiteral("etcd-metrics.txt"))}});
        // The lab profile's three PgBouncers; only pgbouncer1's admin console was read.
        models::ClusterLayout::Inputs in;
        in.cluster = model.cluster();
        in.haproxy = haproxy(QStringLiteral("stats-normal.csv"));
        for (int i = 0; i < 3; ++i)
            in.pgbouncers.append({QStringLiteral("pgbouncer%1").arg(i + 1), QUrl(QStringLiteral("postgresql://127.0.0.1:%1").arg(6432 + i))});
        in.bouncerObservations.insert(QStringLiteral("pgbouncer1"),
                                      bouncer(QStringLiteral("pgbouncer1"), {QStringLiteral("show-databases.csv"), QStringLiteral("show-pools.csv"),
                                                                             QStringLiteral("show-stats.csv"), QStringLiteral("show-servers.csv")}));
        model.setLayout(models::ClusterLayout::derive(in));
        const Topology t = model.topology();

        // pgbouncer1 beside the member it sends to; the two unread ones after the members (on a
        // host every member shares, nothing tells which member each stands beside).
        QCOMPARE(ids(t), (QStringList{"client", "haproxy:rw", "haproxy:ro", "member:pg1", "pgbouncer:pg1", "member:pg2", "member:pg3",
                                      "pgbouncer:pgbouncer2", "pgbouncer:pgbouncer3", "etcd:etcd1", "etcd:etcd2", "etcd:etcd3"}));

        const Node *pg1 = t.node(QStringLiteral("member:pg1"));
        QCOMPARE(pg1->kind, Node::Kind::Member);
        QCOMPARE(pg1->title, QStringLiteral("pg1 · Leader"));
        QCOMPARE(pg1->subtitle, QStringLiteral("running · TL 3"));
        QCOMPARE(pg1->role, svc::MemberRole::Leader);
        QCOMPARE(pg1->state, Node::State::Normal);
        QVERIFY(pg1->emphasised);
        QCOMPARE(pg1->member, QStringLiteral("pg1"));
        QCOMPARE(pg1->detailsTitle, QStringLiteral("pg1"));
        QVERIFY(pg1->detailsSource.startsWith(u"Patroni http://127.0.0.1:8008/cluster at "));
        QCOMPARE(row(pg1, QStringLiteral("role")), QStringLiteral("Leader (Patroni says \"leader\")"));
        QCOMPARE(row(pg1, QStringLiteral("PostgreSQL")), QStringLiteral("127.0.0.1:5432"));
        QCOMPARE(row(pg1, QStringLiteral("REST API")), QStringLiteral("http://127.0.0.1:8008/patroni"));
        QCOMPARE(row(pg1, QStringLiteral("HAProxy read_write")), QStringLiteral("UP (check L7OK 200, 0 sessions)"));
        QCOMPARE(row(pg1, QStringLiteral("HAProxy read_only")), QStringLiteral("DOWN (check L7STS 503, 0 sessions)"));
        QCOMPARE(row(pg1, QStringLiteral("GET /primary · /replica · /health")), QStringLiteral("200 · 503 · 200"));
        QCOMPARE(row(pg1, QStringLiteral("/replica · /health asked")), QStringLiteral("3 s ago"));
        QCOMPARE(row(pg1, QStringLiteral("Patroni version")), QStringLiteral("3.0.2"));
        QCOMPARE(row(pg1, QStringLiteral("PostgreSQL version")), QStringLiteral("15.20"));
        QCOMPARE(row(pg1, QStringLiteral("system identifier")), QStringLiteral("7710852897098449267"));
        QVERIFY(row(pg1, QStringLiteral("walsenders")).contains(u"pg2 streaming (async)"));
        QVERIFY(std::any_of(pg1->details.cbegin(), pg1->details.cend(), [](const auto &r) { return r.first.startsWith(u"pg1 Patroni: "); }));

        const Node *pg2 = t.node(QStringLiteral("member:pg2"));
        QCOMPARE(pg2->title, QStringLiteral("pg2 · Replica"));
        QCOMPARE(pg2->role, svc::MemberRole::Replica);
        QVERIFY(!pg2->emphasised);
        QCOMPARE(row(pg2, QStringLiteral("lag")), QStringLiteral("0 B"));
        QCOMPARE(row(pg2, QStringLiteral("GET /primary · /replica · /health")), QStringLiteral("503 · 200 · 200"));
        QVERIFY(!row(pg2, QStringLiteral("WAL received / replayed")).isEmpty());
        QVERIFY(std::none_of(pg2->details.cbegin(), pg2->details.cend(), [](const auto &r) { return r.first.contains(u"Patroni: "); }));
        QCOMPARE(row(t.node(QStringLiteral("member:pg3")), QStringLiteral("GET /primary · /replica · /health")), QString());   // not polled

        const Node *rw = t.node(QStringLiteral("haproxy:rw"));
        QCOMPARE(rw->kind, Node::Kind::HaproxyFront);
        QCOMPARE(rw->title, QStringLiteral("HAProxy read-write"));
        QCOMPARE(rw->subtitle, QStringLiteral("→ pg1"));
        QCOMPARE(rw->state, Node::State::Normal);
        QCOMPARE(rw->detailsTitle, QStringLiteral("HAProxy read-write (read_write)"));
        QCOMPARE(rw->detailsSource, QStringLiteral("HAProxy stats CSV"));
        QCOMPARE(rw->details.size(), 4);
        // Found by what it routes to, not by its name, and the details say so.
        QCOMPARE(row(rw, QStringLiteral("proxy")), QStringLiteral("read_write sends to the leader only"));
        QVERIFY(row(rw, QStringLiteral("pg1")).startsWith(u"UP · check L7OK 200 in "));
        const Node *ro = t.node(QStringLiteral("haproxy:ro"));
        QCOMPARE(ro->subtitle, QStringLiteral("→ pg2, pg3"));
        QCOMPARE(ro->detailsTitle, QStringLiteral("HAProxy read-only (read_only)"));

        const Node *b1 = t.node(QStringLiteral("pgbouncer:pg1"));
        QCOMPARE(b1->kind, Node::Kind::PgBouncer);
        QCOMPARE(b1->member, QStringLiteral("pg1"));
        QCOMPARE(b1->title, QStringLiteral("pgbouncer1"));
        QCOMPARE(b1->subtitle, QStringLiteral("→ pg1 · 0 cl · 0 wait"));
        QCOMPARE(b1->state, Node::State::Normal);
        QCOMPARE(row(b1, QStringLiteral("sends to (SHOW DATABASES, SHOW SERVERS)")), QStringLiteral("pg1"));
        QCOMPARE(row(b1, QStringLiteral("postgres/postgres")), QStringLiteral("0 active, 0 waiting clients · 0 active, 1 idle servers · session mode"));
        QCOMPARE(row(b1, QStringLiteral("server connections")), QStringLiteral("none open"));
        const Node *b2 = t.node(QStringLiteral("pgbouncer:pgbouncer2"));   // no admin console read for it
        QCOMPARE(b2->title, QStringLiteral("pgbouncer2"));
        QCOMPARE(b2->subtitle, QStringLiteral("no admin console answered"));
        QCOMPARE(b2->state, Node::State::Unknown);
        QCOMPARE(row(b2, QStringLiteral("admin console")), QStringLiteral("127.0.0.1:6433"));
        QVERIFY(t.edgesOf(Edge::Kind::Pool).size() == 1);   // no edge where nothing says where it sends

        const Node *e2 = t.node(QStringLiteral("etcd:etcd2"));
        QCOMPARE(e2->kind, Node::Kind::Etcd);
        QCOMPARE(e2->title, QStringLiteral("etcd2 · raft leader"));
        QCOMPARE(e2->subtitle, QStringLiteral("term 2 · index 48"));
        QVERIFY(e2->emphasised);
        QCOMPARE(row(e2, QStringLiteral("version")), QStringLiteral("3.4.23"));
        QCOMPARE(row(e2, QStringLiteral("client URLs")), QStringLiteral("http://127.0.0.1:12379"));
        const Node *e1 = t.node(QStringLiteral("etcd:etcd1"));
        QCOMPARE(e1->title, QStringLiteral("etcd1"));
        QVERIFY(!e1->emphasised);
        QVERIFY(std::any_of(e1->details.cbegin(), e1->details.cend(), [](const auto &r) { return r.first.startsWith(u"metrics: "); }));

        // 2 access, 1 pool, HAProxy's 6 servers (to the members: this CSV has no addresses, so
        // no pooler can be said to be in between), 2 replication arcs, 1 leader key.
        QCOMPARE(t.edges.size(), 12);
        QCOMPARE(t.edges.at(0).from, QStringLiteral("client"));
        QCOMPARE(t.edges.at(0).to, QStringLiteral("haproxy:rw"));
        QCOMPARE(t.edges.at(0).kind, Edge::Kind::Access);
        QCOMPARE(t.edge("pgbouncer:pg1", "member:pg1")->kind, Edge::Kind::Pool);
        QCOMPARE(t.edge("haproxy:rw", "member:pg1")->state, Edge::State::Carrying);
        QCOMPARE(t.edge("haproxy:rw", "member:pg2")->state, Edge::State::Down);
        QCOMPARE(t.edge("haproxy:ro", "member:pg1")->state, Edge::State::Down);
        QCOMPARE(t.edge("haproxy:ro", "member:pg3")->state, Edge::State::Carrying);
        const auto replication = t.edgesOf(Edge::Kind::Replication);
        QCOMPARE(replication.size(), 2);
        QCOMPARE(replication.at(0).from, QStringLiteral("member:pg1"));
        QCOMPARE(replication.at(0).to, QStringLiteral("member:pg2"));
        QCOMPARE(replication.at(0).state, Edge::State::Normal);
        QCOMPARE(replication.at(0).label, QStringLiteral("lag 0 B"));
        const auto *key = t.edge("member:pg1", "etcd:etcd2");
        QVERIFY(key);
        QCOMPARE(key->kind, Edge::Kind::LeaderKey);
        QCOMPARE(key->label, QStringLiteral("leader key pgha-lab"));
    }

    // The same lab at port offset 100 (HAProxy reporting its servers' addresses, a busy
    // PgBouncer, Pgpool-II in front): Pgpool's backends are named through /cluster by host:port.
    void labAtAnotherOffsetWithPgpool()
    {
        auto c = cluster(QStringLiteral("cluster-after-switchover.json"));
        readdress(c, {}, {}, 100);
        TopologyModel model;
        model.setCluster(c);
        model.setHaproxy(haproxy(QStringLiteral("stats-with-addr.csv")));
        model.setPgBouncers({{QStringLiteral("pgbouncer1"),
                              bouncer(QStringLiteral("pgbouncer1"), {QStringLiteral("show-databases-named.csv"), QStringLiteral("show-pools-active.csv"),
                                                                     QStringLiteral("show-stats.csv"), QStringLiteral("show-servers-active.csv")})}});
        model.setPgpools({{QStringLiteral("pgpool"), pgpool()}});
        Topology t = model.topology();

        // Without the profile's PgBouncers, HAProxy's addresses (127.0.0.1:6532 …) are nobody's:
        // the servers go to the members their names tell.
        QCOMPARE(t.edge("haproxy:rw", "member:pg1")->state, Edge::State::Carrying);
        // With them (as the observer derives it), each server is the PgBouncer at its address,
        // and pgbouncer1 says in SHOW DATABASES that it sends to pg1.
        models::ClusterLayout::Inputs in;
        in.cluster = c;
        in.haproxy = haproxy(QStringLiteral("stats-with-addr.csv"));
        for (int i = 0; i < 3; ++i)
            in.pgbouncers.append({QStringLiteral("pgbouncer%1").arg(i + 1), QUrl(QStringLiteral("postgresql://127.0.0.1:%1").arg(6532 + i))});
        in.bouncerObservations.insert(QStringLiteral("pgbouncer1"),
                                      bouncer(QStringLiteral("pgbouncer1"), {QStringLiteral("show-databases-named.csv"), QStringLiteral("show-pools-active.csv"),
                                                                             QStringLiteral("show-stats.csv"), QStringLiteral("show-servers-active.csv")}));
        const auto layout = models::ClusterLayout::derive(in);
        model.setLayout(layout);
        t = model.topology();
        QCOMPARE(layout.serverPoolers.value(QStringLiteral("read_write/pg1")), QStringLiteral("pgbouncer1"));
        QVERIFY(layout.pooler(QStringLiteral("pgbouncer1"))->inClientPath);
        QCOMPARE(t.edge("haproxy:rw", "pgbouncer:pg1")->state, Edge::State::Carrying);
        QCOMPARE(t.edge("haproxy:ro", "pgbouncer:pgbouncer2")->state, Edge::State::Carrying);   // not read: placed after the members
        QVERIFY(!t.edge("haproxy:rw", "member:pg1"));
        QCOMPARE(row(t.node(QStringLiteral("member:pg2")), QStringLiteral("HAProxy read_only")), QStringLiteral("UP (check L7OK 200, 0 sessions)"));
        const Node *b1 = t.node(QStringLiteral("pgbouncer:pg1"));
        QCOMPARE(b1->subtitle, QStringLiteral("→ pg1 · 1 cl · 0 wait"));
        QCOMPARE(row(b1, QStringLiteral("server connections")), QStringLiteral("postgres@127.0.0.1:5532 active"));
        QVERIFY(row(b1, QStringLiteral("postgres: transactions")).startsWith(u"8 total · "));

        const Node *pool = t.node(QStringLiteral("pgpool:pgpool"));
        QCOMPARE(pool->kind, Node::Kind::Pgpool);
        QCOMPARE(pool->title, QStringLiteral("Pgpool-II"));
        QCOMPARE(pool->subtitle, QStringLiteral("writes → pg1"));
        QCOMPARE(pool->state, Node::State::Normal);
        QCOMPARE(pool->detailsTitle, QStringLiteral("Pgpool-II (pgpool)"));
        QVERIFY(row(pool, QStringLiteral("0 pg1")).startsWith(u"up primary (PostgreSQL says up primary) · weight 0.33"));
        QVERIFY(t.edge("client", "pgpool:pgpool"));
        QCOMPARE(t.edge("pgpool:pgpool", "member:pg1")->state, Edge::State::Carrying);
        QCOMPARE(t.edge("pgpool:pgpool", "member:pg2")->state, Edge::State::Standby);
        QCOMPARE(t.edge("pgpool:pgpool", "member:pg3")->kind, Edge::Kind::PgpoolBackend);

        // Pgpool with its primary detached: no writes, the edge says so.
        auto detached = pgpool();
        detached.nodes[0].status = QStringLiteral("down");
        model.setPgpools({{QStringLiteral("pgpool"), detached}});
        t = model.topology();
        QCOMPARE(t.node(QStringLiteral("pgpool:pgpool"))->subtitle, QStringLiteral("no primary up"));
        QCOMPARE(t.node(QStringLiteral("pgpool:pgpool"))->state, Node::State::Down);
        QCOMPARE(t.edge("pgpool:pgpool", "member:pg1")->state, Edge::State::Down);

        // Pgpool's backends at addresses /cluster does not list: shown as unmapped, no edge.
        model.setPgpools({{QStringLiteral("pgpool"), pgpool()}});
        in.cluster = cluster(QStringLiteral("cluster-after-switchover.json"));
        model.setCluster(in.cluster);
        model.setLayout(models::ClusterLayout::derive(in, layout));
        t = model.topology();
        QCOMPARE(t.node(QStringLiteral("pgpool:pgpool"))->subtitle, QStringLiteral("writes → unmapped: 127.0.0.1:5532"));
        QVERIFY(!row(t.node(QStringLiteral("pgpool:pgpool")), QStringLiteral("1 unmapped: 127.0.0.1:5533")).isEmpty());
        QVERIFY(t.edgesOf(Edge::Kind::PgpoolBackend).isEmpty());
    }

    // Patroni 4.1 shapes: a sync standby, a replica with a restart pending, then a quorum
    // standby beside a stopped replica whose lag Patroni cannot tell.
    void patroni41Shapes()
    {
        TopologyModel model;
        auto sync = cluster(QStringLiteral("cluster-4.1-shape-sync.json"));
        model.setCluster(sync);
        Topology t = model.topology();
        // No PgBouncer answered and none is known: none is drawn (issue 21: only what was observed).
        QCOMPARE(ids(t), (QStringList{"client", "member:pg1", "member:pg2", "member:pg3"}));
        const Node *pg2 = t.node(QStringLiteral("member:pg2"));
        QCOMPARE(pg2->title, QStringLiteral("pg2 · Sync standby"));
        QCOMPARE(pg2->subtitle, QStringLiteral("streaming · TL 4"));
        QCOMPARE(pg2->role, svc::MemberRole::SyncStandby);
        QCOMPARE(pg2->state, Node::State::Normal);   // "streaming" is running
        const Node *pg3 = t.node(QStringLiteral("member:pg3"));
        QCOMPARE(row(pg3, QStringLiteral("pending restart")), QStringLiteral("yes"));
        QCOMPARE(row(pg3, QStringLiteral("receive lag / LSN")), QStringLiteral("232 / 0/5000060"));
        QCOMPARE(row(pg3, QStringLiteral("replay lag / LSN")), QStringLiteral("584 / 0/4FFFF00"));
        QCOMPARE(t.edges.size(), 2);   // 2 replication arcs; no HAProxy, no PgBouncer, no etcd
        QCOMPARE(t.edge("member:pg1", "member:pg3")->label, QStringLiteral("lag 232 B"));
        QCOMPARE(t.edge("member:pg1", "member:pg3")->state, Edge::State::Normal);

        sync.members[2].lag.bytes = 5 * TopologyModel::kBehindBytes;
        model.setCluster(sync);
        t = model.topology();
        QCOMPARE(t.edge("member:pg1", "member:pg3")->state, Edge::State::Behind);
        QCOMPARE(t.edge("member:pg1", "member:pg3")->label, QStringLiteral("lag 5.0 MiB"));

        model.setCluster(cluster(QStringLiteral("cluster-4.1-shape-quorum-unknown.json")));
        t = model.topology();
        QCOMPARE(t.node(QStringLiteral("member:pg2"))->role, svc::MemberRole::QuorumStandby);
        QCOMPARE(t.node(QStringLiteral("member:pg2"))->title, QStringLiteral("pg2 · Quorum standby"));
        const Node *stopped = t.node(QStringLiteral("member:pg3"));
        QCOMPARE(stopped->state, Node::State::Down);
        QCOMPARE(stopped->subtitle, QStringLiteral("stopped · TL "));
        QCOMPARE(t.edge("member:pg1", "member:pg3")->state, Edge::State::Unknown);
        QCOMPARE(t.edge("member:pg1", "member:pg3")->label, QStringLiteral("lag unknown"));
        QCOMPARE(t.edge("member:pg1", "member:pg2")->state, Edge::State::Normal);
    }

    // A cluster built by someone else: members named alpha/beta/gamma on 10.0.0.11-13:5432,
    // HAProxy in front of PostgreSQL itself with servers named as Patroni's sample haproxy.cfg
    // names them. Servers map to members by address; an address wins over a name.
    void otherNamingMapsByAddress()
    {
        auto c = cluster(QStringLiteral("cluster-after-switchover.json"));
        const QStringList hosts{"10.0.0.11", "10.0.0.12", "10.0.0.13"};
        readdress(c, {"alpha", "beta", "gamma"}, hosts, 0);
        for (auto &m : c.members)
            m.port = 5432;
        auto stats = haproxy(QStringLiteral("stats-with-addr.csv"));
        for (auto &r : stats.rows) {
            if (r.kind != svc::HaproxyRow::Kind::Server)
                continue;
            const int i = r.name.mid(2).toInt() - 1;   // pg1 → the first member
            r.address = hosts.at(i) + QStringLiteral(":5432");
            r.name = QStringLiteral("postgresql_%1_5432").arg(hosts.at(i));
        }
        // A server named like a member but at another member's address: the address decides.
        const auto at = [](const svc::HaproxyStats &s, const QString &proxy, const QString &address) {
            for (int i = 0; i < s.rows.size(); ++i)
                if (s.rows[i].proxy == proxy && s.rows[i].address == address)
                    return i;
            return -1;
        };
        const int alphaRw = at(stats, QStringLiteral("read_write"), QStringLiteral("10.0.0.11:5432"));
        QVERIFY(alphaRw >= 0);
        stats.rows[alphaRw].name = QStringLiteral("gamma");
        auto pool = pgpool();
        for (int i = 0; i < pool.nodes.size(); ++i) {
            pool.nodes[i].host = hosts.at(i);
            pool.nodes[i].port = 5432;
        }
        TopologyModel model;
        model.setCluster(c);
        model.setHaproxy(stats);
        model.setPgpools({{QStringLiteral("pgpool"), pool}});
        const Topology t = model.topology();

        QCOMPARE(model.memberForServer(stats.rows[alphaRw])->name, QStringLiteral("alpha"));
        // HAProxy's servers are PostgreSQL itself here: the routes end on the members.
        QCOMPARE(t.edge("haproxy:rw", "member:alpha")->state, Edge::State::Carrying);
        QCOMPARE(t.edge("haproxy:rw", "member:beta")->state, Edge::State::Down);
        QCOMPARE(t.edge("haproxy:ro", "member:gamma")->state, Edge::State::Carrying);
        QCOMPARE(t.edgesOf(Edge::Kind::Route).size(), 6);
        QCOMPARE(row(t.node(QStringLiteral("member:alpha")), QStringLiteral("HAProxy read_write")), QStringLiteral("UP (check L7OK 200, 0 sessions)"));
        QCOMPARE(row(t.node(QStringLiteral("member:gamma")), QStringLiteral("HAProxy read_write")), QStringLiteral("DOWN (check L7STS 503, 0 sessions)"));
        QCOMPARE(t.node(QStringLiteral("haproxy:rw"))->subtitle, QStringLiteral("→ gamma"));   // HAProxy's own server name
        QCOMPARE(t.node(QStringLiteral("pgpool:pgpool"))->subtitle, QStringLiteral("writes → alpha"));
        QCOMPARE(t.edge("pgpool:pgpool", "member:beta")->state, Edge::State::Standby);
        QCOMPARE(t.node(QStringLiteral("member:alpha"))->title, QStringLiteral("alpha · Leader"));
        QCOMPARE(t.edge("member:alpha", "member:gamma")->kind, Edge::Kind::Replication);

        // A server at an address no member has, named like none: no edge, in no member's details.
        auto stray = stats;
        stray.rows[alphaRw].address = QStringLiteral("10.0.0.99:5432");
        stray.rows[alphaRw].name = QStringLiteral("spare");
        model.setHaproxy(stray);
        const Topology s = model.topology();
        QVERIFY(!s.edge("haproxy:rw", "member:alpha"));
        QCOMPARE(row(s.node(QStringLiteral("member:alpha")), QStringLiteral("HAProxy read_write")), QString());
        QCOMPARE(s.node(QStringLiteral("haproxy:rw"))->subtitle, QStringLiteral("→ spare"));
    }

    // The public labs' shape, recorded from tests/othercluster (shape "direct"): HAProxy
    // pg_primary/pg_replicas straight to PostgreSQL, PgBouncers beside (in no client path), one
    // of them spreading its database over all three nodes. The drawing says exactly that —
    // recorded from Debian 12's packages and from Debian 13's (Patroni 4.0.7, PostgreSQL 17,
    // HAProxy 3.0, PgBouncer 1.24: the public labs' own stack).
    void publicLabShapeDirect_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::newRow("Debian 12") << QStringLiteral("othercluster/");
        QTest::newRow("Debian 13") << QStringLiteral("othercluster/trixie/");
    }

    void publicLabShapeDirect()
    {
        QFETCH(QString, dir);
        auto c = svc::parsePatroniCluster(readFixture(dir + QStringLiteral("patroni-cluster-direct.json"))).value();
        const auto stats = svc::parseHaproxyCsv(readFixture(dir + QStringLiteral("haproxy-stats-direct.csv"))).value();
        // SHOW DATABASES and SHOW SERVERS from that PgBouncer; POOLS and STATS (not what is
        // tested here) from the lab's recordings.
        auto spread = svc::parsePgBouncer({readCsvFixture(dir + QStringLiteral("pgbouncer-databases-direct.csv")),
                                           readCsvFixture(QStringLiteral("pgbouncer/show-pools.csv")),
                                           readCsvFixture(QStringLiteral("pgbouncer/show-stats.csv")),
                                           readCsvFixture(dir + QStringLiteral("pgbouncer-servers-direct.csv"))})
                              .value();
        spread.name = QStringLiteral("127.0.0.11:6432");
        models::ClusterLayout::Inputs in;
        in.cluster = c;
        in.haproxy = stats;
        for (const char *host : {"127.0.0.11", "127.0.0.12", "127.0.0.13"})
            in.pgbouncers.append({QStringLiteral("%1:6432").arg(QLatin1String(host)), QUrl(QStringLiteral("postgresql://%1:6432").arg(QLatin1String(host)))});
        in.bouncerObservations.insert(spread.name, spread);
        const auto layout = models::ClusterLayout::derive(in);
        TopologyModel model;
        model.setCluster(c);
        model.setHaproxy(stats);
        model.setPgBouncers(in.bouncerObservations);
        model.setLayout(layout);
        const Topology t = model.topology();

        const QString leader = c.leader()->name;   // bravo when recorded
        QCOMPARE(leader, QStringLiteral("bravo"));
        // HAProxy goes to PostgreSQL itself: edges end on the members, through no pooler.
        QCOMPARE(t.edge("haproxy:rw", "member:bravo")->state, Edge::State::Carrying);
        QCOMPARE(t.edge("haproxy:rw", "member:alpha")->state, Edge::State::Down);
        QCOMPARE(t.edge("haproxy:ro", "member:alpha")->state, Edge::State::Carrying);
        for (const auto &e : t.edgesOf(Edge::Kind::Route))
            QVERIFY2(e.to.startsWith(u"member:"), qPrintable(e.to));
        QCOMPARE(t.node(QStringLiteral("haproxy:rw"))->subtitle, QStringLiteral("→ pg-2"));
        // The PgBouncer on alpha's host spreads over every node: a warning, said in words, with
        // an edge to each member; beside the path, as no HAProxy server is it.
        const Node *b = t.node(QStringLiteral("pgbouncer:alpha"));
        QVERIFY(b);
        QCOMPARE(b->state, Node::State::Warning);
        QVERIFY2(b->subtitle.startsWith(u"→ alpha, bravo, charlie (spreads)"), qPrintable(b->subtitle));
        QVERIFY2(b->subtitle.endsWith(u"beside the path"), qPrintable(b->subtitle));
        QVERIFY2(row(b, QStringLiteral("warning")).startsWith(u"127.0.0.11:6432 sends writes to replicas"), qPrintable(row(b, QStringLiteral("warning"))));
        QCOMPARE(t.edgesOf(Edge::Kind::Pool).size(), 3);
        QVERIFY(layout.notes().join(u'\n').contains(u"sends writes to replicas"));
        // The two PgBouncers that did not answer stay beside their members, unknown.
        QCOMPARE(t.node(QStringLiteral("pgbouncer:bravo"))->state, Node::State::Unknown);
        QCOMPARE(t.node(QStringLiteral("pgbouncer:charlie"))->subtitle, QStringLiteral("no admin console answered"));
    }

    // The same shape through a SIGKILL of leader bravo, as recorded (README of the fixtures):
    // HAProxy's write proxy keeps its identity while no server of it is UP, the drawing says
    // "no server UP" in that window, and follows the new leader once HAProxy does.
    void publicLabShapeFailover_data() { publicLabShapeDirect_data(); }

    void publicLabShapeFailover()
    {
        QFETCH(QString, dir);
        models::ClusterLayout layout;
        QStringList rw;
        for (int sample = 1; sample <= 3; ++sample) {
            models::ClusterLayout::Inputs in;
            in.cluster = svc::parsePatroniCluster(readFixture(dir + QStringLiteral("patroni-cluster-direct-failover-%1.json").arg(sample))).value();
            in.haproxy = svc::parseHaproxyCsv(readFixture(dir + QStringLiteral("haproxy-stats-direct-failover-%1.csv").arg(sample))).value();
            layout = models::ClusterLayout::derive(in, layout);
            QCOMPARE(layout.haproxy.readWrite.proxy, QStringLiteral("pg_primary"));
            TopologyModel model;
            model.setCluster(in.cluster);
            model.setHaproxy(in.haproxy);
            model.setLayout(layout);
            const Topology t = model.topology();
            const Node *node = t.node(QStringLiteral("haproxy:rw"));
            QVERIFY(node);
            rw.append(QStringLiteral("%1 %2 %3").arg(in.cluster.leader()->name, models::HaproxyRoles::howText(layout.haproxy.readWrite.how),
                                                    node->state == Node::State::Down ? QStringLiteral("down") : node->subtitle));
        }
        // 1: bravo dead but still UP 1/3 in HAProxy (going down) and still leader in /cluster.
        QCOMPARE(rw[0], QStringLiteral("bravo by what it routes to → pg-2"));
        // 2: charlie leads, HAProxy has no server UP for writes: the proxy is kept, drawn down.
        QCOMPARE(rw[1], QStringLiteral("charlie kept from before (nothing routed now) down"));
        // 3: HAProxy marks charlie UP (Debian 12, 40 s) or not yet (Debian 13, 26.7 s).
        QVERIFY2(rw[2] == u"charlie by what it routes to → pg-3" || rw[2] == u"charlie kept from before (nothing routed now) down",
                 qPrintable(rw.join(u" | ")));
    }

    // Sources failing: HAProxy not answering, a member's REST API unreachable, an etcd member
    // without status; then HAProxy back, with that member DOWN in both proxies.
    void failingSources()
    {
        TopologyModel model;
        model.setCluster(cluster(QStringLiteral("cluster-after-switchover.json")));
        model.setEtcd(etcd({QStringLiteral("2379"), QStringLiteral("12379")}));
        svc::PatroniNodeReport unreachable;
        unreachable.name = QStringLiteral("pg3");
        unreachable.member = QStringLiteral("pg3");
        unreachable.error = QStringLiteral("Connection refused");
        unreachable.fetchedAtMs = kFetchedAtMs;
        model.setPatroniNodes({answered(QStringLiteral("pg1"), QStringLiteral("patroni-leader.json"), 200), unreachable});
        Topology t = model.topology();

        QVERIFY(!t.node(QStringLiteral("haproxy:rw")) && !t.node(QStringLiteral("haproxy:ro")));
        QVERIFY(t.edgesOf(Edge::Kind::Route).isEmpty());
        QVERIFY(t.edgesOf(Edge::Kind::Access).isEmpty());
        QVERIFY(t.edgesOf(Edge::Kind::Pool).isEmpty());   // no PgBouncer observed: none drawn
        const Node *pg3 = t.node(QStringLiteral("member:pg3"));
        QCOMPARE(row(pg3, QStringLiteral("GET /primary · /replica · /health")), QStringLiteral("no answer · no answer · no answer"));
        QCOMPARE(row(pg3, QStringLiteral("/patroni")), QStringLiteral("Connection refused"));
        QCOMPARE(row(pg3, QStringLiteral("Patroni version")), QString());
        QCOMPARE(pg3->state, Node::State::Normal);   // /cluster still says running
        const Node *e3 = t.node(QStringLiteral("etcd:etcd3"));
        QCOMPARE(e3->state, Node::State::Unknown);
        QCOMPARE(e3->subtitle, QStringLiteral("no status"));
        QCOMPARE(row(e3, QStringLiteral("version")), QString());
        QCOMPARE(t.node(QStringLiteral("etcd:etcd1"))->state, Node::State::Normal);

        model.setHaproxy(haproxy(QStringLiteral("stats-pg3-down.csv")));
        t = model.topology();
        QCOMPARE(t.node(QStringLiteral("haproxy:ro"))->subtitle, QStringLiteral("→ pg2"));
        QCOMPARE(t.edge("haproxy:rw", "member:pg3")->state, Edge::State::Down);
        QCOMPARE(t.edge("haproxy:ro", "member:pg3")->state, Edge::State::Down);
        QCOMPARE(row(t.node(QStringLiteral("member:pg3")), QStringLiteral("HAProxy read_only")), QStringLiteral("DOWN (check L4CON 0, 0 sessions)"));

        // No server UP in the read-write proxy: the front says so.
        auto none = haproxy(QStringLiteral("stats-pg3-down.csv"));
        for (auto &r : none.rows)
            if (r.proxy == u"read_write" && r.kind == svc::HaproxyRow::Kind::Server)
                r.status = QStringLiteral("DOWN");
        model.setHaproxy(none);
        t = model.topology();
        QCOMPARE(t.node(QStringLiteral("haproxy:rw"))->state, Node::State::Down);
        QCOMPARE(t.node(QStringLiteral("haproxy:rw"))->subtitle, QStringLiteral("no server UP"));
    }

    // The leader gone: /cluster after the crashed leader's key expired and before a replica
    // took over lists two replicas and no leader. No arcs, no leader key, nobody emphasised.
    void leaderMissing()
    {
        auto c = cluster(QStringLiteral("cluster-failover-1-dead-leader-still-listed.json"));
        TopologyModel model;
        model.setCluster(c);
        model.setEtcd(etcd());
        Topology t = model.topology();
        QCOMPARE(t.edgesOf(Edge::Kind::Replication).size(), 2);   // the dead leader still listed
        QVERIFY(t.node(QStringLiteral("member:pg3"))->emphasised);
        QVERIFY(t.edgesOf(Edge::Kind::LeaderKey).isEmpty());       // etcd's key names pg1, not pg3

        c.members.removeLast();   // pg3, the leader, left /cluster
        model.setCluster(c);
        t = model.topology();
        QCOMPARE(ids(t), (QStringList{"client", "member:pg1", "member:pg2", "etcd:etcd1", "etcd:etcd2", "etcd:etcd3"}));
        QVERIFY(t.edgesOf(Edge::Kind::Replication).isEmpty());
        QVERIFY(t.edgesOf(Edge::Kind::LeaderKey).isEmpty());
        for (const auto &n : t.nodes)
            if (n.kind == Node::Kind::Member)
                QVERIFY2(!n.emphasised && n.role == svc::MemberRole::Replica, qPrintable(n.id));
        QVERIFY(t.node(QStringLiteral("etcd:etcd2"))->emphasised);   // the raft leader is still etcd's

        // The survivors settle: pg2 leads on a new timeline, two members only.
        model.setCluster(cluster(QStringLiteral("cluster-failover-4-settled.json")));
        t = model.topology();
        QCOMPARE(t.edgesOf(Edge::Kind::Replication).size(), 1);
        QCOMPARE(t.edge("member:pg2", "member:pg1")->label, QStringLiteral("lag 0 B"));
        QCOMPARE(t.node(QStringLiteral("member:pg2"))->subtitle, QStringLiteral("running · TL 4"));
    }

    // The survivors' /cluster still lists the dead leader as running (recorded after a crash): its
    // own REST API refused, so the node is drawn unreachable, its leader key counting down.
    void deadLeaderShownDead()
    {
        TopologyModel model;
        model.setCluster(cluster(QStringLiteral("cluster-failover-1-dead-leader-still-listed.json")));
        models::MemberReachability reach;
        reach.sessionLost(QStringLiteral("pg3"), 1'000, QStringLiteral("server closed the connection unexpectedly"));
        QVERIFY(reach.restFailed(QStringLiteral("pg3"), 1'004, QStringLiteral("refused")));
        model.setUnreachable(reach.down());
        models::LeaderKeyClock key;
        key.state = models::LeaderKeyClock::State::CountingDown;
        key.holder = QStringLiteral("pg3");
        key.remainingMs = 6'240;
        model.setLeaderKey(key);
        Topology t = model.topology();
        const Node *dead = t.node(QStringLiteral("member:pg3"));
        QCOMPARE(dead->state, Node::State::Down);
        QCOMPARE(dead->subtitle, QStringLiteral("unreachable"));
        QCOMPARE(dead->note, QStringLiteral("REST refused at %1\nkey expires in 6.2 s").arg(models::MemberReachability::clockText(1'004)));
        QVERIFY(dead->noteAlarm);
        QVERIFY(dead->title.contains(u"Leader"));   // what /cluster says stays in the title
        bool reachRow = false;
        for (const auto &[what, value] : dead->details)
            reachRow |= what == u"reachability" && value.contains(u"first seen by PostgreSQL") && value.contains(u"\"running\"");
        QVERIFY(reachRow);
        QVERIFY(t.node(QStringLiteral("member:pg1"))->note.isEmpty());

        // Renewing: nothing below the box, the lease in the details.
        key.state = models::LeaderKeyClock::State::Renewing;
        key.grantedS = 10;
        model.setUnreachable({});
        model.setLeaderKey(key);
        t = model.topology();
        QVERIFY(t.node(QStringLiteral("member:pg3"))->note.isEmpty());
        QCOMPARE(t.node(QStringLiteral("member:pg3"))->state, Node::State::Normal);
    }

    // Nothing known yet: the clients alone.
    void empty()
    {
        const Topology t = TopologyModel().topology();
        QCOMPARE(ids(t), QStringList{QStringLiteral("client")});
        QCOMPARE(t.nodes.first().title, QStringLiteral("clients"));
        QVERIFY(t.edges.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTopologyModel)
#include "tst_topologymodel.moc"

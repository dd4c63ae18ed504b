#include "topologymodel.h"

#include "memberformat.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>
#include <tuple>

namespace pgha::models {

using Node = TopologyNodeSpec;
using Edge = TopologyEdgeSpec;

namespace {

QString memberId(const QString &name) { return QStringLiteral("member:") + name; }
QString poolerId(const QString &member) { return QStringLiteral("pgbouncer:") + member; }

// The figures of a /metrics digest as detail rows, prefixed with where they came from.
void appendMetrics(QList<TopologyDetailRow> &rows, const QString &label, const svc::MetricsDigest &d)
{
    for (const auto &f : d.figures) {
        QString value = QString::number(f.value, 'g', 10);
        if (f.unit == u"B")
            value = measuredBytesText(f.value);
        else if (f.unit == u"s" && f.key.endsWith(u"_s"))
            value = QStringLiteral("%1 ms").arg(f.value * 1000, 0, 'f', 1);
        rows.append({QStringLiteral("%1: %2").arg(label, f.label), value});
    }
}

QString httpCode(int code) { return code == 0 ? QStringLiteral("no answer") : QString::number(code); }

} // namespace

const TopologyNodeSpec *Topology::node(const QString &id) const
{
    for (const auto &n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

QList<TopologyEdgeSpec> Topology::edgesOf(TopologyEdgeSpec::Kind kind) const
{
    QList<TopologyEdgeSpec> out;
    for (const auto &e : edges)
        if (e.kind == kind)
            out.append(e);
    return out;
}

const TopologyEdgeSpec *Topology::edge(const QString &from, const QString &to) const
{
    for (const auto &e : edges)
        if (e.from == from && e.to == to)
            return &e;
    return nullptr;
}

const svc::PatroniMember *TopologyModel::memberForServer(const svc::HaproxyRow &server) const
{
    const auto member = m_layout.memberForServer(server);
    return member ? m_cluster.member(*member) : nullptr;
}

Topology TopologyModel::topology() const
{
    if (m_givenLayout) {
        m_layout = *m_givenLayout;
    } else {
        ClusterLayout::Inputs in;
        in.cluster = m_cluster;
        in.haproxy = m_haproxy;
        in.bouncerObservations = m_bouncers;
        m_layout = ClusterLayout::derive(in, m_layout);
    }
    Topology t;
    Node client;
    client.id = QStringLiteral("client");
    client.kind = Node::Kind::Client;
    client.title = tr("clients");
    client.subtitle = tr("psql, pgbench, apps");
    t.nodes.append(client);

    addHaproxy(t);
    for (const auto &m : m_cluster.members)
        addMember(t, m);
    for (const auto &p : m_layout.poolers)
        if (p.beside.isEmpty() || !m_cluster.member(p.beside))
            addPooler(t, p);   // beside no member: after them
    addRoutes(t);
    addPgpools(t);
    addReplication(t);
    addEtcd(t);
    return t;
}

void TopologyModel::addHaproxy(Topology &t) const
{
    if (m_haproxy.rows.isEmpty())
        return;
    for (const auto &[id, choice, title] : {std::tuple{QStringLiteral("haproxy:rw"), m_layout.haproxy.readWrite, tr("HAProxy read-write")},
                                            std::tuple{QStringLiteral("haproxy:ro"), m_layout.haproxy.readOnly, tr("HAProxy read-only")}}) {
        const QString proxy = choice.proxy;
        Node n;
        n.id = id;
        n.kind = Node::Kind::HaproxyFront;
        QStringList up;
        for (const auto &r : m_haproxy.servers(proxy)) {
            if (r.isUp())
                up.append(r.name);
            n.details.append({r.name, QStringLiteral("%1 · check %2 %3 in %4 ms · %5 s since change · %6 sessions")
                                              .arg(r.status, r.checkStatus).arg(r.checkCode).arg(r.checkDurationMs)
                                              .arg(r.lastChangeSec).arg(r.currentSessions)});
        }
        n.title = title;
        if (proxy.isEmpty()) {
            // No proxy could be told to carry this: say so, not "no server UP".
            n.state = Node::State::Unknown;
            n.subtitle = tr("no such proxy found");
            n.details.append({tr("proxies"), m_layout.haproxy.others.join(QStringLiteral(", "))});
        } else {
            n.state = up.isEmpty() ? Node::State::Down : Node::State::Normal;
            n.subtitle = up.isEmpty() ? tr("no server UP") : tr("→ %1").arg(up.join(QStringLiteral(", ")));
            n.details.prepend({tr("proxy"), choice.reason});
        }
        for (const auto &note : m_layout.haproxy.notes)
            n.details.append({tr("note"), note});
        n.detailsTitle = proxy.isEmpty() ? title : title + QStringLiteral(" (") + proxy + QLatin1Char(')');
        n.detailsSource = tr("HAProxy stats CSV");
        t.nodes.append(n);
        t.edges.append({QStringLiteral("client"), id, Edge::Kind::Access, Edge::State::Normal, {}});
    }
}

void TopologyModel::addMember(Topology &t, const svc::PatroniMember &m) const
{
    Node node;
    node.id = memberId(m.name);
    node.kind = Node::Kind::Member;
    node.member = m.name;
    node.role = m.role;
    node.emphasised = m.isLeader();
    node.state = m.isRunning() ? Node::State::Normal : Node::State::Down;
    node.title = QStringLiteral("%1 · %2").arg(m.name, roleText(m));
    node.subtitle = QStringLiteral("%1 · TL %2").arg(m.state, timelineText(m));
    node.details = memberDetails(m);
    node.detailsTitle = m.name;
    node.detailsSource = QStringLiteral("Patroni %1 at %2").arg(m_cluster.sourceUrl,
                                                                QDateTime::fromMSecsSinceEpoch(m_cluster.fetchedAtMs).toString(u"hh:mm:ss.zzz"));
    QStringList notes;
    if (const auto down = m_unreachable.constFind(m.name); down != m_unreachable.cend()) {
        // Its own API says more than the survivors' /cluster, which keeps a dead leader for up to ttl.
        node.state = Node::State::Down;
        node.subtitle = tr("unreachable");
        notes.append(down->how);
        node.details.prepend({tr("reachability"), tr("unreachable since %1 (first seen by %2); %3; /cluster on the others still says "
                                                     "\"%4\"").arg(MemberReachability::clockText(down->sinceMs), down->firstSource,
                                                                    down->how, m.state)});
    }
    if (m_leaderKey.holder == m.name && m_leaderKey.state != LeaderKeyClock::State::Unknown) {
        const QString key = m_leaderKey.text();
        node.details.append({tr("leader key"), key});
        if (m_leaderKey.state != LeaderKeyClock::State::Renewing)
            notes.append(key);
    }
    node.note = notes.join(QLatin1Char('\n'));
    node.noteAlarm = !notes.isEmpty();
    t.nodes.append(node);

    for (const auto &p : m_layout.poolers)
        if (p.beside == m.name)
            addPooler(t, p);
}

QString TopologyModel::poolerNodeId(const ClusterLayout::Pooler &p) const
{
    // "pgbouncer:<member>" for the one pooler beside a member (the usual shape), else by name.
    const auto beside = std::count_if(m_layout.poolers.cbegin(), m_layout.poolers.cend(),
                                      [&p](const ClusterLayout::Pooler &o) { return o.beside == p.beside; });
    return !p.beside.isEmpty() && beside == 1 ? poolerId(p.beside) : poolerId(p.name);
}

// A PgBouncer with edges to every member it really sends to; one that spreads a database over
// the leader and replicas is a warning, and one no HAProxy server stands for is beside the path.
void TopologyModel::addPooler(Topology &t, const ClusterLayout::Pooler &p) const
{
    Node pooler;
    pooler.id = poolerNodeId(p);
    pooler.kind = Node::Kind::PgBouncer;
    pooler.member = p.beside;
    pooler.title = p.name;
    QStringList reaches = p.targets + p.unmapped;
    bool haproxyKnowsAddresses = !m_haproxy.rows.isEmpty();
    for (const auto &r : m_haproxy.rows)
        haproxyKnowsAddresses &= r.kind != svc::HaproxyRow::Kind::Server || !r.address.isEmpty();
    const bool besidePath = haproxyKnowsAddresses && !p.inClientPath;
    pooler.offPath = besidePath;
    const auto bouncer = m_bouncers.constFind(p.name);
    if (bouncer != m_bouncers.cend()) {
        int active = 0, waiting = 0;
        pooler.details.append({tr("sends to (SHOW DATABASES, SHOW SERVERS)"), reaches.join(QStringLiteral(", "))});
        if (!p.warning.isEmpty())
            pooler.details.append({tr("warning"), p.warning});
        if (besidePath)
            pooler.details.append({tr("client path"), tr("none: no HAProxy server is this PgBouncer (clients reach it only directly)")});
        for (const auto &pool : bouncer->pools) {
            active += pool.clientsActive;
            waiting += pool.clientsWaiting;
            pooler.details.append({QStringLiteral("%1/%2").arg(pool.database, pool.user),
                                   tr("%1 active, %2 waiting clients · %3 active, %4 idle servers · %5 mode")
                                           .arg(pool.clientsActive).arg(pool.clientsWaiting).arg(pool.serversActive).arg(pool.serversIdle).arg(pool.poolMode)});
        }
        const QString where = reaches.isEmpty() ? tr("nowhere yet") : reaches.size() == 1 ? reaches.front()
                                                                                          : tr("%1 (spreads)").arg(reaches.join(QStringLiteral(", ")));
        pooler.subtitle = tr("→ %1 · %2 cl · %3 wait").arg(where).arg(active).arg(waiting);
        if (besidePath)
            pooler.subtitle += tr(" · beside the path");
        pooler.state = waiting > 0 || p.spreadsOverRoles ? Node::State::Warning : Node::State::Normal;
        for (const auto &st : bouncer->stats)
            pooler.details.append({tr("%1: transactions").arg(st.database),
                                   tr("%1 total · %2/s · avg %3 ms (wait %4 ms)")
                                           .arg(st.totalXacts).arg(st.avgXactsPerSecond)
                                           .arg(st.avgXactUs / 1000.0, 0, 'f', 2).arg(st.avgWaitUs / 1000.0, 0, 'f', 2)});
        QStringList connections;
        for (const auto &sv : bouncer->servers)
            connections.append(QStringLiteral("%1@%2:%3 %4").arg(sv.user, sv.address).arg(sv.port).arg(sv.state));
        pooler.details.append({tr("server connections"), connections.isEmpty() ? tr("none open") : connections.join(QStringLiteral(", "))});
        pooler.detailsTitle = p.name;
        pooler.detailsSource = tr("PgBouncer admin console (SHOW DATABASES, POOLS, STATS, SERVERS)");
    } else {
        pooler.subtitle = tr("no admin console answered");
        pooler.state = Node::State::Unknown;
        pooler.details = {{tr("admin console"), p.address}};
        pooler.detailsTitle = tr("PgBouncer %1").arg(p.name);
        pooler.detailsSource = tr("the profile (its admin console did not answer)");
    }
    t.nodes.append(pooler);
    for (const auto &target : p.targets)
        t.edges.append({pooler.id, memberId(target), Edge::Kind::Pool, Edge::State::Normal, {}});
}

// HAProxy → whatever each server's address is: a PgBouncer of the profile, or PostgreSQL
// itself; a server HAProxy gives no address for goes to the member its name tells, if any.
void TopologyModel::addRoutes(Topology &t) const
{
    if (m_haproxy.rows.isEmpty())
        return;
    for (const auto &[front, proxy] : {std::pair{QStringLiteral("haproxy:rw"), m_layout.haproxy.readWrite.proxy},
                                       std::pair{QStringLiteral("haproxy:ro"), m_layout.haproxy.readOnly.proxy}}) {
        if (proxy.isEmpty())
            continue;
        for (const auto &r : m_haproxy.servers(proxy)) {
            QString to;
            if (const auto *p = m_layout.pooler(m_layout.serverPoolers.value(ClusterLayout::serverKey(r))))
                to = poolerNodeId(*p);
            else if (const auto member = m_layout.memberForServer(r))
                to = memberId(*member);
            if (!to.isEmpty() && !t.edge(front, to))
                t.edges.append({front, to, Edge::Kind::Route, r.isUp() ? Edge::State::Carrying : Edge::State::Down, {}});
        }
    }
}

// Pgpool-II, the alternative front: reached by the clients directly, with an edge to every
// backend /cluster names (its writes, its standbys, detached ones).
void TopologyModel::addPgpools(Topology &t) const
{
    auto memberAt = [this](const QString &hostPort) { return m_layout.members.memberAt(hostPort); };
    for (const auto &p : m_pgpools) {
        Node node;
        node.id = QStringLiteral("pgpool:") + p.name;
        node.kind = Node::Kind::Pgpool;
        t.edges.append({QStringLiteral("client"), node.id, Edge::Kind::Access, Edge::State::Normal, {}});
        const QStringList primaries = p.primaries();
        QStringList named;
        for (const auto &hp : primaries)
            named.append(memberAt(hp).value_or(MemberMap::unmappedText(hp)));
        node.state = primaries.isEmpty() ? Node::State::Down : Node::State::Normal;
        node.title = QStringLiteral("Pgpool-II %1").arg(p.name == u"pgpool" ? QString() : p.name).trimmed();
        node.subtitle = primaries.isEmpty() ? tr("no primary up") : tr("writes → %1").arg(named.join(QStringLiteral(", ")));
        for (const auto &n : p.nodes) {
            node.details.append({QStringLiteral("%1 %2").arg(n.id).arg(memberAt(n.hostPort()).value_or(MemberMap::unmappedText(n.hostPort()))),
                                 tr("%1 %2 (PostgreSQL says %3 %4) · weight %5 · %6 selects · delay %7 %8")
                                         .arg(n.status, n.role, n.pgStatus, n.pgRole)
                                         .arg(n.lbWeight, 0, 'f', 2).arg(n.selectCount).arg(n.replicationDelay)
                                         .arg(n.replicationState)});
            const QString member = memberAt(n.hostPort()).value_or(QString());
            if (member.isEmpty())
                continue;   // not a member /cluster lists: named by its address above, no edge
            const bool up = n.status == u"up";
            const bool writes = up && n.role == u"primary";
            t.edges.append({node.id, memberId(member), Edge::Kind::PgpoolBackend,
                            writes ? Edge::State::Carrying : up ? Edge::State::Standby : Edge::State::Down, {}});
        }
        node.detailsTitle = QStringLiteral("Pgpool-II (%1)").arg(p.name);
        node.detailsSource = tr("Pgpool-II SHOW POOL_NODES");
        t.nodes.append(node);
    }
}

// Replication: leader → each replica, labelled with the lag.
void TopologyModel::addReplication(Topology &t) const
{
    const auto *leader = m_cluster.leader();
    if (!leader)
        return;
    for (const auto &m : m_cluster.members) {
        if (m.isLeader())
            continue;
        Edge::State state = Edge::State::Normal;
        if (m.lag.kind == svc::MemberLag::Kind::Unknown)
            state = Edge::State::Unknown;
        else if (m.lag.kind != svc::MemberLag::Kind::Bytes)
            state = Edge::State::Unmeasured;
        else if (m.lag.bytes > kBehindBytes)
            state = Edge::State::Behind;
        t.edges.append({memberId(leader->name), memberId(m.name), Edge::Kind::Replication, state, tr("lag %1").arg(lagText(m))});
    }
}

// etcd: each member, the raft leader emphasised; the leader key held by Patroni's leader.
void TopologyModel::addEtcd(Topology &t) const
{
    const auto *leader = m_cluster.leader();
    auto members = m_etcd.members.members;
    std::sort(members.begin(), members.end(), [](const svc::EtcdMember &a, const svc::EtcdMember &b) { return a.name < b.name; });
    for (const auto &em : members) {
        Node node;
        node.id = QStringLiteral("etcd:") + em.name;
        node.kind = Node::Kind::Etcd;
        const bool isLeader = em.name == m_etcd.leaderName;
        const svc::EtcdStatus *st = nullptr;
        for (const auto &s : m_etcd.statusByEndpoint)
            if (s.memberId == em.id)
                st = &s;
        node.state = st ? Node::State::Normal : Node::State::Unknown;
        node.emphasised = isLeader;
        node.title = QStringLiteral("%1%2").arg(em.name, isLeader ? tr(" · raft leader") : QString());
        node.subtitle = st ? tr("term %1 · index %2").arg(st->raftTerm).arg(st->raftIndex) : tr("no status");
        node.details = {{tr("member id"), em.id},
                        {tr("client URLs"), em.clientUrls.join(QStringLiteral(", "))},
                        {tr("version"), st ? st->version : QString()},
                        {tr("raft term / index"), st ? QStringLiteral("%1 / %2").arg(st->raftTerm).arg(st->raftIndex) : QString()},
                        {tr("db size"), st ? bytesText(st->dbSize) : QString()},
                        {tr("alarms"), st ? st->errors.join(QStringLiteral(", ")) : QString()}};
        // Its /metrics, scraped under the endpoint's label (the member name, or host:port).
        for (auto it = m_metrics.cbegin(); it != m_metrics.cend(); ++it)
            if (it->origin == svc::MetricsDigest::Origin::Etcd
                && (it.key() == em.name || std::any_of(em.clientUrls.cbegin(), em.clientUrls.cend(),
                                                       [&](const QString &u) { return u.endsWith(it.key()); })))
                appendMetrics(node.details, tr("metrics"), it.value());
        node.detailsTitle = em.name;
        node.detailsSource = tr("etcd maintenance/status and /metrics");
        t.nodes.append(node);
        if (isLeader && leader)
            for (const auto &scope : m_etcd.scopes)
                if (scope.leader == leader->name)
                    t.edges.append({memberId(leader->name), node.id, Edge::Kind::LeaderKey, Edge::State::Normal,
                                    tr("leader key %1").arg(scope.scope)});
    }
}

QList<TopologyDetailRow> TopologyModel::memberDetails(const svc::PatroniMember &m) const
{
    QString tags;
    for (auto it = m.tags.begin(); it != m.tags.end(); ++it)
        tags += QStringLiteral("%1=%2 ").arg(it.key(), it.value().toVariant().toString());
    QList<TopologyDetailRow> rows{
            {tr("role"), QStringLiteral("%1 (Patroni says \"%2\")").arg(roleText(m), m.rawRole)},
            {tr("state"), m.state},
            {tr("PostgreSQL"), hostPortText(m)},
            {tr("REST API"), m.apiUrl},
            {tr("timeline"), timelineText(m)},
            {tr("lag"), lagText(m)},
            {tr("receive lag / LSN"), m.receiveLsn.isEmpty() ? QString() : QStringLiteral("%1 / %2").arg(m.receiveLag.bytes).arg(m.receiveLsn)},
            {tr("replay lag / LSN"), m.replayLsn.isEmpty() ? QString() : QStringLiteral("%1 / %2").arg(m.replayLag.bytes).arg(m.replayLsn)},
            {tr("pending restart"), m.pendingRestart ? tr("yes") : QString()},
            {tr("scheduled restart"), m.scheduledRestart},
            {tr("tags"), tags.trimmed()}};
    for (const auto &r : m_haproxy.rows)
        if (r.kind == svc::HaproxyRow::Kind::Server && memberForServer(r) == &m)
            rows.append({QStringLiteral("HAProxy %1").arg(r.proxy),
                         QStringLiteral("%1 (check %2 %3, %4 sessions)").arg(r.status, r.checkStatus).arg(r.checkCode).arg(r.currentSessions)});
    // The member's own REST answers (GET /primary's body is its /patroni).
    // Its /metrics are scraped under its REST endpoint's label ("pg1 Patroni", "10.0.0.1:8008 Patroni").
    QStringList labels{m.name};
    for (const auto &n : m_patroniNodes)
        if (n.member == m.name) {
            rows += restDetails(n);
            labels.append(n.name);
        }
    labels.removeDuplicates();
    for (auto it = m_metrics.cbegin(); it != m_metrics.cend(); ++it)
        if (std::any_of(labels.cbegin(), labels.cend(), [&](const QString &l) { return it.key().startsWith(l + QLatin1Char(' ')); }))
            appendMetrics(rows, it.key(), it.value());
    return rows;
}

QList<TopologyDetailRow> TopologyModel::restDetails(const svc::PatroniNodeReport &n) const
{
    QList<TopologyDetailRow> rows{{tr("GET /primary · /replica · /health"),
                                   QStringLiteral("%1 · %2 · %3").arg(httpCode(n.primaryCode), httpCode(n.replicaCode), httpCode(n.healthCode))}};
    if (n.roleChecksAtMs > 0)
        rows.append({tr("/replica · /health asked"), tr("%1 s ago").arg(std::max<qint64>(0, (n.fetchedAtMs - n.roleChecksAtMs) / 1000))});
    const auto &s = n.status;
    if (!s) {
        rows.append({tr("/patroni"), n.error});
        return rows;
    }
    rows.append({tr("Patroni version"), s->patroniVersion});
    rows.append({tr("PostgreSQL version"), s->serverVersion ? QStringLiteral("%1.%2").arg(s->serverVersion / 10000).arg(s->serverVersion % 10000)
                                                            : QString()});
    rows.append({tr("system identifier"), s->systemIdentifier});
    if (s->walLocation)
        rows.append({tr("WAL position"), bytesText(*s->walLocation)});
    if (s->receivedLocation && s->replayedLocation)
        rows.append({tr("WAL received / replayed"),
                     QStringLiteral("%1 / %2").arg(bytesText(*s->receivedLocation), bytesText(*s->replayedLocation))});
    if (s->dcsLastSeen > 0)
        rows.append({tr("DCS last seen"), tr("%1 s ago").arg(std::max<qint64>(0, n.fetchedAtMs / 1000 - s->dcsLastSeen))});
    QStringList senders;
    for (const auto &w : s->replication)
        senders.append(QStringLiteral("%1 %2 (%3)").arg(w.applicationName, w.state, w.syncState));
    rows.append({tr("walsenders"), senders.join(QStringLiteral(", "))});
    return rows;
}

} // namespace pgha::models

#include "topologyview.h"

#include "memberformat.h"
#include "rolecolors.h"
#include "topologynode.h"
#include "detailshtml.h"

#include <QDateTime>

#include <algorithm>
#include <QGraphicsPathItem>
#include <QGraphicsSimpleTextItem>
#include <QPainterPath>

#include <utility>

namespace pgha::views {

namespace {

constexpr qreal kColumn = 210;     // x distance between the columns of the diagram
constexpr qreal kRow = 86;         // y distance between members
const QColor kEdge(0x90, 0xa4, 0xae);
const QColor kEdgeOff(0xcf, 0xd8, 0xdc);

enum Column { Clients, Haproxy, Poolers, Members, Etcd };

QPointF at(Column c, qreal row) { return {static_cast<int>(c) * kColumn, row * kRow}; }

QString html(const QList<std::pair<QString, QString>> &rows, const QString &title, const QString &source)
{
    return detailsHtml(rows, title, source);
}

// The figures of a /metrics digest as detail rows, prefixed with where they came from.
void appendMetrics(QList<std::pair<QString, QString>> &rows, const QString &label, const svc::MetricsDigest &d)
{
    for (const auto &f : d.figures) {
        QString value = QString::number(f.value, 'g', 10);
        if (f.unit == u"B")
            value = models::measuredBytesText(f.value);
        else if (f.unit == u"s" && f.key.endsWith(u"_s"))
            value = QStringLiteral("%1 ms").arg(f.value * 1000, 0, 'f', 1);
        rows.append({QStringLiteral("%1: %2").arg(label, f.label), value});
    }
}

QString httpCode(int code) { return code == 0 ? QStringLiteral("no answer") : QString::number(code); }

QString readOnlyProxy(const svc::HaproxyStats &stats, const QString &rw)
{
    for (const auto &r : stats.rows)
        if (r.kind == svc::HaproxyRow::Kind::Server && r.proxy != rw)
            return r.proxy;
    return {};
}

} // namespace

TopologyView::TopologyView(QWidget *parent) : QGraphicsView(parent), m_scene(new QGraphicsScene(this))
{
    // Every source reports on its own: one rebuild for all that arrived in the same turn of
    // the event loop, not one per source.
    m_rebuildTimer.setSingleShot(true);
    m_rebuildTimer.setInterval(0);
    connect(&m_rebuildTimer, &QTimer::timeout, this, &TopologyView::rebuild);
    setScene(m_scene);
    setRenderHint(QPainter::Antialiasing);
    setObjectName(QStringLiteral("topologyView"));
    setMinimumHeight(240);
    setFrameShape(QFrame::NoFrame);
}

void TopologyView::setPlaceholder(const QString &text)
{
    m_placeholderText = text;
    scheduleRebuild();
}

void TopologyView::setCluster(const svc::ClusterSnapshot &snapshot)
{
    m_cluster = snapshot;
    scheduleRebuild();
}

void TopologyView::setHaproxy(const svc::HaproxyStats &stats)
{
    m_haproxy = stats;
    scheduleRebuild();
}

void TopologyView::setEtcd(const svc::EtcdSnapshot &etcd)
{
    m_etcd = etcd;
    scheduleRebuild();
}

void TopologyView::setPgBouncers(const QMap<QString, svc::PgBouncerObservation> &bouncers)
{
    m_bouncers = bouncers;
    scheduleRebuild();
}

void TopologyView::setPatroniNodes(const QList<svc::PatroniNodeReport> &nodes)
{
    m_patroniNodes = nodes;
    scheduleRebuild();
}

void TopologyView::setPgpools(const QMap<QString, svc::PgpoolObservation> &pgpools)
{
    m_pgpools = pgpools;
    scheduleRebuild();
}

void TopologyView::setMetrics(const QMap<QString, svc::MetricsDigest> &metrics)
{
    m_metrics = metrics;
    scheduleRebuild();
}

void TopologyView::scheduleRebuild()
{
    if (!m_rebuildTimer.isActive())
        m_rebuildTimer.start();
}

void TopologyView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    fitInView(m_scene->itemsBoundingRect().adjusted(-20, -20, 20, 20), Qt::KeepAspectRatio);
}

TopologyNode *TopologyView::ensureNode(const QString &id)
{
    if (auto *n = m_nodes.value(id))
        return n;
    auto *n = new TopologyNode(id);
    m_scene->addItem(n);
    m_nodes.insert(id, n);
    connect(n, &TopologyNode::clicked, this, [this, n](const QString &nodeId) {
        m_selected = nodeId;
        m_selectedDetails = n->details();
        emit nodeSelected(nodeId, n->details());
    });
    return n;
}

// Pgpool-II, the alternative front: a pooler of its own below the PgBouncers, reached by the
// clients directly, with an edge to every backend it uses (solid to where it sends writes,
// dotted to standbys, grey to detached ones).
void TopologyView::addPgpools(qreal firstRow, const QHash<QString, QString> &memberByHostPort)
{
    qreal row = firstRow;
    for (const auto &p : m_pgpools) {
        auto *node = ensureNode(QStringLiteral("pgpool:") + p.name);
        node->setPos(at(Poolers, row));
        row += 1;
        if (auto *client = m_nodes.value(QStringLiteral("client"))) {
            QPainterPath line(client->pos() + QPointF(TopologyNode::kWidth / 2, 0));
            line.lineTo(node->pos() - QPointF(TopologyNode::kWidth / 2, 0));
            m_edgeSpecs.append({line, QPen(kEdge, 2), -1, {}, {}, {}});
        }
        const QStringList primaries = p.primaries();
        QStringList named;
        for (const auto &hp : primaries)
            named.append(memberByHostPort.value(hp, hp));
        node->setLook(TopologyNode::Shape::Pill, primaries.isEmpty() ? healthColor(false) : QColor(0x4e, 0x34, 0x2e), false, false);
        node->setText(QStringLiteral("Pgpool-II %1").arg(p.name == u"pgpool" ? QString() : p.name).trimmed(),
                      primaries.isEmpty() ? tr("no primary up") : tr("writes → %1").arg(named.join(QStringLiteral(", "))));
        QList<std::pair<QString, QString>> rows;
        for (const auto &n : p.nodes) {
            rows.append({QStringLiteral("%1 %2").arg(n.id).arg(memberByHostPort.value(n.hostPort(), n.hostPort())),
                         tr("%1 %2 (PostgreSQL says %3 %4) · weight %5 · %6 selects · delay %7 %8")
                                 .arg(n.status, n.role, n.pgStatus, n.pgRole)
                                 .arg(n.lbWeight, 0, 'f', 2).arg(n.selectCount).arg(n.replicationDelay)
                                 .arg(n.replicationState)});
            auto *member = m_nodes.value(QStringLiteral("member:") + memberByHostPort.value(n.hostPort()));
            if (!member)
                continue;
            const bool writes = n.role == u"primary" && n.status == u"up";
            QPen pen(n.status == u"up" ? (writes ? healthColor(true) : kEdge) : kEdgeOff, 1.5);
            if (!writes)
                pen.setStyle(Qt::DotLine);
            QPainterPath path(node->pos() + QPointF(TopologyNode::kWidth / 2, 0));
            const QPointF end = member->pos() - QPointF(TopologyNode::kWidth / 2, 0);
            path.cubicTo(path.currentPosition() + QPointF(kColumn * 0.35, 0), end - QPointF(kColumn * 0.35, 0), end);
            m_edgeSpecs.append({path, pen, -2, {}, {}, {}});
        }
        node->setDetails(html(rows, QStringLiteral("Pgpool-II (%1)").arg(p.name), tr("Pgpool-II SHOW POOL_NODES")));
    }
}

QString TopologyView::memberDetails(const svc::PatroniMember &m) const
{
    QString tags;
    for (auto it = m.tags.begin(); it != m.tags.end(); ++it)
        tags += QStringLiteral("%1=%2 ").arg(it.key(), it.value().toVariant().toString());
    QList<std::pair<QString, QString>> rows{
            {tr("role"), QStringLiteral("%1 (Patroni says \"%2\")").arg(models::roleText(m), m.rawRole)},
            {tr("state"), m.state},
            {tr("PostgreSQL"), models::hostPortText(m)},
            {tr("REST API"), m.apiUrl},
            {tr("timeline"), models::timelineText(m)},
            {tr("lag"), models::lagText(m)},
            {tr("receive lag / LSN"), m.receiveLsn.isEmpty() ? QString() : QStringLiteral("%1 / %2").arg(m.receiveLag.bytes).arg(m.receiveLsn)},
            {tr("replay lag / LSN"), m.replayLsn.isEmpty() ? QString() : QStringLiteral("%1 / %2").arg(m.replayLag.bytes).arg(m.replayLsn)},
            {tr("pending restart"), m.pendingRestart ? tr("yes") : QString()},
            {tr("scheduled restart"), m.scheduledRestart},
            {tr("tags"), tags.trimmed()}};
    for (const auto &r : m_haproxy.rows)
        if (r.kind == svc::HaproxyRow::Kind::Server && r.name == m.name)
            rows.append({QStringLiteral("HAProxy %1").arg(r.proxy),
                         QStringLiteral("%1 (check %2 %3, %4 sessions)").arg(r.status, r.checkStatus).arg(r.checkCode).arg(r.currentSessions)});
    // The member's own REST answers (GET /primary's body is its /patroni).
    for (const auto &n : m_patroniNodes) {
        if (n.name != m.name)
            continue;
        rows.append({tr("GET /primary · /replica · /health"),
                     QStringLiteral("%1 · %2 · %3").arg(httpCode(n.primaryCode), httpCode(n.replicaCode), httpCode(n.healthCode))});
        if (n.roleChecksAtMs > 0)
            rows.append({tr("/replica · /health asked"), tr("%1 s ago").arg(std::max<qint64>(0, (n.fetchedAtMs - n.roleChecksAtMs) / 1000))});
        if (const auto &s = n.status) {
            rows.append({tr("Patroni version"), s->patroniVersion});
            rows.append({tr("PostgreSQL version"), s->serverVersion ? QStringLiteral("%1.%2").arg(s->serverVersion / 10000).arg(s->serverVersion % 10000)
                                                                    : QString()});
            rows.append({tr("system identifier"), s->systemIdentifier});
            if (s->walLocation)
                rows.append({tr("WAL position"), models::bytesText(*s->walLocation)});
            if (s->receivedLocation && s->replayedLocation)
                rows.append({tr("WAL received / replayed"),
                             QStringLiteral("%1 / %2").arg(models::bytesText(*s->receivedLocation), models::bytesText(*s->replayedLocation))});
            if (s->dcsLastSeen > 0)
                rows.append({tr("DCS last seen"), tr("%1 s ago").arg(std::max<qint64>(0, n.fetchedAtMs / 1000 - s->dcsLastSeen))});
            QStringList senders;
            for (const auto &w : s->replication)
                senders.append(QStringLiteral("%1 %2 (%3)").arg(w.applicationName, w.state, w.syncState));
            rows.append({tr("walsenders"), senders.join(QStringLiteral(", "))});
        } else {
            rows.append({tr("/patroni"), n.error});
        }
    }
    for (auto it = m_metrics.cbegin(); it != m_metrics.cend(); ++it)
        if (it.key().startsWith(m.name + QLatin1Char(' ')))
            appendMetrics(rows, it.key(), it.value());
    return html(rows, m.name, QStringLiteral("Patroni %1 at %2").arg(m_cluster.sourceUrl,
                                                                     QDateTime::fromMSecsSinceEpoch(m_cluster.fetchedAtMs).toString(u"hh:mm:ss.zzz")));
}

// Edges are gathered as specifications and only turned into scene items when they differ
// from what is drawn: a refresh that changes nothing repaints nothing.
void TopologyView::commitEdges(const QList<EdgeSpec> &previous)
{
    if (m_edgeSpecs == previous && m_edges.size() >= m_edgeSpecs.size())
        return;
    for (auto *e : std::as_const(m_edges))
        delete e;
    m_edges.clear();
    for (const auto &spec : std::as_const(m_edgeSpecs)) {
        auto *item = m_scene->addPath(spec.path, spec.pen);
        item->setZValue(spec.z);
        m_edges.append(item);
        if (!spec.label.isEmpty()) {
            auto *text = m_scene->addSimpleText(spec.label);
            text->setBrush(spec.labelColor);
            text->setPos(spec.labelPos);
            m_edges.append(text);
        }
    }
}

void TopologyView::rebuild()
{
    const QList<EdgeSpec> previous = std::exchange(m_edgeSpecs, {});
    auto edge = [this](TopologyNode *a, TopologyNode *b, const QColor &color, bool dashed, const QString &label, qreal bend = 0) {
        QPointF p1 = a->pos() + QPointF(TopologyNode::kWidth / 2, 0);
        QPointF p2 = b->pos() - QPointF(TopologyNode::kWidth / 2, 0);
        QPainterPath path(p1);
        QPointF mid = (p1 + p2) / 2;
        if (bend != 0) {   // member ↔ member: an arc on the right of the column
            p1 = a->pos() + QPointF(TopologyNode::kWidth / 2, 0);
            p2 = b->pos() + QPointF(TopologyNode::kWidth / 2, 0);
            path = QPainterPath(p1);
            const QPointF control((p1.x() + bend), (p1.y() + p2.y()) / 2);
            path.quadTo(control, p2);
            mid = path.pointAtPercent(0.5);
        } else {
            path.lineTo(p2);
        }
        QPen pen(color, 2);
        if (dashed)
            pen.setStyle(Qt::DashLine);
        // Labels: beside an arc's middle; for straight edges just above where they arrive, in
        // the gap between two boxes of the target column, clear of the replication arcs' labels.
        m_edgeSpecs.append({path, pen, -1, label,
                            bend != 0 ? mid + QPointF(4, -8) : p2 + QPointF(-4, -TopologyNode::kHeight / 2 - 16),
                            color.darker(130)});
    };

    const auto &members = m_cluster.members;
    if (!m_placeholder) {
        m_placeholder = m_scene->addSimpleText({});
        m_placeholder->setBrush(QColor(0x75, 0x75, 0x75));
        QFont f = m_placeholder->font();
        f.setPointSizeF(f.pointSizeF() * 1.3);
        m_placeholder->setFont(f);
    }
    m_placeholder->setText(members.isEmpty() ? m_placeholderText : QString());
    m_placeholder->setPos(at(Poolers, 0) - QPointF(m_placeholder->boundingRect().width() / 2, 0));
    m_placeholder->setVisible(members.isEmpty());
    const qreal lastRow = std::max<qreal>(members.size() - 1, 1);
    QSet<QString> live;

    auto *client = ensureNode(QStringLiteral("client"));
    client->setPos(at(Clients, lastRow / 2));
    client->setLook(TopologyNode::Shape::Client, QColor(0x60, 0x7d, 0x8b), false, false);
    client->setText(tr("clients"), tr("psql, pgbench, apps"));
    live.insert(client->id());

    const QString roProxy = readOnlyProxy(m_haproxy, m_rwProxy);
    const bool haveHaproxy = !m_haproxy.rows.isEmpty();
    TopologyNode *rw = nullptr, *ro = nullptr;
    if (haveHaproxy) {
        rw = ensureNode(QStringLiteral("haproxy:rw"));
        ro = ensureNode(QStringLiteral("haproxy:ro"));
        rw->setPos(at(Haproxy, lastRow / 2 - 0.6));
        ro->setPos(at(Haproxy, lastRow / 2 + 0.6));
        for (auto [node, proxy, title] : {std::tuple{rw, m_rwProxy, tr("HAProxy read-write")},
                                          std::tuple{ro, roProxy, tr("HAProxy read-only")}}) {
            QStringList up;
            QList<std::pair<QString, QString>> rows;
            for (const auto &r : m_haproxy.servers(proxy)) {
                if (r.isUp())
                    up.append(r.name);
                rows.append({r.name, QStringLiteral("%1 · check %2 %3 in %4 ms · %5 s since change · %6 sessions")
                                             .arg(r.status, r.checkStatus).arg(r.checkCode).arg(r.checkDurationMs)
                                             .arg(r.lastChangeSec).arg(r.currentSessions)});
            }
            node->setLook(TopologyNode::Shape::Pill, up.isEmpty() ? healthColor(false) : QColor(0x37, 0x47, 0x4f), false, false);
            node->setText(title, up.isEmpty() ? tr("no server UP") : tr("→ %1").arg(up.join(QStringLiteral(", "))));
            node->setDetails(html(rows, title + QStringLiteral(" (") + proxy + QLatin1Char(')'), tr("HAProxy stats CSV")));
            edge(client, node, kEdge, false, {});
            live.insert(node->id());
        }
    }

    const auto *leader = m_cluster.leader();
    for (int i = 0; i < members.size(); ++i) {
        const auto &m = members[i];
        auto *node = ensureNode(QStringLiteral("member:") + m.name);
        node->setPos(at(Members, i));
        const bool down = m.state != u"running" && m.state != u"streaming";
        TopologyNode::Shape shape = TopologyNode::Shape::Rounded;
        if (m.isLeader())
            shape = TopologyNode::Shape::Hexagon;
        else if (m.role == svc::MemberRole::SyncStandby || m.role == svc::MemberRole::QuorumStandby)
            shape = TopologyNode::Shape::Pill;
        node->setLook(shape, down ? QColor(0x9e, 0x9e, 0x9e) : roleColor(m.role), m.isLeader(), down);
        node->setText(QStringLiteral("%1 · %2").arg(m.name, models::roleText(m)),
                      QStringLiteral("%1 · TL %2").arg(m.state, models::timelineText(m)));
        node->setDetails(memberDetails(m));
        live.insert(node->id());

        // PgBouncer beside the node, then the HAProxy edges to it with that server's state.
        auto *pooler = ensureNode(QStringLiteral("pgbouncer:") + m.name);
        pooler->setPos(at(Poolers, i));
        pooler->setLook(TopologyNode::Shape::Cylinder, QColor(0x5d, 0x40, 0x37), false, false);
        // The pooler whose admin console says it points at this member's host:port.
        const svc::PgBouncerObservation *bouncer = nullptr;
        for (const auto &b : m_bouncers)
            if (b.target() == models::hostPortText(m))
                bouncer = &b;
        if (bouncer) {
            int active = 0, waiting = 0, servers = 0;
            QList<std::pair<QString, QString>> rows{{tr("target (SHOW DATABASES)"), bouncer->target()}};
            for (const auto &p : bouncer->pools) {
                active += p.clientsActive;
                waiting += p.clientsWaiting;
                servers += p.serversActive + p.serversIdle;
                rows.append({QStringLiteral("%1/%2").arg(p.database, p.user),
                             tr("%1 active, %2 waiting clients · %3 active, %4 idle servers · %5 mode")
                                     .arg(p.clientsActive).arg(p.clientsWaiting).arg(p.serversActive).arg(p.serversIdle).arg(p.poolMode)});
            }
            pooler->setText(bouncer->name, tr("→ %1 · %2 cl · %3 wait").arg(m.name).arg(active).arg(waiting));
            for (const auto &s : bouncer->stats)
                rows.append({tr("%1: transactions").arg(s.database),
                             tr("%1 total · %2/s · avg %3 ms (wait %4 ms)")
                                     .arg(s.totalXacts).arg(s.avgXactsPerSecond)
                                     .arg(s.avgXactUs / 1000.0, 0, 'f', 2).arg(s.avgWaitUs / 1000.0, 0, 'f', 2)});
            QStringList connections;
            for (const auto &s : bouncer->servers)
                connections.append(QStringLiteral("%1@%2:%3 %4").arg(s.user, s.address).arg(s.port).arg(s.state));
            rows.append({tr("server connections"), connections.isEmpty() ? tr("none open") : connections.join(QStringLiteral(", "))});
            pooler->setDetails(html(rows, bouncer->name, tr("PgBouncer admin console (SHOW DATABASES, POOLS, STATS, SERVERS)")));
            pooler->setLook(TopologyNode::Shape::Cylinder, waiting > 0 ? pendingColor() : QColor(0x5d, 0x40, 0x37), false, false);
        } else {
            pooler->setText(tr("PgBouncer"), tr("→ %1 only").arg(m.name));
            pooler->setDetails(html({{tr("pools for"), m.name}, {tr("PostgreSQL"), models::hostPortText(m)}}, tr("PgBouncer beside %1").arg(m.name),
                                    tr("the lab's topology (one pooler per node); no admin console answered")));
        }
        live.insert(pooler->id());
        edge(pooler, node, kEdge, false, {});
        if (haveHaproxy)
            for (auto [front, proxy] : {std::pair{rw, m_rwProxy}, std::pair{ro, roProxy}}) {
                const auto *srv = m_haproxy.find(proxy, m.name);
                if (!srv)
                    continue;
                // DOWN is the normal state of most of these edges (a replica fails /primary): a
                // dashed line says it; the reason is in the HAProxy node's details.
                edge(front, pooler, srv->isUp() ? healthColor(true) : kEdgeOff, !srv->isUp(), {});
            }
    }
    QHash<QString, QString> memberByHostPort;
    for (const auto &m : members)
        memberByHostPort.insert(models::hostPortText(m), m.name);
    addPgpools(members.size() + 0.15, memberByHostPort);
    for (const auto &p : m_pgpools)
        live.insert(QStringLiteral("pgpool:") + p.name);

    // Replication: leader → each replica, labelled with the lag.
    int leaderRow = 0;
    for (int i = 0; i < members.size(); ++i)
        if (members[i].isLeader())
            leaderRow = i;
    if (leader)
        for (int i = 0; i < members.size(); ++i) {
            const auto &m = members[i];
            if (m.isLeader())
                continue;
            auto *from = m_nodes.value(QStringLiteral("member:") + leader->name);
            auto *to = m_nodes.value(QStringLiteral("member:") + m.name);
            const bool behind = m.lag.kind == svc::MemberLag::Kind::Bytes && m.lag.bytes > 1024 * 1024;
            edge(from, to, m.lag.kind == svc::MemberLag::Kind::Unknown ? kEdgeOff : behind ? pendingColor() : roleColor(m.role),
                 m.lag.kind != svc::MemberLag::Kind::Bytes, tr("lag %1").arg(models::lagText(m)), 60 + 25 * std::abs(i - leaderRow));
        }

    // etcd: each member, the raft leader emphasised; the leader key held by Patroni's leader.
    auto em = m_etcd.members.members;
    std::sort(em.begin(), em.end(), [](const svc::EtcdMember &a, const svc::EtcdMember &b) { return a.name < b.name; });
    for (int i = 0; i < em.size(); ++i) {
        auto *node = ensureNode(QStringLiteral("etcd:") + em[i].name);
        node->setPos(at(Etcd, i * lastRow / std::max<qreal>(em.size() - 1, 1)) + QPointF(110, 0));
        const bool isLeader = em[i].name == m_etcd.leaderName;
        const svc::EtcdStatus *st = nullptr;
        for (const auto &s : m_etcd.statusByEndpoint)
            if (s.memberId == em[i].id)
                st = &s;
        node->setLook(TopologyNode::Shape::Rounded, st ? QColor(0x41, 0x69, 0xe1).darker(isLeader ? 110 : 140) : QColor(0x9e, 0x9e, 0x9e),
                      isLeader, !st);
        node->setText(QStringLiteral("%1%2").arg(em[i].name, isLeader ? tr(" · raft leader") : QString()),
                      st ? tr("term %1 · index %2").arg(st->raftTerm).arg(st->raftIndex) : tr("no status"));
        QList<std::pair<QString, QString>> rows{{tr("member id"), em[i].id},
                                                {tr("client URLs"), em[i].clientUrls.join(QStringLiteral(", "))},
                                                {tr("version"), st ? st->version : QString()},
                                                {tr("raft term / index"), st ? QStringLiteral("%1 / %2").arg(st->raftTerm).arg(st->raftIndex) : QString()},
                                                {tr("db size"), st ? models::bytesText(st->dbSize) : QString()},
                                                {tr("alarms"), st ? st->errors.join(QStringLiteral(", ")) : QString()}};
        // Its /metrics, scraped under the endpoint's label (the member name, or host:port).
        for (auto it = m_metrics.cbegin(); it != m_metrics.cend(); ++it)
            if (it->origin == svc::MetricsDigest::Origin::Etcd
                && (it.key() == em[i].name || std::any_of(em[i].clientUrls.cbegin(), em[i].clientUrls.cend(),
                                                          [&](const QString &u) { return u.endsWith(it.key()); })))
                appendMetrics(rows, tr("metrics"), it.value());
        node->setDetails(html(rows, em[i].name, tr("etcd maintenance/status and /metrics")));
        live.insert(node->id());
        if (isLeader && leader)
            for (const auto &scope : m_etcd.scopes)
                if (scope.leader == leader->name)
                    edge(m_nodes.value(QStringLiteral("member:") + leader->name), node, QColor(0xff, 0xc1, 0x07), true,
                         tr("leader key %1").arg(scope.scope));
    }

    for (auto it = m_nodes.begin(); it != m_nodes.end();) {   // members that left
        if (!live.contains(it.key())) {
            delete it.value();
            it = m_nodes.erase(it);
        } else {
            ++it;
        }
    }
    // The open details follow the data.
    if (const auto *selected = m_nodes.value(m_selected); selected && selected->details() != m_selectedDetails) {
        m_selectedDetails = selected->details();
        emit nodeSelected(m_selected, m_selectedDetails);
    }
    commitEdges(previous);
    const QRectF rect = m_scene->itemsBoundingRect().adjusted(-20, -20, 20, 20);
    if (rect != m_scene->sceneRect()) {   // refitting repaints everything: only when it moved
        m_scene->setSceneRect(rect);
        fitInView(rect, Qt::KeepAspectRatio);
    }
}

} // namespace pgha::views

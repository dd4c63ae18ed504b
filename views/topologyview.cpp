#include "topologyview.h"

#include "detailshtml.h"
#include "rolecolors.h"
#include "topologynode.h"
#include "whenseen.h"

#include <QGraphicsPathItem>
#include <QGraphicsSimpleTextItem>
#include <QPainterPath>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <utility>

namespace pgha::views {

using models::TopologyEdgeSpec;
using models::TopologyNodeSpec;

namespace {

constexpr qreal kColumn = 210;     // x distance between the columns of the diagram
constexpr qreal kRow = 86;         // y distance between members
constexpr qreal kFrontOffsetRows = 0.6;     // HAProxy read-write above the middle, read-only below
constexpr qreal kPgpoolGapRows = 0.15;      // Pgpool-II below the last PgBouncer
constexpr qreal kEtcdShift = 110;           // etcd a little right of its column, clear of the arcs
constexpr qreal kArcBend = 60;              // replication arcs bend this far right …
constexpr qreal kArcBendPerRow = 25;        // … and further per row between leader and replica
const QColor kEdge(0x90, 0xa4, 0xae);
const QColor kEdgeOff(0xcf, 0xd8, 0xdc);
const QColor kLeaderKey(0xff, 0xc1, 0x07);

// Poolers no client path goes through stand in their own column right of the members, so no
// line from HAProxy seems to pass through them; etcd moves one column right then.
enum Column { Clients, Haproxy, Poolers, Members, Beside, Etcd };


struct Look {
    TopologyNode::Shape shape;
    QColor fill;
    bool dashed;
};

// Shape and colour by what a node is and its state: leader, sync standby and replicas differ in
// shape; what is down is grey and dashed.
Look lookOf(const TopologyNodeSpec &n)
{
    using Kind = TopologyNodeSpec::Kind;
    using State = TopologyNodeSpec::State;
    const QColor grey(0x9e, 0x9e, 0x9e);
    switch (n.kind) {
    case Kind::Client: return {TopologyNode::Shape::Client, QColor(0x60, 0x7d, 0x8b), false};
    case Kind::HaproxyFront: return {TopologyNode::Shape::Pill, n.state == State::Down ? healthColor(false) : QColor(0x37, 0x47, 0x4f), false};
    case Kind::PgBouncer: return {TopologyNode::Shape::Cylinder, n.state == State::Warning ? pendingColor() : QColor(0x5d, 0x40, 0x37), false};
    case Kind::Pgpool: return {TopologyNode::Shape::Pill, n.state == State::Down ? healthColor(false) : QColor(0x4e, 0x34, 0x2e), false};
    case Kind::Etcd:
        return {TopologyNode::Shape::Rounded, n.state == State::Unknown ? grey : QColor(0x41, 0x69, 0xe1).darker(n.emphasised ? 110 : 140),
                n.state == State::Unknown};
    case Kind::Member: break;
    }
    TopologyNode::Shape shape = TopologyNode::Shape::Rounded;
    if (n.role == svc::MemberRole::Leader || n.role == svc::MemberRole::StandbyLeader)
        shape = TopologyNode::Shape::Hexagon;
    else if (n.role == svc::MemberRole::SyncStandby || n.role == svc::MemberRole::QuorumStandby)
        shape = TopologyNode::Shape::Pill;
    const bool down = n.state == State::Down;
    return {shape, down ? grey : roleColor(n.role), down};
}

} // namespace

// Where each node goes: members one per row, each PgBouncer beside its member, the clients and
// HAProxy fronts centred on the members, Pgpool-II below the PgBouncers, etcd spread over the rows.
struct TopologyView::Layout {
    QHash<QString, QPointF> pos;
    QHash<QString, int> memberRow;   // by node id
    int leaderRow = 0;

    explicit Layout(const models::Topology &t)
    {
        using Kind = TopologyNodeSpec::Kind;
        auto count = [&t](Kind k) {
            return static_cast<int>(std::count_if(t.nodes.cbegin(), t.nodes.cend(), [k](const auto &n) { return n.kind == k; }));
        };
        const int members = count(Kind::Member), etcds = count(Kind::Etcd);
        // Columns nobody stands in are left out: no gap where no pooler is in front.
        const bool besideColumn = std::any_of(t.nodes.cbegin(), t.nodes.cend(), [](const auto &n) { return n.offPath; });
        const bool poolersColumn = std::any_of(t.nodes.cbegin(), t.nodes.cend(), [](const auto &n) {
            return (n.kind == Kind::PgBouncer && !n.offPath) || n.kind == Kind::Pgpool;
        });
        auto at = [besideColumn, poolersColumn](Column c, qreal row) {
            int column = static_cast<int>(c);
            column -= !poolersColumn && c > Poolers ? 1 : 0;
            column -= !besideColumn && c > Beside ? 1 : 0;
            return QPointF(column * kColumn, row * kRow);
        };
        const qreal lastRow = std::max<qreal>(members - 1, 1);
        int fronts = 0, pgpools = 0, etcd = 0;
        QHash<QString, int> rowOfMember;   // by member name
        for (const auto &n : t.nodes) {
            switch (n.kind) {
            case Kind::Client: pos.insert(n.id, at(Clients, lastRow / 2)); break;
            case Kind::HaproxyFront: pos.insert(n.id, at(Haproxy, lastRow / 2 + (fronts++ == 0 ? -kFrontOffsetRows : kFrontOffsetRows))); break;
            case Kind::Member: {
                const int row = static_cast<int>(rowOfMember.size());
                rowOfMember.insert(n.member, row);
                memberRow.insert(n.id, row);
                if (n.role == svc::MemberRole::Leader || n.role == svc::MemberRole::StandbyLeader)
                    leaderRow = row;
                pos.insert(n.id, at(Members, row));
                break;
            }
            case Kind::PgBouncer:
                pos.insert(n.id, n.offPath ? at(Beside, rowOfMember.value(n.member)) + QPointF(kEtcdShift, 0)
                                           : at(Poolers, rowOfMember.value(n.member)));
                break;
            case Kind::Pgpool: pos.insert(n.id, at(Poolers, members + kPgpoolGapRows + pgpools++)); break;
            case Kind::Etcd: pos.insert(n.id, at(Etcd, etcd++ * lastRow / std::max<qreal>(etcds - 1, 1)) + QPointF(kEtcdShift, 0)); break;
            }
        }
    }
};

TopologyView::TopologyView(QWidget *parent)
    : QGraphicsView(parent), m_scene(new QGraphicsScene(this)), m_whenSeen(new WhenSeen(this, [this] {
          if (!m_rebuildTimer.isActive())
              m_rebuildTimer.start();
      }))
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

void TopologyView::scheduleRebuild()
{
    m_whenSeen->request();   // nobody sees it (another tab, the window minimised): once it shows
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

void TopologyView::showPlaceholder(bool empty)
{
    if (!m_placeholder) {
        m_placeholder = m_scene->addSimpleText({});
        m_placeholder->setBrush(QColor(0x75, 0x75, 0x75));
        QFont f = m_placeholder->font();
        f.setPointSizeF(f.pointSizeF() * 1.3);
        m_placeholder->setFont(f);
    }
    m_placeholder->setText(empty ? m_placeholderText : QString());
    m_placeholder->setPos(QPointF(static_cast<int>(Poolers) * kColumn, 0) - QPointF(m_placeholder->boundingRect().width() / 2, 0));
    m_placeholder->setVisible(empty);
}

// One edge of the description as a path and a pen: straight from one column to the next, an
// arc on the right of the members' column between two members, a curve from Pgpool-II.
void TopologyView::addEdge(const models::Topology &topology, const TopologyEdgeSpec &e, const Layout &layout)
{
    const auto *a = m_nodes.value(e.from), *b = m_nodes.value(e.to);
    if (!a || !b)
        return;
    using Kind = TopologyEdgeSpec::Kind;
    using State = TopologyEdgeSpec::State;
    const QPointF half(TopologyNode::kWidth / 2, 0);
    if (e.kind == Kind::PgpoolBackend) {   // solid to where it sends writes, dotted to standbys, grey to detached ones
        QPen pen(e.state == State::Carrying ? healthColor(true) : e.state == State::Standby ? kEdge : kEdgeOff, 1.5);
        if (e.state != State::Carrying)
            pen.setStyle(Qt::DotLine);
        QPainterPath path(a->pos() + half);
        const QPointF end = b->pos() - half;
        path.cubicTo(path.currentPosition() + QPointF(kColumn * 0.35, 0), end - QPointF(kColumn * 0.35, 0), end);
        m_edgeSpecs.append({path, pen, -2, {}, {}, {}});
        return;
    }
    QColor color = kEdge;
    bool dashed = false;
    switch (e.kind) {
    case Kind::Access:
    case Kind::Pool:
    case Kind::PgpoolBackend: break;
    case Kind::Route:   // DOWN is the normal state of most (a replica fails /primary): dashed says it
        color = e.state == State::Carrying ? healthColor(true) : kEdgeOff;
        dashed = e.state != State::Carrying;
        break;
    case Kind::Replication: {
        const auto *target = topology.node(e.to);
        color = e.state == State::Unknown ? kEdgeOff : e.state == State::Behind ? pendingColor() : roleColor(target ? target->role : svc::MemberRole::Unknown);
        dashed = e.state == State::Unknown || e.state == State::Unmeasured;
        break;
    }
    case Kind::LeaderKey:
        color = kLeaderKey;
        dashed = true;
        break;
    }
    QPen pen(color, 2);
    if (dashed)
        pen.setStyle(Qt::DashLine);
    if (e.kind == Kind::Replication) {   // member ↔ member: an arc on the right of the column
        const qreal bend = kArcBend + kArcBendPerRow * std::abs(layout.memberRow.value(e.to) - layout.leaderRow);
        const QPointF p1 = a->pos() + half, p2 = b->pos() + half;
        QPainterPath path(p1);
        path.quadTo(QPointF(p1.x() + bend, (p1.y() + p2.y()) / 2), p2);
        m_edgeSpecs.append({path, pen, -1, e.label, path.pointAtPercent(0.5) + QPointF(4, -8), color.darker(130)});
        return;
    }
    // Labels of straight edges: just above where they arrive, in the gap between two boxes of
    // the target column, clear of the replication arcs' labels.
    // Left to right as a rule; a pooler beside its member (right of it) points back left.
    const bool leftwards = a->pos().x() > b->pos().x();
    const QPointF p2 = leftwards ? b->pos() + half : b->pos() - half;
    QPainterPath path(leftwards ? a->pos() - half : a->pos() + half);
    path.lineTo(p2);
    m_edgeSpecs.append({path, pen, -1, e.label, p2 + QPointF(-4, -TopologyNode::kHeight / 2 - 16), color.darker(130)});
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

void TopologyView::setLeaderKey(const models::LeaderKeyClock &key)
{
    const QString shown = key.holder + QLatin1Char('\n') + key.text();
    if (shown == m_leaderKeyShown)
        return;
    m_leaderKeyShown = shown;
    m_model.setLeaderKey(key);
    scheduleRebuild();
}

void TopologyView::rebuild()
{
    const models::Topology topology = m_model.topology();
    const Layout layout(topology);
    showPlaceholder(layout.memberRow.isEmpty());
    QSet<QString> live;
    for (const auto &spec : topology.nodes) {
        auto *node = ensureNode(spec.id);
        node->setPos(layout.pos.value(spec.id));
        const Look look = lookOf(spec);
        node->setLook(look.shape, look.fill, spec.emphasised, look.dashed);
        node->setText(spec.title, spec.subtitle);
        node->setNote(spec.note, spec.noteAlarm);
        node->setDetails(spec.detailsTitle.isEmpty() ? QString() : detailsHtml(spec.details, spec.detailsTitle, spec.detailsSource));
        live.insert(spec.id);
    }
    for (auto it = m_nodes.begin(); it != m_nodes.end();) {   // members that left
        if (!live.contains(it.key())) {
            delete it.value();
            it = m_nodes.erase(it);
        } else {
            ++it;
        }
    }
    const QList<EdgeSpec> previous = std::exchange(m_edgeSpecs, {});
    for (const auto &e : topology.edges)
        addEdge(topology, e, layout);
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

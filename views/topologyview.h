#pragma once

#include "topologymodel.h"

#include <QGraphicsView>
#include <QHash>
#include <QPainterPath>
#include <QPen>
#include <QTimer>

class QTextBrowser;

namespace pgha::views {

class TopologyNode;
class WhenSeen;

// The data path as a diagram, left to right: clients → HAProxy read-write / read-only →
// each node's PgBouncer → PostgreSQL members → etcd. Leader, sync standby and replicas differ
// in shape and colour; replication edges carry the lag; HAProxy's edges show each server's
// state in that proxy; the etcd leader is marked. Items are updated in place (a short colour
// transition when a role changes); clicking one shows everything known about it. What is
// shown comes from models::TopologyModel; this class places and paints it.
class TopologyView : public QGraphicsView {
    Q_OBJECT
public:
    explicit TopologyView(QWidget *parent = nullptr);

    // The sources' last answers, handed to the model; one redraw for all that arrive in the
    // same turn of the event loop.
    void setCluster(const svc::ClusterSnapshot &snapshot) { m_model.setCluster(snapshot); scheduleRebuild(); }
    void setHaproxy(const svc::HaproxyStats &stats) { m_model.setHaproxy(stats); scheduleRebuild(); }
    void setEtcd(const svc::EtcdSnapshot &etcd) { m_model.setEtcd(etcd); scheduleRebuild(); }
    void setPgBouncers(const QMap<QString, svc::PgBouncerObservation> &bouncers) { m_model.setPgBouncers(bouncers); scheduleRebuild(); }
    void setPatroniNodes(const QList<svc::PatroniNodeReport> &nodes) { m_model.setPatroniNodes(nodes); scheduleRebuild(); }
    void setPgpools(const QMap<QString, svc::PgpoolObservation> &pgpools) { m_model.setPgpools(pgpools); scheduleRebuild(); }
    void setMetrics(const QMap<QString, svc::MetricsDigest> &metrics) { m_model.setMetrics(metrics); scheduleRebuild(); }
    void setLayout(const models::ClusterLayout &layout) { m_model.setLayout(layout); scheduleRebuild(); }
    void setUnreachable(const QMap<QString, models::MemberReachability::Down> &down) { m_model.setUnreachable(down); scheduleRebuild(); }
    // Redrawn only when what it says changed (the countdown: every tenth of a second).
    void setLeaderKey(const models::LeaderKeyClock &key);
    // What the diagram shows, as data (nodes, edges, states, labels, detail rows).
    const models::TopologyModel &model() const { return m_model; }
    // Shown instead of the diagram while no member is known (why it is empty).
    void setPlaceholder(const QString &text);
    QString placeholder() const { return m_placeholderText; }

    // For tests: the node shown for a member, etcd member or HAProxy frontend.
    TopologyNode *node(const QString &id) const { return m_nodes.value(id); }

signals:
    void nodeSelected(const QString &id, const QString &detailsHtml);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void rebuild();
    void scheduleRebuild();
    struct EdgeSpec {
        QPainterPath path;
        QPen pen;
        qreal z = -1;
        QString label;
        QPointF labelPos;
        QColor labelColor;
        bool operator==(const EdgeSpec &o) const
        {
            return path == o.path && pen == o.pen && z == o.z && label == o.label && labelPos == o.labelPos
                    && labelColor == o.labelColor;
        }
    };
    struct Layout;
    void commitEdges(const QList<EdgeSpec> &previous);
    void addEdge(const models::Topology &topology, const models::TopologyEdgeSpec &edge, const Layout &layout);
    void showPlaceholder(bool empty);
    TopologyNode *ensureNode(const QString &id);

    QGraphicsScene *m_scene;
    QHash<QString, TopologyNode *> m_nodes;
    QList<QGraphicsItem *> m_edges;       // the scene items drawn for m_edgeSpecs
    QList<EdgeSpec> m_edgeSpecs;
    models::TopologyModel m_model;
    QString m_selected;          // the node whose details are open
    QString m_selectedDetails;
    QString m_placeholderText;
    QGraphicsSimpleTextItem *m_placeholder = nullptr;
    QTimer m_rebuildTimer;
    QString m_leaderKeyShown;   // holder and text of the last setLeaderKey
    WhenSeen *m_whenSeen;       // one rebuild per turn of the event loop, while seen
};

} // namespace pgha::views

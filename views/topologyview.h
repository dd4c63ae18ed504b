#pragma once

#include "etcd/etcdpoller.h"
#include "metrics/metricsdigest.h"
#include "haproxy/haproxystats.h"
#include "pg/pgbouncerobservation.h"
#include "pg/pgpoolobservation.h"

#include <QMap>
#include "patroni/patronitypes.h"

#include <QGraphicsView>
#include <QPainterPath>
#include <QPen>
#include <QHash>
#include <QTimer>

class QTextBrowser;

namespace pgha::views {

class TopologyNode;

// The data path as a diagram, left to right: clients → HAProxy read-write / read-only →
// each node's PgBouncer → PostgreSQL members → etcd. Leader, sync standby and replicas differ
// in shape and colour; replication edges carry the lag; HAProxy's edges show each server's
// state in that proxy; the etcd leader is marked. Items are updated in place (a short colour
// transition when a role changes); clicking one shows everything known about it.
class TopologyView : public QGraphicsView {
    Q_OBJECT
public:
    explicit TopologyView(QWidget *parent = nullptr);

    void setCluster(const svc::ClusterSnapshot &snapshot);
    void setHaproxy(const svc::HaproxyStats &stats);
    void setEtcd(const svc::EtcdSnapshot &etcd);
    void setPgBouncers(const QMap<QString, svc::PgBouncerObservation> &bouncers);
    void setPatroniNodes(const QList<svc::PatroniNodeReport> &nodes);
    void setPgpools(const QMap<QString, svc::PgpoolObservation> &pgpools);
    void setMetrics(const QMap<QString, svc::MetricsDigest> &metrics);
    void setReadWriteProxy(const QString &proxy) { m_rwProxy = proxy; }
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
    void commitEdges(const QList<EdgeSpec> &previous);
    void addPgpools(qreal firstRow, const QHash<QString, QString> &memberByHostPort);
    TopologyNode *ensureNode(const QString &id);
    QString memberDetails(const svc::PatroniMember &m) const;

    QGraphicsScene *m_scene;
    QHash<QString, TopologyNode *> m_nodes;
    QList<QGraphicsItem *> m_edges;       // the scene items drawn for m_edgeSpecs
    QList<EdgeSpec> m_edgeSpecs;
    svc::ClusterSnapshot m_cluster;
    svc::HaproxyStats m_haproxy;
    svc::EtcdSnapshot m_etcd;
    QMap<QString, svc::PgBouncerObservation> m_bouncers;
    QList<svc::PatroniNodeReport> m_patroniNodes;
    QMap<QString, svc::PgpoolObservation> m_pgpools;
    QMap<QString, svc::MetricsDigest> m_metrics;
    QString m_selected;          // the node whose details are open
    QString m_selectedDetails;
    QString m_rwProxy = QStringLiteral("read_write");
    QString m_placeholderText;
    QGraphicsSimpleTextItem *m_placeholder = nullptr;
    QTimer m_rebuildTimer;
};

} // namespace pgha::views

#pragma once

#include "patroni/patronitypes.h"

#include <QAbstractTableModel>

namespace pgha::models {

// The cluster's members as a table (one row per member), updated in place from each snapshot
// so selections and scroll positions survive a refresh.
class ClusterModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Role, State, HostPort, Timeline, Lag, ColumnCount };
    enum DataRole { MemberRoleRole = Qt::UserRole + 1, IsLeaderRole, LagBytesRole, StaleRole };

    explicit ClusterModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setSnapshot(const svc::ClusterSnapshot &snapshot);
    void clear();
    // No source answered: keep the last good data, shown as stale (greyed, with its age).
    void setStale(bool stale);
    bool isStale() const { return m_stale; }
    const svc::ClusterSnapshot &snapshot() const { return m_snapshot; }
    int leaderCount() const { return m_snapshot.leaderCount(); }

signals:
    void leaderChanged(const QString &oldLeader, const QString &newLeader);

private:
    svc::ClusterSnapshot m_snapshot;
    bool m_stale = false;

signals:
    void staleChanged(bool stale);
};

} // namespace pgha::models

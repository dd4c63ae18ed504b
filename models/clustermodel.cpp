#include "clustermodel.h"

#include "memberformat.h"

#include <QDateTime>

namespace pgha::models {

ClusterModel::ClusterModel(QObject *parent) : QAbstractTableModel(parent) {}

int ClusterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_snapshot.members.size());
}

int ClusterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClusterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole && (section == Timeline || section == Lag))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Member");
    case Role: return tr("Role");
    case State: return tr("State");
    case HostPort: return tr("Host:port");
    case Timeline: return tr("TL");
    case Lag: return tr("Lag");
    default: return {};
    }
}

QVariant ClusterModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_snapshot.members.size())
        return {};
    const auto &m = m_snapshot.members.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return m.name;
        case Role: return roleText(m);
        case State: return m.state;
        case HostPort: return hostPortText(m);
        case Timeline: return timelineText(m);
        case Lag: return lagText(m);
        default: return {};
        }
    case Qt::ToolTipRole:
        return tr("%1 — %2, %3\nREST API: %4\nreported by %5 at %6%7")
                .arg(m.name, roleText(m), m.state, m.apiUrl, m_snapshot.sourceUrl,
                     QDateTime::fromMSecsSinceEpoch(m_snapshot.fetchedAtMs).toString(QStringLiteral("hh:mm:ss.zzz")),
                     m_stale ? tr("\nSTALE: no Patroni REST API has answered since") : QString());
    case StaleRole: return m_stale;
    case Qt::TextAlignmentRole:
        if (index.column() == Timeline || index.column() == Lag)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case MemberRoleRole: return static_cast<int>(m.role);
    case IsLeaderRole: return m.isLeader();
    case LagBytesRole: return m.lag.kind == svc::MemberLag::Kind::Bytes ? QVariant(m.lag.bytes) : QVariant();
    default: return {};
    }
}

void ClusterModel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit staleChanged(stale);
}

void ClusterModel::setSnapshot(const svc::ClusterSnapshot &snapshot)
{
    setStale(false);
    const auto *oldLeader = m_snapshot.leader();
    const QString before = oldLeader ? oldLeader->name : QString();
    const auto &oldMembers = m_snapshot.members;
    const auto &newMembers = snapshot.members;

    // Same member list in the same order (the usual case): update cells in place.
    bool sameRows = oldMembers.size() == newMembers.size();
    for (int i = 0; sameRows && i < newMembers.size(); ++i)
        sameRows = oldMembers[i].name == newMembers[i].name;
    if (sameRows) {
        m_snapshot = snapshot;
        if (!newMembers.isEmpty())
            emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_snapshot = snapshot;
        endResetModel();
    }
    const auto *newLeader = m_snapshot.leader();
    const QString after = newLeader ? newLeader->name : QString();
    if (before != after)
        emit leaderChanged(before, after);
}

void ClusterModel::clear()
{
    beginResetModel();
    m_stale = false;
    m_snapshot = {};
    endResetModel();
}

} // namespace pgha::models

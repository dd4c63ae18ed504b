#include "labprogressmodel.h"

namespace pgha::models {

LabProgressModel::LabProgressModel(QObject *parent) : QAbstractListModel(parent) {}

int LabProgressModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant LabProgressModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const auto &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        // The state is the dot's colour; the text says what the component is doing.
        return QStringLiteral("%1 — %2").arg(r.name, r.detail.isEmpty() ? svc::LabComponentStatus::stateName(r.state) : r.detail);
    case Qt::ToolTipRole:
        return r.detail.isEmpty() ? QStringLiteral("%1: %2").arg(r.name, svc::LabComponentStatus::stateName(r.state))
                                  : QStringLiteral("%1: %2 — %3").arg(r.name, svc::LabComponentStatus::stateName(r.state), r.detail);
    case StateRole: return static_cast<int>(r.state);
    case KindRole: return static_cast<int>(r.kind);
    case DetailRole: return r.detail;
    case NameRole: return r.name;
    case DetailTextRole: return r.detail.isEmpty() ? svc::LabComponentStatus::stateName(r.state) : r.detail;
    default: return {};
    }
}

void LabProgressModel::reset(const QList<svc::LabComponent> &components)
{
    beginResetModel();
    m_rows.clear();
    for (const auto &c : components)
        m_rows.append({c.name, c.kind, svc::LabComponentStatus::State::Pending, {}, 0});
    endResetModel();
    setStage({}, 0);
    setBreakdown({}, false);
}

void LabProgressModel::update(const svc::LabComponentStatus &status)
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].name == status.name) {
            if (m_rows[i] == status)
                return;   // the lab is re-read every 2 s: repaint only what changed
            m_rows[i] = status;
            emit dataChanged(index(i), index(i));
            return;
        }
    beginInsertRows({}, rowCount(), rowCount());
    m_rows.append(status);
    endInsertRows();
}

void LabProgressModel::setStage(const QString &text, int percent)
{
    if (text == m_stage && percent == m_percent)
        return;
    m_stage = text;
    m_percent = percent;
    emit stageChanged(text, percent);
}

void LabProgressModel::setBreakdown(const svc::LabStartBreakdown &breakdown, bool healthy)
{
    if (breakdown == m_breakdown && healthy == m_breakdownHealthy)
        return;
    m_breakdown = breakdown;
    m_breakdownHealthy = healthy;
    emit breakdownChanged();
}

} // namespace pgha::models

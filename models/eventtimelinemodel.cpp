#include "eventtimelinemodel.h"

#include "export/csv.h"
#include "core/utctime.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSaveFile>

namespace pgha::models {

EventTimelineModel::EventTimelineModel(QObject *parent) : QAbstractTableModel(parent) {}

int EventTimelineModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_events.size());
}

int EventTimelineModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Severity: return tr("Severity");
    case Source: return tr("Source");
    case Text: return tr("Event");
    default: return {};
    }
}

QVariant EventTimelineModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_events.size())
        return {};
    const auto &e = m_events.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time: return QDateTime::fromMSecsSinceEpoch(e.atMs).toString(QStringLiteral("hh:mm:ss.zzz"));
        case Severity: return ClusterEvent::severityName(e.severity);
        case Source: return e.source;
        case Text: return e.text;
        default: return {};
        }
    }
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1 · %2 · %3\n%4").arg(e.kind, e.source, e.subject, e.text);
    if (role == SeverityRole)
        return static_cast<int>(e.severity);
    if (role == SourceRole)
        return e.source;
    if (role == KindRole)
        return e.kind;
    return {};
}

void EventTimelineModel::append(const ClusterEvent &event)
{
    if (m_events.size() >= kMaxEvents) {
        beginRemoveRows({}, 0, 0);
        m_events.removeFirst();
        endRemoveRows();
    }
    beginInsertRows({}, rowCount(), rowCount());
    m_events.append(event);
    endInsertRows();
}

QByteArray EventTimelineModel::toCsv() const
{
    QByteArray out = svc::csvRecord({QStringLiteral("time"), QStringLiteral("severity"), QStringLiteral("source"), QStringLiteral("kind"),
                                     QStringLiteral("subject"), QStringLiteral("text")});
    for (const auto &e : m_events)
        out += svc::csvRecord({svc::utcFromMs(e.atMs).toString(Qt::ISODateWithMs),
                               ClusterEvent::severityName(e.severity), e.source, e.kind, e.subject, e.text});
    return out;
}

QByteArray EventTimelineModel::toJsonl() const
{
    QByteArray out;
    for (const auto &e : m_events)
        out += QJsonDocument(e.toJson()).toJson(QJsonDocument::Compact) + '\n';
    return out;
}

svc::Result<bool> EventTimelineModel::exportTo(const QString &path) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return svc::makeError(tr("cannot write %1: %2").arg(path, f.errorString()), tr("choose another folder"));
    f.write(path.endsWith(u".csv", Qt::CaseInsensitive) ? toCsv() : toJsonl());
    if (!f.commit())
        return svc::makeError(tr("cannot write %1: %2").arg(path, f.errorString()), tr("the previous file is unchanged"));
    return true;
}

} // namespace pgha::models

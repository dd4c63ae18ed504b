#pragma once

#include "clusterevent.h"
#include "core/result.h"

#include <QAbstractTableModel>

namespace pgha::models {

// Every event, oldest first, bounded. One clock: each event's atMs.
class EventTimelineModel : public QAbstractTableModel {
    Q_OBJECT
public:
    static constexpr int kMaxEvents = 20000;
    enum Column { Time, Severity, Source, Text, ColumnCount };
    enum DataRole { SeverityRole = Qt::UserRole + 1, SourceRole, KindRole };

    explicit EventTimelineModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void append(const ClusterEvent &event);
    const QList<ClusterEvent> &events() const { return m_events; }

    QByteArray toCsv() const;
    QByteArray toJsonl() const;
    // Atomic: the file is replaced only when the whole export is written.
    svc::Result<bool> exportTo(const QString &path) const;   // .csv or .jsonl by extension

private:
    QList<ClusterEvent> m_events;
};

} // namespace pgha::models

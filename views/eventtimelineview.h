#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace pgha::models {
class EventTimelineModel;
}

namespace pgha::views {

// The one event timeline: every source's events with millisecond time, filtered by source
// and by minimum severity, exportable as CSV or JSONL. Follows new events unless scrolled up.
class EventTimelineView : public QWidget {
    Q_OBJECT
public:
    EventTimelineView(models::EventTimelineModel *model, QWidget *parent = nullptr);

    void setSourceFilter(const QString &source);   // "" = all
    void setMinimumSeverity(int severity);         // ClusterEvent::Severity as int
    int visibleRows() const;
    QTableView *table() const { return m_table; }

private:
    void exportTimeline();

    models::EventTimelineModel *m_model;
    QSortFilterProxyModel *m_filter;
    QTableView *m_table;
    QComboBox *m_source;
    QComboBox *m_severity;
    QLabel *m_count;
};

} // namespace pgha::views

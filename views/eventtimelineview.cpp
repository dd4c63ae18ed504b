#include "eventtimelineview.h"

#include "savedialog.h"

#include "eventtimelinemodel.h"
#include "rolecolors.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

using Severity = models::ClusterEvent::Severity;

// Filters by source prefix ("patroni" matches "patroni" and "patroni:pg1") and severity, and
// colours rows by severity (colour is the view's business, not the model's).
class TimelineFilter : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    QString source;
    int minimumSeverity = 0;

    void refresh() { invalidateFilter(); }

    QVariant data(const QModelIndex &index, int role) const override
    {
        if (role == Qt::ForegroundRole) {
            const auto s = static_cast<Severity>(index.data(models::EventTimelineModel::SeverityRole).toInt());
            if (s == Severity::Error)
                return healthColor(false);
            if (s == Severity::Warning)
                return pendingColor();
            return {};
        }
        return QSortFilterProxyModel::data(index, role);
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex &parent) const override
    {
        const QModelIndex i = sourceModel()->index(row, 0, parent);
        if (i.data(models::EventTimelineModel::SeverityRole).toInt() < minimumSeverity)
            return false;
        if (source.isEmpty())
            return true;
        const QString s = i.data(models::EventTimelineModel::SourceRole).toString();
        return s == source || s.startsWith(source + QLatin1Char(':'));
    }
};

} // namespace

EventTimelineView::EventTimelineView(models::EventTimelineModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_filter(new TimelineFilter(this)), m_table(new QTableView(this)),
      m_source(new QComboBox(this)), m_severity(new QComboBox(this)), m_count(new QLabel(this))
{
    m_filter->setSourceModel(model);
    m_table->setModel(m_filter);
    m_table->setObjectName(QStringLiteral("eventTable"));
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->setShowGrid(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->setColumnWidth(models::EventTimelineModel::Time, 100);
    m_table->setColumnWidth(models::EventTimelineModel::Severity, 70);
    m_table->setColumnWidth(models::EventTimelineModel::Source, 130);

    m_source->addItem(tr("All sources"), QString());
    for (const char *s : {"patroni", "haproxy", "etcd", "lab", "profile", "action", "chaos"})
        m_source->addItem(QString::fromLatin1(s), QString::fromLatin1(s));
    m_severity->addItem(tr("All severities"), 0);
    m_severity->addItem(tr("Warnings and errors"), static_cast<int>(Severity::Warning));
    m_severity->addItem(tr("Errors only"), static_cast<int>(Severity::Error));
    auto *exportButton = new QPushButton(tr("Export…"), this);
    exportButton->setToolTip(tr("Save the whole timeline as CSV or JSONL"));

    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(new QLabel(tr("<b>Events</b>"), this));
    bar->addStretch(1);
    bar->addWidget(m_count);
    bar->addWidget(m_source);
    bar->addWidget(m_severity);
    bar->addWidget(exportButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    connect(m_source, &QComboBox::currentIndexChanged, this, [this] { setSourceFilter(m_source->currentData().toString()); });
    connect(m_severity, &QComboBox::currentIndexChanged, this, [this] { setMinimumSeverity(m_severity->currentData().toInt()); });
    connect(exportButton, &QPushButton::clicked, this, &EventTimelineView::exportTimeline);
    auto updateCount = [this] { m_count->setText(tr("%1 of %2").arg(m_filter->rowCount()).arg(m_model->rowCount())); };
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this, updateCount] {
        updateCount();
        QScrollBar *sb = m_table->verticalScrollBar();
        if (sb->value() >= sb->maximum() - 30)   // follow the newest unless the user scrolled up
            m_table->scrollToBottom();
    });
    connect(m_filter, &QAbstractItemModel::modelReset, this, updateCount);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, updateCount);
    updateCount();
}

void EventTimelineView::setSourceFilter(const QString &source)
{
    static_cast<TimelineFilter *>(m_filter)->source = source;
    static_cast<TimelineFilter *>(m_filter)->refresh();
    m_count->setText(tr("%1 of %2").arg(m_filter->rowCount()).arg(m_model->rowCount()));
}

void EventTimelineView::setMinimumSeverity(int severity)
{
    static_cast<TimelineFilter *>(m_filter)->minimumSeverity = severity;
    static_cast<TimelineFilter *>(m_filter)->refresh();
    m_count->setText(tr("%1 of %2").arg(m_filter->rowCount()).arg(m_model->rowCount()));
}

int EventTimelineView::visibleRows() const
{
    return m_filter->rowCount();
}

void EventTimelineView::exportTimeline()
{
    askSavePath(this, tr("Export the event timeline"), {tr("CSV (*.csv)"), tr("JSON lines (*.jsonl)")}, QStringLiteral("pgha-events"),
                [this](const QString &path) {
                    const auto r = m_model->exportTo(path);
                    m_count->setText(r.ok() ? tr("exported %1 events to %2").arg(m_model->rowCount()).arg(path) : r.error().toString());
                });
}

} // namespace pgha::views

#include "benchrunsview.h"

#include "benchrunsmodel.h"
#include "benchsummary.h"
#include "rolecolors.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
constexpr int kRowHeight = 20;
// Free-text columns start at most this wide (elided; the whole text on hover, and draggable).
constexpr int kMaxTextColumnPx = 120;

QTableWidgetItem *cell(const QString &text, bool right = true)
{
    auto *item = new QTableWidgetItem(text);
    item->setTextAlignment(right ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
    return item;
}

QString tpsText(double tps)
{
    return QString::number(tps, 'f', 1);
}
} // namespace

BenchRunsView::BenchRunsView(QWidget *parent)
    : QWidget(parent),
      m_model(new models::BenchRunsModel(this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_filter(new QLineEdit(this)),
      m_table(new QTableView(this)),
      m_summary(new QTableWidget(0, SumColumnCount, this)),
      m_status(new QLabel(this)),
      m_compare(new QPushButton(tr("Compare selected"), this))
{
    setObjectName(QStringLiteral("benchRunsView"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(models::BenchRunsModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("benchRunsFilter"));
    m_filter->setPlaceholderText(tr("Filter: label, target, workload, run id…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &BenchRunsView::setFilter);

    m_table->setObjectName(QStringLiteral("benchRunsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(models::BenchRunsModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(kRowHeight);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(models::BenchRunsModel::Label, QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(models::BenchRunsModel::Workload, QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(models::BenchRunsModel::Id, true);   // long; in the tooltip and the filter
    m_table->setToolTip(tr("Select runs (Ctrl/Shift) and press Compare selected; hover a run for its command line"));

    m_summary->setObjectName(QStringLiteral("benchSummaryTable"));
    m_summary->setHorizontalHeaderLabels({tr("Configuration"), tr("Runs"), tr("Median TPS"), tr("Mean ± 95 % CI"), tr("CV"),
                                          tr("p95 ms (median)")});
    m_summary->horizontalHeaderItem(SumCv)->setToolTip(tr("Coefficient of variation of the runs' TPS: above 5 % the runs disagree "
                                                          "more than a small difference can show"));
    m_summary->verticalHeader()->hide();
    m_summary->verticalHeader()->setDefaultSectionSize(kRowHeight);
    m_summary->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setSelectionMode(QAbstractItemView::NoSelection);
    m_summary->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_summary->horizontalHeader()->setSectionResizeMode(SumConfiguration, QHeaderView::Stretch);

    m_status->setObjectName(QStringLiteral("benchRunsStatus"));
    m_status->setStyleSheet(QStringLiteral("color: gray"));
    m_status->setWordWrap(true);
    m_compare->setObjectName(QStringLiteral("benchCompareSelected"));
    m_compare->setToolTip(tr("Median TPS per configuration with its 95 % interval, against a baseline (every shown run when none is selected)"));
    connect(m_compare, &QPushButton::clicked, this, [this] { emit compareRequested(selectedRuns()); });
    connect(m_table, &QTableView::activated, this, [this] { emit compareRequested(selectedRuns()); });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_compare);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(m_table);
    auto *summaryBox = new QWidget(split);
    auto *sv = new QVBoxLayout(summaryBox);
    sv->setContentsMargins(0, 4, 0, 0);
    sv->addWidget(new QLabel(tr("<b>Per configuration</b> (the runs shown above)"), summaryBox));
    sv->addWidget(m_summary, 1);
    split->addWidget(summaryBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addLayout(bar);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    setRuns({}, {});
}

void BenchRunsView::setRuns(const QList<svc::BenchResult> &runs, const QString &storePath, int skippedLines)
{
    m_model->setRuns(runs);
    for (int column : {models::BenchRunsModel::Label, models::BenchRunsModel::Workload}) {
        m_table->resizeColumnToContents(column);
        m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), kMaxTextColumnPx));
    }
    QString status = storePath.isEmpty() ? QString() : tr("%1 run(s) kept in %2").arg(runs.size()).arg(storePath);
    if (skippedLines > 0)
        status += tr(" · %1 unreadable line(s) skipped").arg(skippedLines);
    m_status->setStyleSheet(QStringLiteral("color: gray"));
    m_status->setText(status);
    m_compare->setEnabled(!runs.isEmpty());
    fillSummary();
}

void BenchRunsView::setStoreError(const QString &error)
{
    m_status->setText(error);
    m_status->setStyleSheet(QStringLiteral("color: %1").arg(healthColor(false).name()));
}

void BenchRunsView::setFilter(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);   // comes back here through textChanged
    m_proxy->setFilterFixedString(text);
    fillSummary();
}

QList<svc::BenchResult> BenchRunsView::selectedRuns() const
{
    QList<int> rows;
    const QModelIndexList selected = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &i : selected)
        rows.append(m_proxy->mapToSource(i).row());
    if (rows.isEmpty())
        for (int r = 0; r < m_proxy->rowCount(); ++r)
            rows.append(m_proxy->mapToSource(m_proxy->index(r, 0)).row());
    std::sort(rows.begin(), rows.end());
    QList<svc::BenchResult> out;
    for (int row : rows)
        if (const auto *r = m_model->run(row))
            out.append(*r);
    return out;
}

void BenchRunsView::selectRuns(const QStringList &ids)
{
    QItemSelection selection;
    for (const QString &id : ids) {
        const int row = m_model->rowOf(id);
        if (row < 0)
            continue;
        const QModelIndex first = m_proxy->mapFromSource(m_model->index(row, 0));
        if (first.isValid())
            selection.select(first, first.siblingAtColumn(models::BenchRunsModel::ColumnCount - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void BenchRunsView::fillSummary()
{
    QList<svc::BenchResult> shown;
    QList<int> rows;
    for (int r = 0; r < m_proxy->rowCount(); ++r)
        rows.append(m_proxy->mapToSource(m_proxy->index(r, 0)).row());
    std::sort(rows.begin(), rows.end());
    for (int row : rows)
        shown.append(*m_model->run(row));
    m_summaries = svc::summarizeByConfiguration(shown);
    m_summary->setRowCount(static_cast<int>(m_summaries.size()));
    for (int i = 0; i < m_summaries.size(); ++i) {
        const svc::BenchConfigurationSummary &s = m_summaries[i];
        const svc::SampleSummary &t = s.tps;
        auto *config = cell(s.text, false);
        config->setToolTip(s.key);
        m_summary->setItem(i, SumConfiguration, config);
        m_summary->setItem(i, SumRuns, cell(QString::number(t.n)));
        m_summary->setItem(i, SumMedian, cell(tpsText(t.median)));
        auto *interval = cell(t.ciHalfWidth ? QStringLiteral("%1 ± %2").arg(tpsText(t.mean), tpsText(*t.ciHalfWidth))
                                            : tr("%1 (one run: no interval)").arg(tpsText(t.mean)));
        if (t.ciHalfWidth)
            interval->setToolTip(tr("95 % interval of the mean: %1 … %2 tps").arg(tpsText(t.ciLow()), tpsText(t.ciHigh())));
        m_summary->setItem(i, SumInterval, interval);
        auto *cv = cell(t.cv && t.n > 1 ? QStringLiteral("%1 %").arg(*t.cv * 100, 0, 'f', 1) : QStringLiteral("—"));
        if (s.noisy()) {
            cv->setText(QStringLiteral("⚠ ") + cv->text());
            cv->setForeground(pendingColor());
            cv->setToolTip(tr("The runs vary by more than %1 %: repeat them, run longer, or quieten the machine").arg(svc::kNoisyCv * 100, 0, 'f', 0));
        }
        m_summary->setItem(i, SumCv, cv);
        m_summary->setItem(i, SumP95, cell(s.medianP95Ms > 0 ? models::benchMsText(s.medianP95Ms) : QStringLiteral("—")));
    }
}

} // namespace pgha::views

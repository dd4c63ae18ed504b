#include "benchrunsmodel.h"

#include "benchsummary.h"

#include <QDateTime>

namespace pgha::models {

BenchRunsModel::BenchRunsModel(QObject *parent) : QAbstractTableModel(parent) {}

int BenchRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
}

int BenchRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void BenchRunsModel::setRuns(const QList<svc::BenchResult> &runs)
{
    beginResetModel();
    m_runs = runs;
    endResetModel();
}

const svc::BenchResult *BenchRunsModel::run(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs[row] : nullptr;
}

QList<svc::BenchResult> BenchRunsModel::runsOfSeries(const QString &series) const
{
    QList<svc::BenchResult> out;
    if (series.isEmpty())
        return out;
    for (const auto &r : m_runs)
        if (r.series == series)
            out.append(r);
    return out;
}

int BenchRunsModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_runs.size(); ++i)
        if (m_runs[i].id == id)
            return i;
    return -1;
}

QVariant BenchRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Tps: return tr("Committed transactions per second over the time run");
        case P50:
        case P95:
        case P99: return tr("Latency percentile in ms, exact, from pgbench's per-transaction log");
        case Failed: return tr("Transactions that failed (serialization, deadlock, lost connection)");
        case Restarts: return tr("Times pgbench was started again after its clients lost their server");
        case Stopped: return tr("Stopped by the user: figures up to the stop");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id: return tr("Run");
    case Time: return tr("Started");
    case Label: return tr("Label");
    case Target: return tr("Target");
    case Workload: return tr("Workload");
    case Clients: return tr("Clients");
    case Tps: return tr("TPS");
    // Two lines: the unit under the name keeps twelve columns within a normal window.
    case P50: return tr("p50\nms");
    case P95: return tr("p95\nms");
    case P99: return tr("p99\nms");
    case Failed: return tr("Failed");
    case Restarts: return tr("Restarts");
    case Stopped: return tr("Stopped");
    default: return {};
    }
}

QVariant BenchRunsModel::display(const svc::BenchResult &r, int column) const
{
    auto percentile = [&r](Percentile p) {
        const auto ms = benchPercentileMs(r, p);
        return ms ? benchMsText(*ms) : QStringLiteral("—");
    };
    switch (column) {
    case Id: return r.id;
    case Time: return QDateTime::fromMSecsSinceEpoch(r.startedMs).toString(QStringLiteral("MM-dd hh:mm:ss"));   // the year on hover
    case Label: return r.label;
    case Target: return r.target.name;
    case Workload: return benchWorkloadText(r.workload);
    case Clients: return r.workload.threads > 1 ? tr("%1 (j%2)").arg(r.workload.clients).arg(r.workload.threads)
                                                : QString::number(r.workload.clients);
    case Tps: return QString::number(r.tps, 'f', 1);
    case P50: return percentile(Percentile::P50);
    case P95: return percentile(Percentile::P95);
    case P99: return percentile(Percentile::P99);
    case Failed: return QString::number(r.failed);
    case Restarts: return QString::number(r.restarts);
    case Stopped: return r.stopped ? tr("stopped") : !r.ok() ? tr("error") : QString();
    default: return {};
    }
}

QVariant BenchRunsModel::sortValue(const svc::BenchResult &r, int column) const
{
    auto percentile = [&r](Percentile p) { return benchPercentileMs(r, p).value_or(-1); };
    switch (column) {
    case Time: return r.startedMs;
    case Clients: return r.workload.clients;
    case Tps: return r.tps;
    case P50: return percentile(Percentile::P50);
    case P95: return percentile(Percentile::P95);
    case P99: return percentile(Percentile::P99);
    case Failed: return r.failed;
    case Restarts: return r.restarts;
    case Stopped: return r.stopped ? 1 : !r.ok() ? 2 : 0;
    default: return display(r, column);
    }
}

QVariant BenchRunsModel::data(const QModelIndex &index, int role) const
{
    const svc::BenchResult *r = index.isValid() ? run(index.row()) : nullptr;
    if (!r)
        return {};
    switch (role) {
    case Qt::DisplayRole: return display(*r, index.column());
    case SortRole: return sortValue(*r, index.column());
    case ConfigurationRole: return r->configurationKey();
    case SeriesRole: return r->series;
    case ProblemRole: return r->stopped || !r->ok();
    case Qt::TextAlignmentRole:
        return QVariant::fromValue(index.column() >= Clients ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::ToolTipRole: {
        QStringList lines{QStringLiteral("%1 · %2").arg(r->id, QDateTime::fromMSecsSinceEpoch(r->startedMs).toString(Qt::ISODate)),
                          r->configurationText(), r->target.path, r->commandLine};
        if (!r->answeredBy.isEmpty())
            lines.append(tr("answered by %1").arg(r->answeredBy.join(QStringLiteral(", "))));
        if (!r->error.isEmpty())
            lines.append(tr("error: %1").arg(r->error));
        for (const QString &w : r->warnings)
            lines.append(tr("note: %1").arg(w));
        lines.removeAll(QString());
        return lines.join(u'\n');
    }
    default: return {};
    }
}

} // namespace pgha::models

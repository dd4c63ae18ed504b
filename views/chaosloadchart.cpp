#include "chaosloadchart.h"

#include "chartadapter.h"
#include "chartsavebutton.h"

#include <QVBoxLayout>

#include <algorithm>

namespace pgha::views {

namespace {
const QString kCommits = QStringLiteral("commits/s");
const QString kLevel = QStringLiteral("90 % of before");
const QString kFault = QStringLiteral("fault");
const QString kFirstWrite = QStringLiteral("probe: first write");
const QString kBack = QStringLiteral("throughput back");
} // namespace

ChaosLoadChart::ChaosLoadChart(QWidget *parent)
    : QWidget(parent), m_chart(std::make_unique<XYChartAdapter>(this)), m_save(nullptr)
{
    setObjectName(QStringLiteral("chaosLoadChart"));
    m_chart->setTitle(tr("pgbench through the fault"));
    m_chart->setLine(kCommits, QColor(0x1565c0));
    m_chart->setLine(kLevel, QColor(0x9e9e9e), false, true);
    m_chart->setLine(kFault, QColor(0xc62828), false, true);
    m_chart->setLine(kFirstWrite, QColor(0x2e7d32), false, true);
    m_chart->setLine(kBack, QColor(0x6a1b9a), false, true);
    m_save = new ChartSaveButton(m_chart->widget(), QStringLiteral("chaos-load"),
                                 [this](const QString &path) { return saveImage(path); }, nullptr, this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(withSaveButton(m_chart->widget(), m_save, kMinHeightPx, this));
    hide();
}

ChaosLoadChart::~ChaosLoadChart() = default;

void ChaosLoadChart::setReport(const svc::ChaosReport &report)
{
    if (!report.load || report.load->seconds.isEmpty()) {
        hide();
        return;
    }
    const svc::ChaosLoadReport &l = *report.load;
    QList<QPointF> commits;
    double yMax = 1;
    double xMin = 0, xMax = 1;
    // Seconds without any transaction are absent from the list: they are zeros on the chart.
    qint64 previous = l.seconds.front().atMs - 1000;
    for (const auto &s : l.seconds) {
        for (qint64 gap = previous + 1000; gap < s.atMs; gap += 1000)
            commits.append({gap / 1000.0, 0});
        commits.append({s.atMs / 1000.0, double(s.committed)});
        yMax = std::max(yMax, double(s.committed));
        previous = s.atMs;
    }
    xMin = std::min(0.0, commits.front().x());
    xMax = std::max(commits.back().x() + 1, 1.0);
    m_chart->replace(kCommits, commits);
    auto vertical = [&](const QString &name, std::optional<qint64> atMs) {
        m_chart->setSeriesVisible(name, atMs.has_value());
        if (atMs)
            m_chart->replace(name, {{*atMs / 1000.0, 0}, {*atMs / 1000.0, yMax}});
    };
    vertical(kFault, 0);
    vertical(kFirstWrite, report.rtoMs);
    vertical(kBack, l.throughputRecoveryMs);
    m_chart->setSeriesVisible(kLevel, l.preFaultTps.has_value());
    if (l.preFaultTps)
        m_chart->replace(kLevel, {{xMin, *l.preFaultTps * svc::ChaosLoadReport::kRecoveredShare},
                                  {xMax, *l.preFaultTps * svc::ChaosLoadReport::kRecoveredShare}});
    m_chart->setXAxis(xMin, xMax, tr("seconds from the fault"));
    m_chart->setTitle(tr("pgbench through the fault: %1").arg(l.workload));
    m_chart->setYAxis(yMax, tr("commits/s"));
    show();
}

int ChaosLoadChart::pointCount() const
{
    return m_chart->pointCount(kCommits);
}

svc::Result<bool> ChaosLoadChart::saveImage(const QString &path) const
{
    return m_chart->saveImage(path);
}

} // namespace pgha::views

#include "rtodistributionchart.h"

#include "chartadapter.h"
#include "rolecolors.h"

#include <QLabel>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
const QString kPassed = QStringLiteral("passed");
const QString kFailed = QStringLiteral("failed");
const QString kMedian = QStringLiteral("median");
const QString kP95 = QStringLiteral("95th percentile");
const QString kBudget = QStringLiteral("budget");
const QColor kMedianColor(0x15, 0x65, 0xc0);
const QColor kP95Color(0xef, 0x6c, 0x00);
const QColor kBudgetColor(0x61, 0x61, 0x61);
constexpr double kXPadding = 0.5;

double seconds(qint64 ms)
{
    return static_cast<double>(ms) / 1000.0;
}
} // namespace

RtoDistributionChart::RtoDistributionChart(QWidget *parent)
    : QWidget(parent), m_chart(new DotChartAdapter(this)), m_summary(new QLabel(this))
{
    setObjectName(QStringLiteral("rtoDistributionChart"));
    m_chart->setDots(kPassed, healthColor(true));
    m_chart->setDots(kFailed, healthColor(false));
    m_chart->setLine(kMedian, kMedianColor, false);
    m_chart->setLine(kP95, kP95Color, true);
    m_chart->setLine(kBudget, kBudgetColor, true);
    m_summary->setObjectName(QStringLiteral("rtoDistributionSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_summary);
    layout->addWidget(m_chart->widget(), 1);
    setRuns({}, {}, {});
}

RtoDistributionChart::~RtoDistributionChart() = default;

void RtoDistributionChart::setRuns(const QString &faultId, const QString &faultTitle, const QList<svc::ChaosReport> &runs)
{
    QList<svc::ChaosReport> mine;
    for (const auto &r : runs)
        if (r.faultId == faultId)
            mine.append(r);
    QList<QPointF> passed, failed;
    QList<qint64> rtos;
    std::optional<qint64> budget;
    double yMax = 1;
    for (int i = 0; i < mine.size(); ++i) {
        const auto &r = mine[i];
        if (r.budgetMs)
            budget = r.budgetMs;   // the latest run's timings
        if (!r.rtoMs)
            continue;
        rtos.append(*r.rtoMs);
        (r.passed() ? passed : failed).append(QPointF(i + 1, seconds(*r.rtoMs)));
        yMax = std::max(yMax, seconds(*r.rtoMs));
    }
    const double x0 = 1 - kXPadding;
    const double x1 = std::max<double>(1, static_cast<double>(mine.size())) + kXPadding;
    const svc::ChaosSummary::Stats s = svc::statsOf(rtos);
    auto across = [&](double y) { return QList<QPointF>{{x0, y}, {x1, y}}; };
    m_chart->replace(kPassed, passed);
    m_chart->replace(kFailed, failed);
    m_chart->replace(kMedian, s.count ? across(seconds(s.median)) : QList<QPointF>{});
    m_chart->replace(kP95, s.count > 1 ? across(seconds(s.p95)) : QList<QPointF>{});
    m_chart->replace(kBudget, budget ? across(seconds(*budget)) : QList<QPointF>{});
    if (budget)
        yMax = std::max(yMax, seconds(*budget));
    m_chart->setRange(x0, x1, tr("run (oldest first)"), yMax, tr("RTO (s)"));
    m_chart->setTitle(faultId.isEmpty() ? QString() : tr("RTO of every kept run: %1").arg(faultTitle));

    if (faultId.isEmpty()) {
        m_summary->setText(tr("<span style='color:gray'>Choose a fault to see how its RTO spreads over the kept runs.</span>"));
        return;
    }
    if (mine.isEmpty()) {
        m_summary->setText(tr("<b>%1</b>: no run kept yet.").arg(faultId.toHtmlEscaped()));
        return;
    }
    const svc::ChaosSummary sum = svc::summarizeRuns(mine);
    auto sec = [](qint64 ms) { return svc::formatSeconds(ms); };
    m_summary->setText(tr("<b>%1</b>: %2, %3 passed · RTO median %4 · p95 %5 · max %6%7%8")
                               .arg(faultId.toHtmlEscaped(), sum.runs == 1 ? tr("1 run") : tr("%1 runs").arg(sum.runs))
                               .arg(sum.passed)
                               .arg(s.count ? sec(s.median) : tr("—"), s.count ? sec(s.p95) : tr("—"), s.count ? sec(s.max) : tr("—"),
                                    budget ? tr(" · budget %1").arg(sec(*budget)) : QString(),
                                    rtos.size() < mine.size() ? tr(" · not drawn: %1 without an RTO").arg(mine.size() - rtos.size())
                                                              : QString()));
}

int RtoDistributionChart::dotCount() const
{
    return m_chart->pointCount(kPassed) + m_chart->pointCount(kFailed);
}

} // namespace pgha::views

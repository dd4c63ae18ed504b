#include "chaosliveview.h"

#include "chartadapter.h"
#include "chaoslivefeed.h"
#include "chaosreportcard.h"
#include "rolecolors.h"

#include "chaos/chaosseries.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace pgha::views {

namespace {
constexpr double kCounterPointScale = 3.2;
constexpr int kMaxEvents = 2000;   // a run logs a few dozen; a runaway one stays bounded
constexpr int kLoadChartPx = 230;
constexpr double kLoadMinSpanS = 30;
const QString kCommits = QStringLiteral("commits/s");
const QString kFault = QStringLiteral("fault");
const QColor kRunning(0x15, 0x65, 0xc0);
QString atText(qint64 ms)
{
    return QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 2);
}
} // namespace

void ChaosLiveView::follow(const svc::ChaosSeries *series, const QString &faultTitle)
{
    connect(series, &svc::ChaosSeries::runStarted, this,
            [this, faultTitle](int iteration, int iterations) { startRun(faultTitle, iteration, iterations); });
    connect(series, &svc::ChaosSeries::stageChanged, this, &ChaosLiveView::setStage);
    connect(series, &svc::ChaosSeries::event, this, &ChaosLiveView::addEvent);
    connect(series, &svc::ChaosSeries::faultInjected, this, &ChaosLiveView::markFaultInjected);
    connect(series, &svc::ChaosSeries::loadSample, this, &ChaosLiveView::addLoadSample);
    connect(series, &svc::ChaosSeries::runFinished, this, &ChaosLiveView::finishRun);
    m_feed->disconnect(this);
    connect(m_feed, &ChaosLiveFeed::live, this, &ChaosLiveView::setLive);
    m_feed->follow(series);
}

QString ChaosLiveView::counterText(qint64 ms)
{
    return ms < 0 ? QStringLiteral("—") : QStringLiteral("%1 s").arg(static_cast<double>(ms) / 1000.0, 0, 'f', 1);
}

ChaosLiveView::ChaosLiveView(QWidget *parent)
    : QWidget(parent),
      m_heading(new QLabel(this)),
      m_stage(new QLabel(this)),
      m_counter(new QLabel(this)),
      m_counterNote(new QLabel(this)),
      m_budget(new QProgressBar(this)),
      m_events(new QTableWidget(0, ColumnCount, this)),
      m_load(std::make_unique<XYChartAdapter>(this)),
      m_feed(new ChaosLiveFeed(this))
{
    setObjectName(QStringLiteral("chaosLiveView"));
    m_heading->setObjectName(QStringLiteral("chaosRunHeading"));
    m_heading->setTextFormat(Qt::RichText);
    m_stage->setObjectName(QStringLiteral("chaosStage"));
    m_stage->setWordWrap(true);
    m_stage->setStyleSheet(QStringLiteral("color: gray"));
    m_counter->setObjectName(QStringLiteral("chaosLiveRto"));
    QFont big = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    big.setPointSizeF(font().pointSizeF() * kCounterPointScale);
    big.setBold(true);
    m_counter->setFont(big);
    m_counter->setMinimumWidth(QFontMetrics(big).horizontalAdvance(QStringLiteral("000.0 s")));
    m_counter->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_counterNote->setWordWrap(true);
    m_budget->setObjectName(QStringLiteral("chaosBudgetBar"));
    m_budget->setTextVisible(true);
    m_budget->setMaximumHeight(16);

    m_events->setObjectName(QStringLiteral("chaosEvents"));
    m_events->setHorizontalHeaderLabels({tr("After fault"), tr("Source"), tr("Event")});
    m_events->verticalHeader()->hide();
    m_events->verticalHeader()->setDefaultSectionSize(20);
    m_events->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_events->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_events->setShowGrid(false);
    m_events->setWordWrap(false);
    m_events->horizontalHeader()->setStretchLastSection(true);
    m_events->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_events->setColumnWidth(At, 90);
    m_events->setColumnWidth(Source, 90);

    // Counter on the left, what it means on the right, the events below.
    auto *top = new QGridLayout;
    auto *caption = new QLabel(tr("Live RTO"), this);
    caption->setStyleSheet(QStringLiteral("color: gray"));
    top->addWidget(m_heading, 0, 0, 1, 2);
    top->addWidget(caption, 1, 0);
    top->addWidget(m_stage, 1, 1);
    top->addWidget(m_counter, 2, 0, 2, 1);
    top->addWidget(m_counterNote, 2, 1);
    top->addWidget(m_budget, 3, 1);
    top->setColumnStretch(1, 1);
    top->setHorizontalSpacing(16);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addLayout(top);
    // A fault under load: pgbench's commits per second as they come, the fault marked.
    m_load->widget()->setObjectName(QStringLiteral("chaosLiveLoad"));
    m_load->setTitle(tr("pgbench, live"));
    m_load->setLine(kCommits, kRunning);
    m_load->setLine(kFault, healthColor(false), false, true);
    m_load->widget()->setMinimumHeight(kLoadChartPx);
    m_load->widget()->hide();
    layout->addWidget(m_load->widget(), 1);
    layout->addWidget(m_events, 1);

    m_heading->setText(tr("<b>No run in progress</b>"));
    m_stage->setText(tr("The counter starts when the fault is injected and stops at the first write acknowledged after it."));
    setLive(-1, std::nullopt, false);
}

void ChaosLiveView::startRun(const QString &faultTitle, int iteration, int iterations)
{
    m_heading->setText(tr("<b>%1</b> — run %2 of %3").arg(faultTitle.toHtmlEscaped()).arg(iteration).arg(iterations));
    m_events->setRowCount(0);
    m_injected = false;
    m_loadPoints.clear();
    m_loadTop = 1;
    m_load->widget()->hide();
    setLive(-1, std::nullopt, false);
}

ChaosLiveView::~ChaosLiveView() = default;

QWidget *ChaosLiveView::loadChart() const
{
    return m_load->widget();
}

int ChaosLiveView::loadPointCount() const
{
    return m_load->pointCount(kCommits);
}

void ChaosLiveView::addLoadSample(double atS, double committedPerS, double faultAtS)
{
    if (committedPerS >= 0) {
        m_loadPoints.append({atS, committedPerS});
        m_loadTop = std::max(m_loadTop, committedPerS);
        m_load->replace(kCommits, m_loadPoints);
    }
    m_load->setSeriesVisible(kFault, faultAtS >= 0);
    if (faultAtS >= 0)
        m_load->replace(kFault, {{faultAtS, 0}, {faultAtS, m_loadTop}});
    m_load->setXAxis(0, std::max(atS + 1, kLoadMinSpanS), tr("seconds since pgbench started"));
    m_load->setYAxis(m_loadTop, tr("commits/s"));
    m_load->widget()->show();
}

void ChaosLiveView::setStage(const QString &text)
{
    m_stage->setText(text);
}

void ChaosLiveView::setLive(qint64 ms, std::optional<qint64> budgetMs, bool recovered)
{
    m_counter->setText(counterText(ms));
    const bool over = budgetMs && ms > *budgetMs;
    const QColor color = ms < 0 ? QColor(0x9e, 0x9e, 0x9e) : recovered ? healthColor(!over) : over ? healthColor(false) : kRunning;
    m_counter->setStyleSheet(QStringLiteral("color: %1").arg(color.name()));
    m_counterNote->setText(ms < 0       ? tr("waiting for the fault")
                           : recovered ? tr("writes acknowledged again: the outage lasted %1").arg(counterText(ms))
                                       : tr("writes through the read-write port fail or wait…"));
    m_budget->setVisible(budgetMs.has_value() && *budgetMs > 0);
    if (budgetMs && *budgetMs > 0) {
        m_budget->setRange(0, static_cast<int>(*budgetMs));
        m_budget->setValue(static_cast<int>(std::clamp<qint64>(std::max<qint64>(0, ms), 0, *budgetMs)));
        m_budget->setFormat(tr("%1 of the %2 budget").arg(counterText(std::max<qint64>(0, ms)), counterText(*budgetMs)));
        m_budget->setStyleSheet(over ? QStringLiteral("QProgressBar::chunk { background: %1; }").arg(healthColor(false).name())
                                     : QString());
    }
}

void ChaosLiveView::addEvent(const svc::ChaosReport::Event &e)
{
    if (m_events->rowCount() >= kMaxEvents)
        m_events->removeRow(0);
    const int row = m_events->rowCount();
    m_events->insertRow(row);
    auto *at = new QTableWidgetItem(m_injected ? atText(e.atMs) : tr("set-up"));
    at->setData(Qt::UserRole, e.atMs);
    at->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_events->setItem(row, At, at);
    m_events->setItem(row, Source, new QTableWidgetItem(e.source));
    auto *text = new QTableWidgetItem(e.text);
    text->setToolTip(e.text);
    m_events->setItem(row, Text, text);
    m_events->scrollToBottom();
}

void ChaosLiveView::markFaultInjected()
{
    m_injected = true;
    // The fault's own event arrives just before this, at 0 on the fault's clock.
    const int last = m_events->rowCount() - 1;
    if (auto *at = last >= 0 ? m_events->item(last, At) : nullptr; at && at->data(Qt::UserRole).toLongLong() == 0)
        at->setText(atText(0));
}

void ChaosLiveView::finishRun(const svc::ChaosReport &r)
{
    m_stage->setText(r.error.isEmpty() ? tr("finished: %1").arg(r.verdict) : tr("finished: %1 — %2").arg(r.verdict, r.error));
    if (r.rtoMs) {
        setLive(*r.rtoMs, r.budgetMs, true);
        m_counter->setStyleSheet(QStringLiteral("color: %1").arg(ChaosReportCard::verdictColor(r.verdict).name()));
    }
}

} // namespace pgha::views

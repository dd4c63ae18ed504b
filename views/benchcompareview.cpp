#include "benchcompareview.h"

#include "chartadapter.h"
#include "chartsavebutton.h"
#include "rolecolors.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QScrollBar>
#include <QLabel>
#include <QTableWidget>
#include <QSignalBlocker>
#include <QSplitter>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
const QColor kPalette[] = {QColor(0x15, 0x65, 0xc0), QColor(0xef, 0x6c, 0x00), QColor(0x2e, 0x7d, 0x32),
                           QColor(0x6a, 0x1b, 0x9a), QColor(0x00, 0x83, 0x8f), QColor(0xc6, 0x28, 0x28)};
constexpr int kMinChartHeight = 200;
// The bar chart grows with its bars (two lines of label each); the page scrolls beyond that.
constexpr int kBarChartChromePx = 130;   // title, value axis, legend
constexpr int kBarRowPx = 40;
constexpr int kRowHeight = 20;
// A sweep spanning this ratio of clients or more is drawn on a log 2 axis (1, 2, 4 … 64).
constexpr double kLogSweepRatio = 4;
constexpr double kMinTpsTop = 10;
constexpr double kMinLatencyTop = 1;
constexpr double kLinearSweepPadding = 0.3;   // room for the first and last markers, in clients

// TPS as people read it: whole numbers from 100 up, one decimal below.
QString tpsText(double tps)
{
    return QString::number(tps, 'f', std::abs(tps) >= 100 ? 0 : 1);
}

QString signedPercent(double p)
{
    return QStringLiteral("%1%2 %").arg(p >= 0 ? QStringLiteral("+") : QString()).arg(p, 0, 'f', 1);
}

} // namespace

BenchCompareView::BenchCompareView(QWidget *parent)
    : QWidget(parent),
      m_bars(new BarChartAdapter(this)),
      m_sweepTps(new XYChartAdapter(this)),
      m_sweepLatency(new XYChartAdapter(this)),
      m_baseline(new QComboBox(this)),
      m_heading(new QLabel(this)),
      m_details(new QTableWidget(0, DetColumnCount, this)),
      m_saveStatus(new QLabel(this)),
      m_sweepBox(new QWidget(this))
{
    setObjectName(QStringLiteral("benchCompareView"));
    m_heading->setObjectName(QStringLiteral("benchCompareHeading"));
    m_heading->setTextFormat(Qt::RichText);
    m_heading->setWordWrap(true);
    m_details->setObjectName(QStringLiteral("benchCompareDetails"));
    m_details->setHorizontalHeaderLabels({tr("Configuration"), tr("Runs"), tr("Median TPS"), tr("Mean ± 95 % CI"), tr("CV"),
                                          tr("vs baseline"), tr("95 % CI of the difference"), tr("Differs?")});
    m_details->horizontalHeaderItem(DetSignificant)->setToolTip(tr("Whether Welch's 95 % interval of the difference excludes 0"));
    m_details->verticalHeader()->hide();
    m_details->verticalHeader()->setDefaultSectionSize(kRowHeight);
    m_details->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_details->setSelectionMode(QAbstractItemView::NoSelection);
    m_details->setWordWrap(false);
    m_details->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_details->horizontalHeader()->setStretchLastSection(true);
    m_saveStatus->setStyleSheet(QStringLiteral("color: gray"));
    m_baseline->setObjectName(QStringLiteral("benchBaseline"));
    m_baseline->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_baseline->setToolTip(tr("Every other configuration is given in % of this one"));
    connect(m_baseline, &QComboBox::activated, this, [this] { setBaseline(m_baseline->currentData().toString()); });

    m_saveBars = new ChartSaveButton(m_bars->widget(), QStringLiteral("bench-compare"),
                                     [this](const QString &path) { return m_bars->saveImage(path); }, m_saveStatus, this);
    m_saveSweepTps = new ChartSaveButton(m_sweepTps->widget(), QStringLiteral("bench-sweep-tps"),
                                         [this](const QString &path) { return m_sweepTps->saveImage(path); }, m_saveStatus, this);
    m_saveSweepLatency = new ChartSaveButton(m_sweepLatency->widget(), QStringLiteral("bench-sweep-p95"),
                                             [this](const QString &path) { return m_sweepLatency->saveImage(path); }, m_saveStatus, this);

    auto *sweep = new QHBoxLayout(m_sweepBox);
    sweep->setContentsMargins(0, 0, 0, 0);
    sweep->addWidget(withSaveButton(m_sweepTps->widget(), m_saveSweepTps, kMinChartHeight, m_sweepBox), 1);
    sweep->addWidget(withSaveButton(m_sweepLatency->widget(), m_saveSweepLatency, kMinChartHeight, m_sweepBox), 1);
    m_sweepTps->setTitle(tr("TPS against clients"));
    m_sweepLatency->setTitle(tr("p95 latency against clients"));

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Baseline:"), this));
    top->addWidget(m_baseline);
    top->addStretch(1);
    top->addWidget(m_saveBars);
    m_bars->widget()->setMinimumHeight(kMinChartHeight);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setChildrenCollapsible(false);
    split->addWidget(m_bars->widget());
    split->addWidget(m_details);
    split->addWidget(m_sweepBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 3);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_heading);
    layout->addLayout(top);
    layout->addWidget(split, 1);
    layout->addWidget(m_saveStatus);
    setRuns({}, {});
}

BenchCompareView::~BenchCompareView()
{
    delete m_bars;
    delete m_sweepTps;
    delete m_sweepLatency;
}

void BenchCompareView::setRuns(const QList<svc::BenchResult> &runs, const QString &source)
{
    m_runs = runs;
    recompute();
    const int configs = static_cast<int>(m_comparison.entries.size());
    if (runs.isEmpty())
        m_heading->setText(tr("<b>Nothing to compare yet.</b> Run a session with several targets, repetitions or a clients sweep, "
                              "or select kept runs in Runs and press Compare selected."));
    else
        m_heading->setText(tr("<b>%1</b>: %2 run(s) in %3 configuration(s)").arg(source.toHtmlEscaped()).arg(runs.size()).arg(configs));
}

void BenchCompareView::setBaseline(const QString &configurationKey)
{
    m_baselineKey = configurationKey;
    recompute();
}

void BenchCompareView::recompute()
{
    m_comparison = models::compareConfigurations(m_runs, m_baselineKey);
    {
        const QSignalBlocker blocker(m_baseline);
        m_baseline->clear();
        for (const auto &e : m_comparison.entries)
            m_baseline->addItem(e.label, e.config.key);
        m_baseline->setCurrentIndex(m_comparison.baseline);
        m_baseline->setEnabled(m_comparison.entries.size() > 1);
    }
    m_curves = models::sweepCurves(m_runs);
    drawBars();
    drawSweep();
    fillDetails();
}

void BenchCompareView::drawBars()
{
    QList<BarChartAdapter::Bar> bars;
    for (int i = 0; i < m_comparison.entries.size(); ++i) {
        const auto &e = m_comparison.entries[i];
        const svc::SampleSummary &s = e.config.tps;
        BarChartAdapter::Bar b;
        const QString vs = i == m_comparison.baseline ? tr("baseline") : e.vsBaseline ? signedPercent(e.vsBaseline->percent) : QString();
        // Two short lines beside each bar: what it is; its median and how it compares.
        b.category = QStringLiteral("%1<br>%2 tps · %3").arg(e.label.toHtmlEscaped(), tpsText(s.median), vs);
        b.value = s.median;
        if (s.ciHalfWidth)
            b.whisker = std::make_pair(s.ciLow(), s.ciHigh());
        bars.append(b);
    }
    m_bars->setTitle(tr("Median TPS per configuration, in % of the baseline"));
    m_bars->setBars(bars, tr("median TPS"), tr("95 % CI of the mean"), tr("transactions per second"), m_comparison.baseline);
    m_bars->widget()->setMinimumHeight(std::max(kMinChartHeight, kBarChartChromePx + kBarRowPx * static_cast<int>(bars.size())));
}

void BenchCompareView::drawSweep()
{
    m_sweepBox->setVisible(!m_curves.isEmpty());
    QStringList names;
    double xMin = 0, xMax = 0, tpsMax = 0, latMax = 0;
    for (int i = 0; i < m_curves.size(); ++i) {
        const auto &c = m_curves[i];
        names.append(c.name);
        const QColor color = kPalette[i % std::size(kPalette)];
        m_sweepTps->setLine(c.name, color, true);
        m_sweepLatency->setLine(c.name, color, true);
        m_sweepTps->replace(c.name, c.tps);
        m_sweepLatency->replace(c.name, c.p95Ms);
        for (const QPointF &p : c.tps) {
            xMin = xMin == 0 ? p.x() : std::min(xMin, p.x());
            xMax = std::max(xMax, p.x());
            tpsMax = std::max(tpsMax, p.y());
        }
        for (const QPointF &p : c.p95Ms)
            latMax = std::max(latMax, p.y());
    }
    m_sweepTps->removeSeriesExcept(names);
    m_sweepLatency->removeSeriesExcept(names);
    if (m_curves.isEmpty())
        return;
    const bool log2 = xMin > 0 && xMax / xMin >= kLogSweepRatio;
    const QString xTitle = log2 ? tr("clients (log scale)") : tr("clients");
    const double pad = log2 ? 0 : kLinearSweepPadding;
    m_sweepTps->setXAxis(xMin - pad, xMax + pad, xTitle, log2, true);
    m_sweepTps->setYAxis(std::max(kMinTpsTop, tpsMax), tr("median TPS"));
    m_sweepLatency->setXAxis(xMin - pad, xMax + pad, xTitle, log2, true);
    m_sweepLatency->setYAxis(std::max(kMinLatencyTop, latMax), tr("median p95 (ms)"));
}

void BenchCompareView::fillDetails()
{
    m_details->setRowCount(static_cast<int>(m_comparison.entries.size()));
    auto cell = [](const QString &text, bool right = true) {
        auto *item = new QTableWidgetItem(text);
        item->setTextAlignment(right ? (Qt::AlignRight | Qt::AlignVCenter) : (Qt::AlignLeft | Qt::AlignVCenter));
        return item;
    };
    for (int i = 0; i < m_comparison.entries.size(); ++i) {
        const auto &e = m_comparison.entries[i];
        const svc::SampleSummary &s = e.config.tps;
        auto *config = cell(e.label, false);   // what differs; the whole configuration on hover
        config->setToolTip(e.config.text);
        m_details->setItem(i, DetConfiguration, config);
        m_details->setItem(i, DetRuns, cell(QString::number(s.n)));
        m_details->setItem(i, DetMedian, cell(tpsText(s.median)));
        m_details->setItem(i, DetMean, cell(s.ciHalfWidth ? QStringLiteral("%1 ± %2").arg(tpsText(s.mean), tpsText(*s.ciHalfWidth))
                                                          : tpsText(s.mean)));
        auto *cv = cell(s.cv && s.n > 1 ? QStringLiteral("%1 %").arg(*s.cv * 100, 0, 'f', 1) : QStringLiteral("—"));
        if (e.config.noisy()) {
            cv->setText(QStringLiteral("⚠ ") + cv->text());
            cv->setForeground(pendingColor());
            cv->setToolTip(tr("The repetitions vary by more than %1 %: a small difference means nothing here").arg(svc::kNoisyCv * 100, 0, 'f', 0));
        }
        m_details->setItem(i, DetCv, cv);
        QString vs, interval, significant, why;
        if (i == m_comparison.baseline) {
            vs = tr("baseline");
        } else if (e.vsBaseline && e.vsBaseline->withInterval) {
            const svc::PercentDifference &d = *e.vsBaseline->withInterval;
            vs = signedPercent(d.percent);
            interval = tr("%1 … %2").arg(signedPercent(d.ciLowPercent), signedPercent(d.ciHighPercent));
            significant = d.significant ? tr("yes") : tr("no");
            why = d.significant ? tr("Welch's 95 % interval excludes 0") : tr("The interval includes 0: within the noise of these runs");
        } else if (e.vsBaseline) {
            vs = signedPercent(e.vsBaseline->percent);
            interval = tr("—");
            significant = tr("?");
            why = tr("No interval: it needs at least 2 runs on both sides (medians compared)");
        }
        auto *vsItem = cell(vs);
        QFont bold = vsItem->font();
        bold.setBold(i != m_comparison.baseline);
        vsItem->setFont(bold);
        m_details->setItem(i, DetVsBaseline, vsItem);
        m_details->setItem(i, DetInterval, cell(interval));
        auto *sig = cell(significant, false);
        sig->setToolTip(why);
        m_details->setItem(i, DetSignificant, sig);
    }
    // As tall as its rows, up to a few; the page scrolls, not the table, for a short comparison.
    const int rows = std::clamp(static_cast<int>(m_comparison.entries.size()), 1, kDetailRowsShown);
    m_details->setFixedHeight(m_details->horizontalHeader()->sizeHint().height() + rows * kRowHeight + 2 * m_details->frameWidth()
                              + m_details->horizontalScrollBar()->sizeHint().height());
}

} // namespace pgha::views

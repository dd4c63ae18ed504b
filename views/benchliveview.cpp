#include "benchliveview.h"

#include "benchsummary.h"
#include "chartadapter.h"
#include "chartsavebutton.h"
#include "rolecolors.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

namespace pgha::views {

namespace {
const QString kTps = QStringLiteral("TPS");
const QString kFailed = QStringLiteral("failed / s");
const QString kLatency = QStringLiteral("avg (pgbench -P)");
const QString kBand = QStringLiteral("avg ± stddev");
const QString kPercentiles = QStringLiteral("p50 … p95 (-l logs)");
const QString kP99 = QStringLiteral("p99");
const QColor kP99Color(0xad, 0x14, 0x57);
const QColor kTpsColor(0x15, 0x65, 0xc0);
const QColor kLatencyColor(0x6a, 0x1b, 0x9a);
constexpr double kMinTpsTop = 10;
constexpr double kMinLatencyTop = 1;
constexpr int kMinChartHeight = 180;

} // namespace

BenchLiveView::BenchLiveView(QWidget *parent)
    : QWidget(parent),
      m_tps(new XYChartAdapter(this)),
      m_latency(new XYChartAdapter(this)),
      m_heading(new QLabel(this)),
      m_cpu(new QLabel(this)),
      m_notes(new QLabel(this)),
      m_result(new QLabel(this)),
      m_saveStatus(new QLabel(this))
{
    setObjectName(QStringLiteral("benchLiveView"));
    m_heading->setObjectName(QStringLiteral("benchLiveHeading"));
    m_heading->setTextFormat(Qt::RichText);
    m_heading->setWordWrap(true);
    m_cpu->setObjectName(QStringLiteral("benchLoadGenCpu"));
    m_cpu->setTextFormat(Qt::RichText);
    m_notes->setObjectName(QStringLiteral("benchNotes"));
    m_notes->setWordWrap(true);
    m_notes->setStyleSheet(QStringLiteral("color: gray"));
    m_result->setObjectName(QStringLiteral("benchLiveResult"));
    m_result->setTextFormat(Qt::RichText);
    m_result->setWordWrap(true);
    m_saveStatus->setStyleSheet(QStringLiteral("color: gray"));

    m_tps->setTitle(tr("Throughput per second"));
    m_tps->setLine(kTps, kTpsColor);
    m_tps->setLine(kFailed, healthColor(false));
    m_latency->setTitle(tr("Latency per second"));
    m_latency->setBand(kBand, kLatencyColor);
    m_latency->setBand(kPercentiles, kLatencyColor);
    m_latency->setLine(kLatency, kLatencyColor);
    m_latency->setLine(kP99, kP99Color, false, true);
    m_saveTps = new ChartSaveButton(m_tps->widget(), QStringLiteral("bench-live-tps"),
                                    [this](const QString &path) { return m_tps->saveImage(path); }, m_saveStatus, this);
    m_saveLatency = new ChartSaveButton(m_latency->widget(), QStringLiteral("bench-live-latency"),
                                        [this](const QString &path) { return m_latency->saveImage(path); }, m_saveStatus, this);

    auto *charts = new QSplitter(Qt::Vertical, this);
    charts->setChildrenCollapsible(false);
    charts->addWidget(withSaveButton(m_tps->widget(), m_saveTps, kMinChartHeight, charts));
    charts->addWidget(withSaveButton(m_latency->widget(), m_saveLatency, kMinChartHeight, charts));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_heading);
    layout->addWidget(m_cpu);
    layout->addWidget(m_notes);
    layout->addWidget(m_result);
    layout->addWidget(charts, 1);
    layout->addWidget(m_saveStatus);

    m_redraw.setSingleShot(true);
    m_redraw.setInterval(kRedrawMs);
    connect(&m_redraw, &QTimer::timeout, this, &BenchLiveView::redraw);
    m_heading->setText(tr("<b>No run yet.</b> Choose targets and a workload on the left and press Run; the database must be "
                          "initialised once (Prepare the database)."));
    m_cpu->hide();
    m_notes->hide();
    m_result->hide();
    redraw();
}

BenchLiveView::~BenchLiveView()
{
    delete m_tps;
    delete m_latency;
}

void BenchLiveView::startSession(int runs, const QStringList &targets)
{
    m_series.clear();
    m_noteLines.clear();
    m_notes->hide();
    m_result->hide();
    m_cpu->hide();
    m_heading->setText(tr("<b>Starting</b> %1 run(s) through %2: resolving the targets and reading the cluster's versions…")
                               .arg(runs)
                               .arg(targets.join(QStringLiteral(", ")).toHtmlEscaped()));
    redraw();
}

void BenchLiveView::startRun(int index, int count, const QString &target, int clients, int repetition, bool warmup, int durationS)
{
    m_series.clear();
    m_warmup = warmup;
    m_durationS = durationS;
    const QString what = tr("%1 · %2 client(s)").arg(target.toHtmlEscaped()).arg(clients);
    m_heading->setText(warmup ? tr("<b>Warm-up</b> before %1 — not kept").arg(what)
                              : tr("<b>Run %1 of %2</b> — %3 · repetition %4").arg(index + 1).arg(count).arg(what).arg(repetition + 1));
    m_result->hide();
    m_cpu->hide();
    redraw();
}

void BenchLiveView::addSample(const svc::BenchSample &sample, bool warmup)
{
    if (warmup != m_warmup)
        return;   // a late sample of the run before
    m_series.append(sample);
    scheduleRedraw();
}

void BenchLiveView::addLatencySecond(const svc::BenchLatencySecond &second, bool warmup)
{
    if (warmup != m_warmup)
        return;
    // Drawn with the next progress sample (one a second), not on its own: half the redraws.
    m_series.appendLatency(second);
}

void BenchLiveView::scheduleRedraw()
{
    if (m_redraw.isActive())
        return;
    const qint64 since = m_sinceRedraw.isValid() ? m_sinceRedraw.elapsed() : kRedrawMs;
    m_redraw.start(static_cast<int>(std::max<qint64>(0, kRedrawMs - since)));
}

void BenchLiveView::setLoadGeneratorCpu(double percentOfCore, int threads, bool saturated)
{
    const QString text = tr("load generator (pgbench) CPU %1 % of one core, %2 thread(s)").arg(percentOfCore, 0, 'f', 0).arg(threads);
    m_cpu->setText(saturated ? tr("<span style='color:%1'><b>⚠ %2 — pgbench itself is near saturation: the figures may measure "
                                  "the load generator, not the server</b></span>")
                                       .arg(pendingColor().name(), text.toHtmlEscaped())
                             : text.toHtmlEscaped());
    m_cpu->setProperty("saturated", saturated);
    m_cpu->show();
}

void BenchLiveView::addNote(const QString &text)
{
    m_noteLines.append(text);
    while (m_noteLines.size() > kNotesShown)
        m_noteLines.removeFirst();
    m_notes->setText(m_noteLines.join(u'\n'));
    m_notes->show();
}

void BenchLiveView::finishRun(const svc::BenchResult &r)
{
    auto pct = [&r](models::Percentile p) {
        const auto ms = models::benchPercentileMs(r, p);
        return ms ? models::benchMsText(*ms) : QStringLiteral("—");
    };
    QString text = tr("%1 tps · latency p50 %2 ms · p95 %3 ms · p99 %4 ms · %5 failed")
                           .arg(r.tps, 0, 'f', 1)
                           .arg(pct(models::Percentile::P50), pct(models::Percentile::P95), pct(models::Percentile::P99))
                           .arg(r.failed);
    if (r.restarts > 0)
        text += tr(" · pgbench restarted %1 time(s)").arg(r.restarts);
    if (r.stopped)
        text += tr(" · <b>stopped</b>: figures up to the stop");
    if (!r.ok())
        text = tr("<span style='color:%1'><b>Run failed:</b> %2</span>").arg(healthColor(false).name(), r.error.toHtmlEscaped());
    m_result->setText(tr("<b>Finished:</b> %1").arg(text));
    m_result->show();
    redraw();
}

void BenchLiveView::finishSession(int runs, const QString &error, bool stopped)
{
    m_redraw.stop();
    redraw();
    if (!error.isEmpty())
        m_heading->setText(tr("<b>Session ended early</b> after %1 run(s): <span style='color:%2'>%3</span>")
                                   .arg(runs)
                                   .arg(healthColor(false).name(), error.toHtmlEscaped()));
    else if (stopped && runs == 0)
        m_heading->setText(tr("<b>Session stopped</b> before its first run: nothing kept"));
    else if (stopped)
        m_heading->setText(tr("<b>Session stopped:</b> %1 run(s) kept, the last one up to the stop").arg(runs));
    else
        m_heading->setText(tr("<b>Session finished:</b> %1 run(s) kept — see Runs and Compare").arg(runs));
}

void BenchLiveView::redraw()
{
    ++m_redraws;
    m_sinceRedraw.start();
    const double xMax = std::max<double>({1.0, static_cast<double>(m_durationS), m_series.lastT()});
    const QString xTitle = m_warmup ? tr("seconds into the warm-up") : tr("seconds into the run");
    const QString every = m_series.samplesPerPoint() > 1 ? tr(", one point per %1 s").arg(m_series.samplesPerPoint()) : QString();
    m_tps->replace(kTps, m_series.tpsLine());
    m_tps->replace(kFailed, m_series.failedLine());
    m_tps->setXAxis(0, xMax, xTitle + every, false, true);
    m_tps->setYAxis(std::max(kMinTpsTop, m_series.maxTps()), tr("per second"));
    // The exact percentiles once the -l logs give them; until then pgbench's own spread, named as such.
    const bool exact = m_series.hasPercentiles();
    m_latency->setSeriesVisible(kPercentiles, exact);
    m_latency->setSeriesVisible(kP99, exact);
    m_latency->setSeriesVisible(kBand, !exact);
    if (exact) {
        m_latency->replaceBand(kPercentiles, m_series.p50Line(), m_series.p95Line());
        m_latency->replace(kP99, m_series.p99Line());
    } else {
        m_latency->replaceBand(kBand, m_series.latencyLower(), m_series.latencyUpper());
    }
    m_latency->replace(kLatency, m_series.latencyLine());
    m_latency->setXAxis(0, xMax, xTitle + every, false, true);
    m_latency->setYAxis(std::max(kMinLatencyTop, m_series.maxLatencyShown()), tr("latency (ms)"));
    emit redrawn();
}

int BenchLiveView::tpsPointCount() const
{
    return m_tps->pointCount(kTps);
}

int BenchLiveView::latencyPointCount() const
{
    return m_latency->pointCount(kLatency);
}

int BenchLiveView::percentilePointCount() const
{
    return m_latency->pointCount(kPercentiles);
}

} // namespace pgha::views

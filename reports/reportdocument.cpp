#include "reportdocument.h"

#include "reporthtml.h"

#include "chaos/faultcatalog.h"
#include "core/safefs.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QRegularExpression>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSet>
#include <QSysInfo>
#include <QTextCursor>
#include <QTextDocument>
#include <QJsonObject>
#include <QTextObjectInterface>
#include <QThread>

#include <algorithm>
#include <cmath>

namespace pgha::reports {

namespace {

using svc::CellSummary;
using svc::ChaosReport;

// One run as the tables show it: the cell it belongs to and its repetition.
struct RunRow {
    QString cell;
    int repetition = 0;
    ChaosReport run;
};

constexpr int kPdfResolution = 1200;
constexpr int kMaxSlug = 48;
// Run ids in tables: enough to find the run (`pgha report --chaos-run` takes a prefix).
constexpr int kShortRunId = 8;
constexpr double kPointsPerInch = 72.0;
constexpr int kBodyFontPt = 9;
constexpr int kObjectType = QTextFormat::UserObject + 1;
constexpr int kFigureIndexProperty = QTextFormat::UserProperty + 1;

// Patroni's documentation asks for ttl ≥ 20 s (Patroni 4 enforces it).
constexpr int kPatroniDocumentedMinTtlS = 20;

using html::esc;
using html::list;
using html::table;

QString seconds(const std::optional<qint64> &ms) { return esc(svc::formatSeconds(ms)); }

QString countText(const std::optional<qint64> &n) { return n ? QString::number(*n) : QStringLiteral("—"); }

// What was injected, how each figure is measured, how the statistics are made.
QString methodHtml(const QList<RunRow> &rows, bool interleaved)
{
    QString h = QStringLiteral("<h2>Method</h2>");
    QSet<QString> faults;
    QStringList injected;
    QSet<QString> loads;
    QSet<QString> formulas;
    for (const auto &r : rows) {
        if (!faults.contains(r.run.faultId)) {
            faults.insert(r.run.faultId);
            const svc::FaultInfo *f = svc::faultById(r.run.faultId);
            injected << QStringLiteral("<b>%1</b> (%2): %3%4")
                                .arg(esc(r.run.faultTitle), esc(r.run.faultId), esc(r.run.faultWhat),
                                     f ? QStringLiteral(" Undone by: %1.").arg(esc(f->undo)) : QString());
        }
        if (r.run.load)
            loads.insert(QStringLiteral("%1 through %2 (pgbench %3)").arg(esc(r.run.load->workload), esc(r.run.load->target),
                                                                          esc(r.run.load->pgbenchVersion)));
        if (!r.run.budgetFormula.isEmpty())
            formulas.insert(esc(r.run.budgetFormula));
    }
    h += QStringLiteral("<h3>What was injected</h3>") + list(injected);
    if (!loads.isEmpty()) {
        QStringList l = loads.values();
        l.sort();
        h += QStringLiteral("<h3>The load</h3>")
             + list(l)
             + QStringLiteral("<p>pgbench runs from its lead before the fault until its tail after the cluster is healthy again, "
                              "beside the write and read probes, on one clock; restarted segments (after its clients lost the "
                              "server) run with <code>-n</code>.</p>");
    }
    h += QStringLiteral("<h3>How each figure is measured</h3>")
         + list({QStringLiteral("<b>RTO (probe)</b>: from the fault's injection to the first write the write probe gets "
                                "acknowledged after it (a row inserted every 50 ms through the read-write entry point, each "
                                "on a connection of its own when the previous one broke)."),
                 QStringLiteral("<b>Write gap</b>: the probe's last acknowledged write before the outage to its first after."),
                 QStringLiteral("<b>pgbench gap</b>: the longest time without a committed pgbench transaction that ends after "
                                "the fault, from pgbench's per-transaction logs (<code>-l</code>)."),
                 QStringLiteral("<b>Throughput back within 10 %</b>: from the fault to the first of %1 consecutive seconds whose "
                                "commits reach %2 % of the median commits per second before the fault.")
                         .arg(svc::ChaosLoadReport::kRecoveredSeconds)
                         .arg(static_cast<int>(std::lround(svc::ChaosLoadReport::kRecoveredShare * 100))),
                 QStringLiteral("<b>Lost acknowledged writes</b>: probe ids acknowledged to the client and absent on the new "
                                "primary after the run (the set difference, read back)."),
                 QStringLiteral("<b>Lost transactions</b> (tpcb-like only): transactions pgbench counted as committed minus "
                                "the <code>pgbench_history</code> rows the new primary holds from the run."),
                 QStringLiteral("<b>Rejoin</b>: from the undo to the old member streaming again.")});
    if (!formulas.isEmpty()) {
        QStringList f = formulas.values();
        f.sort();
        h += QStringLiteral("<h3>The budget each run is judged against</h3>") + list(f);
    }
    h += QStringLiteral("<h3>Statistics</h3><p>Per cell: the median; p95 by nearest rank (the smallest value with 95 % of the "
                        "runs at or below it); min and max; the mean with its 95 % confidence interval, mean ± t<sub>0.975, "
                        "n−1</sub> · s / √n (Student's t: few runs, unknown spread). Runs that ended in ERROR measured nothing "
                        "and are left out of the figures (they are listed). %1</p>")
                 .arg(interleaved ? QStringLiteral("Runs were interleaved (repetition 1 of every cell, then repetition 2 …), "
                                                   "so a drift of the machine over time spreads over every cell alike.")
                                  : QStringLiteral("Runs were grouped cell by cell."));
    return h;
}

// The components' versions and the machine, as each session of an experiment found them
// (sessions.jsonl); a later session that found something else is said, not hidden.
QList<QStringList> sessionFacts(const QList<QJsonObject> &sessions, const QString &what)
{
    QList<QStringList> facts;
    if (sessions.isEmpty())
        return facts;
    auto describe = [](const QJsonObject &session) {
        return html::manifestFacts(session.value(QStringLiteral("environment")).toObject());
    };
    facts = describe(sessions.front());
    QStringList others;
    for (const auto &s : sessions.mid(1))
        if (describe(s) != facts)
            others << esc(s.value(QStringLiteral("started_at")).toString());
    facts.append({what, QStringLiteral("%1 (first %2)%3")
                                                      .arg(sessions.size())
                                                      .arg(esc(sessions.front().value(QStringLiteral("started_at")).toString()))
                                                      .arg(others.isEmpty() ? QStringLiteral(", every one on the same versions")
                                                                            : QStringLiteral("; <b>other versions</b> in those of %1")
                                                                                      .arg(others.join(QStringLiteral(", "))))});
    return facts;
}

// `sessions`: what each session of an experiment (or each run) found, named `what` in the table.
QString environmentHtml(const QList<RunRow> &rows, const QList<QJsonObject> &sessions = {}, const QString &what = {})
{
    QString h = QStringLiteral("<h2>Environment</h2>");
    if (rows.isEmpty())
        return h + QStringLiteral("<p>No runs.</p>");
    const ChaosReport &r = rows.front().run;
    QSet<QString> syncs;
    for (const auto &row : rows)
        syncs.insert(row.run.synchronousMode ? QStringLiteral("on") : QStringLiteral("off"));
    QStringList syncList = syncs.values();
    syncList.sort();
    QList<QStringList> facts{
            {QStringLiteral("Cluster"), esc(r.cluster.isEmpty() ? r.labDir : r.cluster)},
            {QStringLiteral("Lab flavour"), esc(r.flavor)},
            {QStringLiteral("Timing preset"), esc(r.preset.isEmpty() ? QStringLiteral("(not a lab preset)") : r.preset)},
            {QStringLiteral("Patroni timings (GET /config)"),
             QStringLiteral("ttl %1 s, loop_wait %2 s, retry_timeout %3 s").arg(r.ttl).arg(r.loopWait).arg(r.retryTimeout)},
            {QStringLiteral("HAProxy checks"), r.haproxyInterMs ? QStringLiteral("inter %1 ms, fall %2, rise %3").arg(r.haproxyInterMs)
                                                                          .arg(r.haproxyFall).arg(r.haproxyRise)
                                                                : QStringLiteral("—")},
            {QStringLiteral("synchronous_mode"), syncList.join(QStringLiteral(", "))},
            {QStringLiteral("Machine"), esc(QStringLiteral("%1, kernel %2, %3 logical CPUs (the report's machine)")
                                                    .arg(QSysInfo::prettyProductName(), QSysInfo::kernelVersion())
                                                    .arg(QThread::idealThreadCount()))},
            {QStringLiteral("Written by"), esc(QStringLiteral("pgha %1 (Qt %2) on %3")
                                                       .arg(QStringLiteral(PGHA_VERSION), QString::fromLatin1(qVersion()),
                                                            QDateTime::currentDateTimeUtc().toString(Qt::ISODate)))}};
    const QList<QStringList> versions = sessionFacts(sessions, what);
    if (!versions.isEmpty())
        facts.append(versions);
    else if (r.load)
        facts.append({QStringLiteral("pgbench"), esc(r.load->pgbenchVersion)});
    h += table({QStringLiteral("What"), QStringLiteral("Value")}, facts);
    QStringList caveats;
    if (r.ttl > 0 && r.ttl < kPatroniDocumentedMinTtlS)
        caveats << QStringLiteral("ttl %1 s is below the %2 s Patroni documents as its minimum: failover is faster here than a "
                                  "production cluster's.").arg(r.ttl).arg(kPatroniDocumentedMinTtlS);
    if (r.flavor == u"native" || r.flavor == u"docker")
        caveats << QStringLiteral("One machine runs the cluster, the probes and the load: throughput and latency are this "
                                  "machine's, and recovery times include its contention.");
    if (!caveats.isEmpty())
        h += QStringLiteral("<h3>Caveats</h3>") + list(caveats);
    return h;
}

QString summaryTableHtml(const QList<CellSummary> &cells)
{
    const QStringList ids{QStringLiteral("rto"), QStringLiteral("write_gap"), QStringLiteral("pgbench_gap"),
                          QStringLiteral("throughput_recovery"), QStringLiteral("lost_writes"), QStringLiteral("lost_transactions")};
    QStringList header{QStringLiteral("Cell"), QStringLiteral("Runs"), QStringLiteral("Passed"), QStringLiteral("RTO"),
                       QStringLiteral("Write gap"), QStringLiteral("pgbench gap"), QStringLiteral("Throughput back"),
                       QStringLiteral("Lost writes"), QStringLiteral("Lost tx")};
    QList<QStringList> rows;
    for (const auto &c : cells) {
        QStringList row{QStringLiteral("<b>%1</b>").arg(esc(c.key)),
                        QStringLiteral("%1 of %2%3").arg(c.runs).arg(c.planned).arg(c.errors ? QStringLiteral(" (+%1 ERROR)").arg(c.errors) : QString()),
                        QString::number(c.passed)};
        for (const auto &id : ids) {
            const svc::MetricSummary *m = c.metric(id);
            row << (m ? esc(svc::metricCellText(*svc::experimentMetric(id), *m)) : QStringLiteral("—"));
        }
        rows.append(row);
    }
    return QStringLiteral("<p>Medians, (min–max) over the cell's runs; “Lost tx”: pgbench transactions (tpcb-like).</p>")
           + table(header, rows);
}

QString statisticsTableHtml(const QList<CellSummary> &cells)
{
    QList<QStringList> rows;
    for (const auto &c : cells)
        for (const auto &m : c.metrics) {
            const svc::ExperimentMetric *def = svc::experimentMetric(m.id);
            auto v = [def](double x) { return esc(svc::formatMetricValue(*def, x)); };
            rows.append({esc(c.key), esc(def->title), QString::number(m.n), v(m.median), v(m.p95), v(m.min), v(m.max), v(m.mean),
                         m.ciLow && m.ciHigh ? v(*m.ciLow) + QStringLiteral(" – ") + v(*m.ciHigh) : QStringLiteral("—")});
        }
    return table({QStringLiteral("Cell"), QStringLiteral("Figure"), QStringLiteral("n"), QStringLiteral("Median"), QStringLiteral("p95"),
                  QStringLiteral("Min"), QStringLiteral("Max"), QStringLiteral("Mean"), QStringLiteral("95 % CI of the mean")},
                 rows);
}

QString runsTableHtml(const QList<RunRow> &rows)
{
    QList<QStringList> out;
    for (const auto &r : rows) {
        const ChaosReport &c = r.run;
        out.append({esc(r.cell), r.repetition ? QString::number(r.repetition) : QStringLiteral("—"),
                    esc(QDateTime::fromString(c.startedAt, Qt::ISODateWithMs).toUTC().toString(QStringLiteral("MM-dd hh:mm:ss"))),
                    esc(c.verdict), seconds(c.rtoMs), seconds(c.writeGapMs), c.load ? seconds(c.load->gapMs) : QStringLiteral("—"),
                    c.load ? seconds(c.load->throughputRecoveryMs) : QStringLiteral("—"),
                    c.rpo.checked ? QString::number(c.rpo.missing) : QStringLiteral("—"),
                    c.load ? countText(c.load->lostTransactions) : QStringLiteral("—"),
                    esc(c.runId.left(kShortRunId)) + (c.error.isEmpty() ? QString()
                                                                                          : QStringLiteral("<br/>") + esc(c.error))});
    }
    return table({QStringLiteral("Cell"), QStringLiteral("Rep."), QStringLiteral("Started (UTC)"), QStringLiteral("Verdict"),
                  QStringLiteral("RTO"), QStringLiteral("Write gap"), QStringLiteral("pgbench gap"), QStringLiteral("Throughput back"),
                  QStringLiteral("Lost writes"), QStringLiteral("Lost tx"), QStringLiteral("Run")},
                 out);
}

// The figures: a dot plot per figure some cell has, then each cell's median-RTO run under load.
void appendResults(Report &report, const QList<CellSummary> &cells, const QList<RunRow> &rows)
{
    report.blocks.append({QStringLiteral("<h2>Results</h2>") + summaryTableHtml(cells), std::nullopt});
    for (const QString &id : {QStringLiteral("rto"), QStringLiteral("pgbench_gap"), QStringLiteral("throughput_recovery")}) {
        const bool any = std::any_of(cells.cbegin(), cells.cend(), [&id](const CellSummary &c) { return c.metric(id) != nullptr; });
        if (any)
            report.blocks.append({QString(), cellDotPlot(*svc::experimentMetric(id), cells)});
    }
    report.blocks.append({QStringLiteral("<h3>Every figure, per cell</h3>") + statisticsTableHtml(cells), std::nullopt});
    bool heading = false;
    for (const auto &c : cells) {
        const svc::MetricSummary *rto = c.metric(QStringLiteral("rto"));
        const RunRow *chosen = nullptr;
        for (const auto &r : rows)
            if (r.cell == c.key && r.run.load && !r.run.load->seconds.isEmpty() && r.run.verdict != u"ERROR"
                && (!chosen || (rto && r.run.rtoMs && chosen->run.rtoMs
                                && std::abs(*r.run.rtoMs / 1000.0 - rto->median) < std::abs(*chosen->run.rtoMs / 1000.0 - rto->median))))
                chosen = &r;
        if (!chosen)
            continue;
        if (!heading) {
            report.blocks.append({QStringLiteral("<h3>The load through the fault</h3><p>Per cell, the run whose RTO is closest to the "
                                                 "cell's median.</p>"),
                                  std::nullopt});
            heading = true;
        }
        report.blocks.append({QString(), loadTimeline(chosen->run, c.key)});
    }
    report.blocks.append({QStringLiteral("<h2>Every run</h2>") + runsTableHtml(rows), std::nullopt});
}

// Draws a report's figures where QTextDocument put their placeholders: vectors on a PDF.
class FigureHandler : public QObject, public QTextObjectInterface {
    Q_OBJECT
    Q_INTERFACES(QTextObjectInterface)
public:
    FigureHandler(QList<Figure> figures, QObject *parent) : QObject(parent), m_figures(std::move(figures)) {}

    QSizeF intrinsicSize(QTextDocument *doc, int, const QTextFormat &format) override
    {
        const Figure *f = figure(format);
        if (!f)
            return {};
        const QPaintDevice *device = doc->documentLayout()->paintDevice();
        const double scale = device ? device->logicalDpiX() / kPointsPerInch : 1.0;
        return f->sizePt * scale;
    }

    void drawObject(QPainter *painter, const QRectF &rect, QTextDocument *, int, const QTextFormat &format) override
    {
        const Figure *f = figure(format);
        if (!f)
            return;
        painter->save();
        painter->translate(rect.topLeft());
        painter->scale(rect.width() / f->sizePt.width(), rect.height() / f->sizePt.height());
        f->draw(*painter, QRectF(QPointF(0, 0), f->sizePt));
        painter->restore();
    }

private:
    const Figure *figure(const QTextFormat &format) const
    {
        const int i = format.intProperty(kFigureIndexProperty);
        return i >= 0 && i < m_figures.size() ? &m_figures[i] : nullptr;
    }

    QList<Figure> m_figures;
};

QString styleSheet()
{
    return QStringLiteral("body { font-family: 'DejaVu Sans', sans-serif; font-size: %1pt; color: #212121; }"
                          "h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 14pt; } h3 { font-size: 10.5pt; }"
                          "table { border-collapse: collapse; margin: 4pt 0; } th { background: #eeeeee; text-align: left; }"
                          "th, td { border: 1px solid #bdbdbd; padding: 2pt 4pt; vertical-align: top; }"
                          "pre { font-size: 8pt; background: #f5f5f5; padding: 4pt; }")
            .arg(kBodyFontPt);
}

svc::Result<QByteArray> pdfBytes(const Report &report)
{
    QTextDocument doc;
    doc.setDefaultFont(QFont(QStringLiteral("DejaVu Sans"), kBodyFontPt));
    doc.setDefaultStyleSheet(styleSheet());
    doc.setMetaInformation(QTextDocument::DocumentTitle, report.title);
    QList<Figure> figures;
    for (const auto &b : report.blocks)
        if (b.figure)
            figures.append(*b.figure);
    auto *handler = new FigureHandler(figures, &doc);
    doc.documentLayout()->registerHandler(kObjectType, handler);
    QTextCursor cursor(&doc);
    int figureIndex = 0;
    bool first = true;
    for (const auto &b : report.blocks) {
        if (!b.html.isEmpty()) {
            // A block of its own: insertHtml() would run a heading on from the last paragraph.
            // A fresh block format: the block after a list must not become one of its items.
            if (!first)
                cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
            cursor.insertHtml(b.html);
        }
        first = false;
        if (b.figure) {
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
            QTextCharFormat fmt;
            fmt.setObjectType(kObjectType);
            fmt.setProperty(kFigureIndexProperty, figureIndex++);
            cursor.insertText(QString(QChar::ObjectReplacementCharacter), fmt);
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat());
        }
    }
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter pdf(&buffer);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(kPdfResolution);
    pdf.setTitle(report.title);
    pdf.setCreator(QStringLiteral("pgha %1").arg(QStringLiteral(PGHA_VERSION)));
    doc.print(&pdf);
    if (buffer.data().isEmpty())
        return svc::makeError(QStringLiteral("the PDF came out empty"));
    return buffer.data();
}

} // namespace

Report experimentReport(const svc::KeptExperiment &experiment)
{
    const svc::ExperimentPlan &plan = experiment.plan;
    const QList<svc::ExperimentRun> &runs = experiment.runs;
    const QByteArray &planText = experiment.planText;
    Report report;
    report.title = plan.title.isEmpty() ? QStringLiteral("Experiment %1").arg(plan.name) : plan.title;
    const QList<CellSummary> cells = svc::summarizeExperiment(plan, runs);
    QList<RunRow> rows;
    for (const auto &r : runs)
        if (r.fingerprint == plan.fingerprint())
            rows.append({r.cell, r.repetition, r.run});
    int measured = 0;
    for (const auto &c : cells)
        measured += c.runs;
    QString first = rows.isEmpty() ? QString() : rows.front().run.startedAt;
    QString last = rows.isEmpty() ? QString() : rows.back().run.startedAt;
    report.blocks.append({QStringLiteral("<h1>%1</h1><p>Experiment <b>%2</b>: %3 of %4 planned runs measured (%5 cell(s) × %6 "
                                         "repetitions)%7.</p>")
                                  .arg(esc(report.title), esc(plan.name))
                                  .arg(measured).arg(plan.runCount()).arg(cells.size()).arg(plan.repetitions)
                                  .arg(rows.isEmpty() ? QString() : QStringLiteral(", made %1 to %2").arg(esc(first), esc(last))),
                          std::nullopt});
    report.blocks.append({methodHtml(rows, plan.interleaved), std::nullopt});
    report.blocks.append({environmentHtml(rows, experiment.sessions, QStringLiteral("Sessions (a run or a resume)")), std::nullopt});
    appendResults(report, cells, rows);
    report.blocks.append({QStringLiteral("<h2>The plan</h2><pre>%1</pre>").arg(esc(QString::fromUtf8(planText))), std::nullopt});
    return report;
}

Report chaosRunsReport(const QList<ChaosReport> &runs)
{
    Report report;
    report.title = QStringLiteral("Chaos runs");
    QList<RunRow> rows;
    QMap<QString, QList<ChaosReport>> groups;
    QStringList order;
    for (const auto &r : runs) {
        const QString key = QStringLiteral("%1, sync %2").arg(r.faultId, r.synchronousMode ? QStringLiteral("on") : QStringLiteral("off"));
        if (!groups.contains(key))
            order << key;
        groups[key].append(r);
        rows.append({key, 0, r});
    }
    QList<CellSummary> cells;
    for (const auto &key : order)
        cells.append(svc::summarizeCell(key, groups.value(key)));
    report.blocks.append({QStringLiteral("<h1>%1</h1><p>%2 run(s), grouped by fault and synchronous_mode.</p>")
                                  .arg(esc(report.title)).arg(runs.size()),
                          std::nullopt});
    report.blocks.append({methodHtml(rows, false).replace(QStringLiteral("Runs were grouped cell by cell."), QString()), std::nullopt});
    // Each run's environment as a session of its own: a run made against other versions is said.
    QList<QJsonObject> sessions;
    for (const auto &r : runs)
        if (!r.environment.isEmpty())
            sessions.append(QJsonObject{{QStringLiteral("started_at"), r.startedAt}, {QStringLiteral("environment"), r.environment}});
    report.blocks.append({environmentHtml(rows, sessions, QStringLiteral("Runs that recorded it")), std::nullopt});
    appendResults(report, cells, rows);
    return report;
}

svc::Result<QStringList> writeFigures(const Report &report, const QString &dir, int dpi)
{
    if (auto made = svc::fs::makeDir(dir, svc::fs::kGroupReadDir); !made)
        return made.error();
    QStringList written;
    int n = 0;
    for (const auto &b : report.blocks) {
        if (!b.figure)
            continue;
        // "02-pgbench-gap": numbered in the report's order, named after the title.
        QString slug = b.figure->title.toLower();
        slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
        const QString base = QDir(dir).filePath(QStringLiteral("%1-%2").arg(++n, 2, 10, QLatin1Char('0')).arg(slug.left(kMaxSlug).remove(QRegularExpression(QStringLiteral("^-|-$")))));
        for (const QString &ext : {QStringLiteral(".svg"), QStringLiteral(".png")}) {
            if (auto ok = saveFigure(*b.figure, base + ext, dpi); !ok)
                return ok.error();
            written << base + ext;
        }
    }
    return written;
}

QString reportHtml(const Report &report)
{
    QString body;
    for (const auto &b : report.blocks) {
        body += b.html;
        if (b.figure) {
            QString svg = QString::fromUtf8(figureSvg(*b.figure));
            // The XML declaration and doctype do not belong inside an HTML page.
            const qsizetype start = svg.indexOf(QStringLiteral("<svg"));
            if (start > 0)
                svg = svg.mid(start);
            body += QStringLiteral("<figure>%1</figure>").arg(svg);
        }
    }
    return QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title><style>%2"
                          " figure { margin: 8pt 0; } svg { max-width: 100%; height: auto; }</style></head><body>%3</body></html>\n")
            .arg(esc(report.title), styleSheet(), body);
}

svc::Result<bool> writeReport(const Report &report, const QString &path)
{
    QByteArray bytes;
    if (path.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive)) {
        auto pdf = pdfBytes(report);
        if (!pdf)
            return pdf.error();
        bytes = pdf.value();
    } else if (path.endsWith(QStringLiteral(".html"), Qt::CaseInsensitive) || path.endsWith(QStringLiteral(".htm"), Qt::CaseInsensitive)) {
        bytes = reportHtml(report).toUtf8();
    } else {
        return svc::makeError(QStringLiteral("%1: a report is written as .html or .pdf").arg(path),
                              QStringLiteral("name the file FILE.html or FILE.pdf"));
    }
    return svc::fs::writeFileAtomic(path, bytes, svc::fs::kGroupReadFile);
}

} // namespace pgha::reports

#include "reportdocument.moc"

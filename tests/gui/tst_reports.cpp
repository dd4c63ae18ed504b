// Printed reports and their figures, offscreen, from the runs the real experiment runner recorded
// (tests/fixtures/experiment): the figures' PNG at a chosen DPI and SVG, the HTML with its figures
// inline, and the PDF rendered to pages with pdftoppm and looked at (sizes, ink on every page).
#include "reportdocument.h"
#include "reportfigures.h"

#include "experiment/experimentstore.h"

#include <QImage>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>

using namespace pgha;

namespace {

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(PGHA_FIXTURES_DIR "/experiment/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

// Share of pixels that are not (near) white.
double inkShare(const QImage &image)
{
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    qint64 ink = 0;
    for (int y = 0; y < img.height(); y += 2)
        for (int x = 0; x < img.width(); x += 2)
            if (qGray(img.pixel(x, y)) < 200)
                ++ink;
    return double(ink) / (double(img.width() / 2) * double(img.height() / 2));
}

} // namespace

class TestReports : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QFile plan(m_tmp.filePath(QStringLiteral("plan.yaml")));
        QVERIFY(plan.open(QIODevice::WriteOnly));
        m_planText = fixture(QStringLiteral("tiny-plan.yaml"));
        plan.write(m_planText);
        plan.close();
        QFile runs(m_tmp.filePath(QStringLiteral("runs.jsonl")));
        QVERIFY(runs.open(QIODevice::WriteOnly));
        runs.write(fixture(QStringLiteral("tiny-runs.jsonl")));
        runs.close();
        auto kept = svc::loadExperiment(m_tmp.path());
        QVERIFY2(kept.ok(), qPrintable(kept.ok() ? QString() : kept.error().toString()));
        m_kept = kept.value();
        m_plan = m_kept.plan;
        m_runs = m_kept.runs;
        QCOMPARE(m_runs.size(), 4);
    }

    void figureAtTheChosenDpi()
    {
        const auto cells = svc::summarizeExperiment(m_plan, m_runs);
        const reports::Figure f = reports::cellDotPlot(*svc::experimentMetric(QStringLiteral("rto")), cells);
        for (int dpi : {300, 150}) {
            const QString path = m_tmp.filePath(QStringLiteral("rto-%1.png").arg(dpi));
            QVERIFY(reports::saveFigure(f, path, dpi).ok());
            QImage png(path);
            QVERIFY(!png.isNull());
            QCOMPARE(png.width(), qRound(f.sizePt.width() * dpi / 72.0));
            QCOMPARE(png.height(), qRound(f.sizePt.height() * dpi / 72.0));
            QVERIFY2(qAbs(png.dotsPerMeterX() - dpi / 0.0254) < 2, "the PNG says its DPI");
            // The print theme: white paper (the corners), ink where the axes and dots are.
            QCOMPARE(png.pixelColor(2, 2), QColor(Qt::white));
            const double ink = inkShare(png);
            QVERIFY2(ink > 0.005 && ink < 0.3, qPrintable(QString::number(ink)));
        }
        const QString svgPath = m_tmp.filePath(QStringLiteral("rto.svg"));
        QVERIFY(reports::saveFigure(f, svgPath).ok());
        QSvgRenderer svg(svgPath);
        QVERIFY(svg.isValid());
        QCOMPARE(svg.viewBoxF().size(), f.sizePt);
        QFile text(svgPath);
        QVERIFY(text.open(QIODevice::ReadOnly));
        const QByteArray bytes = text.readAll();
        // Vectors and text, not a picture in a frame.
        QVERIFY(bytes.contains("<text") || bytes.contains("font-family"));
        QVERIFY(!bytes.contains("<image"));
    }

    void loadTimelineDrawsTheFault()
    {
        const svc::ChaosReport &run = m_runs.front().run;
        QVERIFY(run.load.has_value());
        const QImage png = reports::figureImage(reports::loadTimeline(run, m_runs.front().cell), 100);
        QVERIFY(inkShare(png) > 0.005);
        png.save(QStringLiteral(PGHA_SCREENSHOT_DIR "/report-load-timeline.png"));
    }

    void htmlIsSelfContained()
    {
        const reports::Report report = reports::experimentReport(m_kept);
        const QString path = m_tmp.filePath(QStringLiteral("report.html"));
        QVERIFY(reports::writeReport(report, path).ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(f.readAll());
        for (const char *part : {"<h2>Method</h2>", "<h2>Environment</h2>", "<h2>Results</h2>", "<h2>Every run</h2>",
                                 "sync=off", "sync=on", "ttl 10 s", "pgbench gap", "95 % CI"})
            QVERIFY2(html.contains(QLatin1String(part)), part);
        // Four figures inline (RTO, pgbench gap, throughput back, one load timeline per cell … ),
        // no external file, no XML prolog inside the page.
        QVERIFY(html.count(QStringLiteral("<svg")) >= 5);
        QVERIFY(!html.contains(QStringLiteral("<?xml")));
        QVERIFY(!html.contains(QStringLiteral("src=\"")));
        QVERIFY(html.contains(QStringLiteral("experiment: tiny")));
    }

    void pdfRendersToPages()
    {
        const reports::Report report = reports::experimentReport(m_kept);
        const QString path = m_tmp.filePath(QStringLiteral("report.pdf"));
        QVERIFY(reports::writeReport(report, path).ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        const QString pdftoppm = QStandardPaths::findExecutable(QStringLiteral("pdftoppm"));
        if (pdftoppm.isEmpty())
            QSKIP("pdftoppm (poppler-utils) is not installed: the PDF's pages cannot be rendered here — scripts/dev.sh deps installs it");
        QProcess render;
        render.start(pdftoppm, {QStringLiteral("-r"), QStringLiteral("40"), QStringLiteral("-png"), path, m_tmp.filePath(QStringLiteral("page"))});
        QVERIFY(render.waitForFinished(60000));
        QCOMPARE(render.exitCode(), 0);
        const QStringList pages = QDir(m_tmp.path()).entryList({QStringLiteral("page-*.png")}, QDir::Files, QDir::Name);
        QVERIFY2(pages.size() >= 3, qPrintable(pages.join(u',')));
        for (const QString &page : pages) {
            const QImage img(m_tmp.filePath(page));
            QVERIFY(!img.isNull());
            // A4 portrait: 210 × 297 mm.
            QVERIFY2(qAbs(double(img.height()) / img.width() - 297.0 / 210.0) < 0.02, qPrintable(page));
            QVERIFY2(inkShare(img) > 0.003, qPrintable(page + QStringLiteral(" is blank")));
        }
        QFile::remove(QStringLiteral(PGHA_SCREENSHOT_DIR "/report-page-2.png"));
        QFile::copy(m_tmp.filePath(pages.value(1)), QStringLiteral(PGHA_SCREENSHOT_DIR "/report-page-2.png"));
    }

    // Two benchmark runs `pgha bench run` kept (tests/fixtures/bench): their report has how
    // pgbench ran, the versions it ran against, each run's figures and their TPS over time.
    void benchRunsReport()
    {
        QFile f(QStringLiteral(PGHA_FIXTURES_DIR "/bench/runs-select-only-c1-c4.jsonl"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QList<svc::BenchResult> runs;
        for (const QByteArray &line : f.readAll().trimmed().split('\n'))
            runs.append(svc::BenchResult::fromJson(QJsonDocument::fromJson(line).object()));
        QCOMPARE(runs.size(), 2);
        const reports::Report report = reports::benchRunsReport(runs);
        const QString html = reports::reportHtml(report);
        for (const auto &r : runs) {
            QVERIFY2(html.contains(r.id), qPrintable(r.id));
            QVERIFY(html.contains(r.configurationText().toHtmlEscaped()));
        }
        for (const char *part : {"<h2>Method</h2>", "pgbench", "Patroni", "PostgreSQL", "p99 ms", "<svg"})
            QVERIFY2(html.contains(QLatin1String(part)), part);
        QVERIFY(!html.contains(QStringLiteral("password")));
        const QString pdf = m_tmp.filePath(QStringLiteral("bench.pdf"));
        QVERIFY(reports::writeReport(report, pdf).ok());
        QFile out(pdf);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QCOMPARE(out.read(5), QByteArray("%PDF-"));
        // The figure's data: one row per run and second.
        const reports::Figure figure = reports::benchThroughput(runs);
        const QList<QByteArray> rows = figure.csv().trimmed().split('\n');
        QCOMPARE(rows.size(), 1 + runs[0].samples.size() + runs[1].samples.size());
    }

    void refusesWhatItCannotWrite()
    {
        const reports::Report report = reports::experimentReport(m_kept);
        auto wrong = reports::writeReport(report, m_tmp.filePath(QStringLiteral("report.docx")));
        QVERIFY(!wrong.ok());
        QVERIFY(wrong.error().hint.contains(QStringLiteral(".pdf")));
        // A symbolic link where the report goes is replaced, the file it pointed to untouched.
        const QString victim = m_tmp.filePath(QStringLiteral("victim.txt"));
        QFile v(victim);
        QVERIFY(v.open(QIODevice::WriteOnly));
        v.write("keep me");
        v.close();
        const QString link = m_tmp.filePath(QStringLiteral("linked.html"));
        QVERIFY(QFile::link(victim, link));
        QVERIFY(reports::writeReport(report, link).ok());
        QVERIFY(!QFileInfo(link).isSymLink());
        QVERIFY(v.open(QIODevice::ReadOnly));
        QCOMPARE(v.readAll(), QByteArray("keep me"));
    }

private:
    QTemporaryDir m_tmp;
    QByteArray m_planText;
    svc::KeptExperiment m_kept;
    svc::ExperimentPlan m_plan;
    QList<svc::ExperimentRun> m_runs;
};

QTEST_MAIN(TestReports)
#include "tst_reports.moc"

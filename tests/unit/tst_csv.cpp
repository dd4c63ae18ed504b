// CSV exports: a cell a spreadsheet would run as a formula is shown as text, and a field with a
// separator, quote or line break stays one field. Every export writes through svc::csvRecord.
#include "eventtimelinemodel.h"

#include "chaos/chaosreport.h"
#include "export/csv.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace pgha::svc;

class TestCsv : public QObject {
    Q_OBJECT
private slots:
    void fields_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("written");
        QTest::newRow("plain") << "pg1" << "pg1";
        QTest::newRow("empty") << "" << "";
        QTest::newRow("formula =") << "=HYPERLINK(\"http://x\")" << "\"'=HYPERLINK(\"\"http://x\"\")\"";
        QTest::newRow("formula +") << "+cmd|' /C calc'!A0" << "'+cmd|' /C calc'!A0";
        QTest::newRow("formula -") << "-2+3+cmd|' /C calc'!A0" << "'-2+3+cmd|' /C calc'!A0";
        QTest::newRow("formula @") << "@SUM(A1:A9)" << "'@SUM(A1:A9)";
        QTest::newRow("leading tab") << "\t=1+1" << "'\t=1+1";
        QTest::newRow("leading CR") << "\r=1+1" << "\"'\r=1+1\"";
        QTest::newRow("negative number stays a number") << "-12" << "-12";
        QTest::newRow("signed decimal stays a number") << "+3.5" << "+3.5";
        QTest::newRow("minus word") << "-" << "'-";
        QTest::newRow("comma") << "a,b" << "\"a,b\"";
        QTest::newRow("quote") << "say \"hi\"" << "\"say \"\"hi\"\"\"";
        QTest::newRow("LF") << "line1\nline2" << "\"line1\nline2\"";
        QTest::newRow("CR inside") << "a\rb" << "\"a\rb\"";
        QTest::newRow("formula and comma") << "=A1,B1" << "\"'=A1,B1\"";
        QTest::newRow("equals later is harmless") << "ttl=20" << "ttl=20";
    }
    void fields()
    {
        QFETCH(QString, value);
        QFETCH(QString, written);
        QCOMPARE(csvField(value), written);
    }

    void record()
    {
        QCOMPARE(csvRecord({QStringLiteral("2026-01-01T00:00:00.000Z"), QStringLiteral("=1+1"), QStringLiteral("a,b"), QString()}),
                 QByteArray("2026-01-01T00:00:00.000Z,'=1+1,\"a,b\",\n"));
        QCOMPARE(csvRecord({QStringLiteral("é")}), QByteArray("\xc3\xa9\n"));   // UTF-8
    }

    // Every CSV export goes through the helper: a member named like a formula (Patroni's names
    // come from whoever configured the cluster) and an error text with commas and line breaks.
    void timelineExport()
    {
        pgha::models::EventTimelineModel timeline;
        pgha::models::ClusterEvent e;
        e.atMs = 1764000000000;
        e.source = QStringLiteral("patroni");
        e.kind = QStringLiteral("member-joined");
        e.subject = QStringLiteral("=HYPERLINK(\"http://x\",\"pg1\")");
        e.text = QStringLiteral("@pg1 joined,\nstreaming");
        timeline.append(e);
        const QList<QByteArray> lines = timeline.toCsv().split('\n');
        QCOMPARE(lines[0], QByteArray("time,severity,source,kind,subject,text"));
        QCOMPARE(lines[1], QByteArray("2025-11-24T16:00:00.000Z,info,patroni,member-joined,\"'=HYPERLINK(\"\"http://x\"\",\"\"pg1\"\")\",\"'@pg1 joined,"));
        QCOMPARE(lines[2], QByteArray("streaming\""));
    }

    void chaosRunsExport()
    {
        ChaosReport run;
        run.runId = QStringLiteral("r1");
        run.faultId = QStringLiteral("crash-primary");
        run.error = QStringLiteral("+cmd|' /C calc'!A0, then \"nothing\"");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.csv"));
        QVERIFY(exportChaosRuns(path, {run}));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QVERIFY(lines[0].startsWith("run_id,"));
        QVERIFY2(lines[1].startsWith("r1,"), lines[1].constData());
        QVERIFY2(lines[1].endsWith(",\"'+cmd|' /C calc'!A0, then \"\"nothing\"\"\""), lines[1].constData());
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"

// Cleans up the shared lab (ctest fixture "lab": runs even when other tests failed) and checks
// that stop leaves no process behind and frees every port.
#include "labtestutil.h"

#include "http/httpclient.h"
#include "lab/labstate.h"

using namespace pgha::svc;

class TestLabStop : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        labtest::useTestLabDir();
    }

    void stopLeavesNothingBehind()
    {
        const QString labDir = LabConfig::defaultLabDir();
        const auto before = NativeLab::inspect(labDir);
        if (!before.state)
            QFAIL("no lab state: the lab fixture never started");
        QList<qint64> pids;
        for (const auto &p : before.state->processes) {
            pids.append(p.pid);
            if (const qint64 pm = proc::postmasterPid(p.dataDir))
                pids.append(pm);
        }

        HttpClient http;
        LabConfig config = before.state->config;
        config.labDir = labDir;
        NativeLab lab(config, &http);
        QSignalSpy stopped(&lab, &NativeLab::stopFinished);
        lab.stop();
        const LabOutcome o = labtest::waitFor(stopped, 90000);
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        qInfo("lab stopped in %.1f s", o.elapsedMs / 1000.0);

        for (qint64 pid : pids)
            QVERIFY2(!proc::isAlive(pid), qPrintable(QString::number(pid)));
        const auto left = labtest::processesMentioning(labDir);
        QVERIFY2(left.isEmpty(), qPrintable(QStringLiteral("still running: %1 process(es)").arg(left.size())));
        const QStringList busy = labtest::busyPorts(config);
        QVERIFY2(busy.isEmpty(), qPrintable(busy.join(u", ")));
        QCOMPARE(NativeLab::inspect(labDir).status, NativeLab::Status::Stopped);
    }
};

QTEST_GUILESS_MAIN(TestLabStop)
#include "tst_labstop.moc"

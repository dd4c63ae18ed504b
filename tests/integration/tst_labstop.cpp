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
        int etcdAlive = 0;
        for (const auto &p : before.state->processes) {
            pids.append(p.pid);
            etcdAlive += p.kind == LabComponentKind::Etcd && proc::isAlive(p.pid, p.startTicks);
            if (const qint64 pm = proc::postmasterPid(p.dataDir))
                pids.append(pm);
        }

        HttpClient http;
        LabConfig config = before.state->config;
        config.labDir = labDir;
        NativeLab lab(config, &http);
        QSignalSpy stopped(&lab, &NativeLab::stopFinished);
        QSignalSpy components(&lab, &NativeLab::componentChanged);
        lab.stop();
        const LabOutcome o = labtest::waitFor(stopped, 90000);
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        qInfo("lab stopped in %.1f s", o.elapsedMs / 1000.0);
        // etcd stops one member at a time, so its leader hands over to a live peer or to none
        // and stops on SIGTERM: no member needs SIGKILL (all at once, the leader did every time).
        int etcdStopped = 0;
        for (const auto &args : std::as_const(components)) {
            const auto s = args.at(0).value<LabComponentStatus>();
            if (s.kind != LabComponentKind::Etcd)
                continue;
            QVERIFY2(!s.detail.contains(u"SIGKILL"), qPrintable(s.name + QStringLiteral(": ") + s.detail));
            etcdStopped += s.state == LabComponentStatus::State::Stopped;
        }
        QCOMPARE(etcdStopped, etcdAlive);

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

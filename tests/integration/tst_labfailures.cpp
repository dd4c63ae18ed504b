// Starting the native lab must fail clearly and leave nothing behind: a taken port, a missing
// program, a member that dies during start, a stale lab directory, a stop while starting.
// Runs on ports offset by 100 in a directory of its own, so it never meets the shared lab.
#include "labtestutil.h"

#include "http/httpclient.h"
#include "lab/labfiles.h"
#include "lab/labstate.h"

#include <QTcpServer>

#include <unistd.h>

#include <algorithm>
#include <QTemporaryDir>

using namespace pgha::svc;

class TestLabFailures : public QObject {
    Q_OBJECT

    static constexpr int kOffset = 100;
    QString m_dir = QStringLiteral(PGHA_TEST_LAB_DIR "-failures");
    HttpClient m_http;

    LabConfig config() const
    {
        LabConfig c;
        c.labDir = m_dir;
        c.ports = LabPorts().withOffset(kOffset);
        return c;
    }

    void assertNothingLeft(const LabConfig &c)
    {
        QTRY_VERIFY_WITH_TIMEOUT(labtest::processesMentioning(m_dir).isEmpty(), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(labtest::busyPorts(c).isEmpty(), 10000);
    }

private slots:
    void init()
    {
        QDir(m_dir).removeRecursively();
    }

    void cleanupTestCase()
    {
        // Whatever happened above, leave no process behind.
        NativeLab lab(config(), &m_http);
        QSignalSpy stopped(&lab, &NativeLab::stopFinished);
        lab.stop();
        labtest::waitFor(stopped, 60000);
        QDir(m_dir).removeRecursively();
    }

    void takenPortNamesItAndStartsNothing()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress(QStringLiteral("127.0.0.1")), quint16(5000 + kOffset)));
        NativeLab lab(config(), &m_http);
        QSignalSpy finished(&lab, &NativeLab::startFinished);
        lab.start({});
        const LabOutcome o = labtest::waitFor(finished, 10000);
        QVERIFY(!o.ok);
        QVERIFY2(o.error.message.contains(QStringLiteral("port %1 (HAProxy read-write) is in use").arg(5000 + kOffset)),
                 qPrintable(o.error.message));
        QVERIFY(o.error.hint.contains(u"--port-offset"));
        QVERIFY(o.error.hint.contains(QStringLiteral("sport = :%1").arg(5000 + kOffset)));
        QVERIFY(labtest::processesMentioning(m_dir).isEmpty());
        QVERIFY(!proc::isPortInUse(QStringLiteral("127.0.0.1"), 2379 + kOffset));   // etcd1 never started
    }

    void missingProgramNamesTheDebianPackage()
    {
        QTemporaryDir empty;
        LabConfig c = config();
        c.binarySearchPath = {empty.path()};
        c.pgBinDir = empty.path();
        NativeLab lab(c, &m_http);
        QSignalSpy finished(&lab, &NativeLab::startFinished);
        lab.start({});
        const LabOutcome o = labtest::waitFor(finished, 10000);
        QVERIFY(!o.ok);
        for (const char *what : {"etcd (Debian package etcd-server)", "patroni (Debian package patroni)",
                                 "pgbouncer (Debian package pgbouncer)", "haproxy (Debian package haproxy)"})
            QVERIFY2(o.error.message.contains(QLatin1String(what)), qPrintable(o.error.message));
        QVERIFY(o.error.hint.contains(u"apt-get install"));
        QVERIFY(labtest::processesMentioning(m_dir).isEmpty());
    }

    void staleDirectoryIsRefusedUntilReuseOrWipe()
    {
        LabState stale;
        stale.phase = LabState::Phase::Running;      // it thought it was running …
        stale.config = config();
        stale.secrets = generateSecrets();
        stale.processes.append({QStringLiteral("etcd1"), LabComponentKind::Etcd, 999999, 1, 999999, {}, {}, {}});  // … but is not
        QVERIFY(QDir().mkpath(m_dir));
        QVERIFY(stale.save(m_dir).ok());
        QCOMPARE(NativeLab::inspect(m_dir).status, NativeLab::Status::Stale);

        NativeLab lab(config(), &m_http);
        QSignalSpy finished(&lab, &NativeLab::startFinished);
        lab.start({});
        const LabOutcome o = labtest::waitFor(finished, 10000);
        QVERIFY(!o.ok);
        QVERIFY(o.staleLab);
        QVERIFY2(o.error.message.contains(u"a lab from an earlier run"), qPrintable(o.error.message));
        QVERIFY(o.error.hint.contains(u"--reuse"));
        QVERIFY(o.error.hint.contains(u"--wipe"));
        QVERIFY(LabState::exists(m_dir));            // nothing was deleted without asking
        QVERIFY(labtest::processesMentioning(m_dir).isEmpty());
    }

    void memberExitingDuringStartShowsItsLogAndStopsTheRest()
    {
        // A real etcd refusing a damaged data directory: reuse a stopped lab whose etcd1 data
        // dir holds a file where etcd expects its "member" directory.
        LabState stopped;
        stopped.phase = LabState::Phase::Stopped;
        stopped.config = config();
        stopped.secrets = generateSecrets();
        QVERIFY(QDir().mkpath(m_dir + QStringLiteral("/etcd1/data")));
        QVERIFY(stopped.save(m_dir).ok());
        QFile damage(m_dir + QStringLiteral("/etcd1/data/member"));
        QVERIFY(damage.open(QIODevice::WriteOnly));
        damage.write("not a directory\n");
        damage.close();
        proc::Account account;
        if (proc::runningAsRoot() && proc::lookupAccount(config().runAsUser, &account))
            for (const char *path : {"/etcd1", "/etcd1/data", "/etcd1/data/member"})   // etcd must reach it to judge it
                QVERIFY(::chown(QFile::encodeName(m_dir + QLatin1String(path)).constData(), account.uid, account.gid) == 0);

        NativeLab lab(config(), &m_http);
        QSignalSpy finished(&lab, &NativeLab::startFinished);
        QSignalSpy components(&lab, &NativeLab::componentChanged);
        lab.start({});
        const LabOutcome o = labtest::waitFor(finished, 60000);
        QVERIFY(!o.ok);
        QVERIFY2(o.error.message.contains(u"etcd1 exited while the lab was starting"), qPrintable(o.error.message));
        QVERIFY2(o.error.message.contains(u"Last lines of"), qPrintable(o.error.message));
        QVERIFY2(o.error.message.contains(u"member"), qPrintable(o.error.message));   // etcd's own words
        bool sawFailed = false;
        for (const auto &args : components)
            sawFailed |= args.at(0).value<LabComponentStatus>().state == LabComponentStatus::State::Failed;
        QVERIFY(sawFailed);
        assertNothingLeft(config());
        QCOMPARE(NativeLab::inspect(m_dir).state->phase, LabState::Phase::Failed);
    }

    void stopWhileStartingLeavesNothing()
    {
        NativeLab lab(config(), &m_http);
        QSignalSpy finished(&lab, &NativeLab::startFinished);
        QSignalSpy stopped(&lab, &NativeLab::stopFinished);
        QSignalSpy stages(&lab, &NativeLab::stageChanged);
        lab.start({NativeLab::StaleAction::Wipe, true});
        // Interrupt once Patroni is being started: the most processes are in flight then.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(stages.begin(), stages.end(),
                                             [](const QList<QVariant> &a) { return a.at(0).toString().contains(u"Patroni"); }),
                                 60000);
        QTest::qWait(1500);
        lab.stop();
        const LabOutcome start = labtest::waitFor(finished, 60000);
        QVERIFY(!start.ok);
        QVERIFY(start.error.message.contains(u"cancelled"));
        const LabOutcome stop = labtest::waitFor(stopped, 60000);
        QVERIFY(stop.ok);
        assertNothingLeft(config());
    }
};

QTEST_GUILESS_MAIN(TestLabFailures)
#include "tst_labfailures.moc"

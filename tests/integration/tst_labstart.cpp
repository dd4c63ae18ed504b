// Sets up the shared lab for the integration and GUI tests (ctest fixture "lab"): the lab
// starts from nothing through the same service the app uses, and reaches healthy.
#include "labtestutil.h"

#include "http/httpclient.h"
#include "lab/labstate.h"
#include "patroni/patronipoller.h"
#include "pg/pgquery.h"

#include <QElapsedTimer>

#include <fcntl.h>
#include <unistd.h>

using namespace pgha::svc;

class TestLabStart : public QObject {
    Q_OBJECT

    HttpClient m_http;

private slots:
    void initTestCase()
    {
        labtest::useTestLabDir();
    }

    void startsFromNothingToHealthy()
    {
        LabConfig config;
        config.labDir = LabConfig::defaultLabDir();
        // The shared lab runs Pgpool-II too, so every test sees both fronts.
        config.withPgpool = true;
        QCOMPARE(config.labDir, QDir(QStringLiteral(PGHA_TEST_LAB_DIR)).absolutePath());
        // From nothing: stop any leftover of an earlier aborted run, then wipe.
        {
            NativeLab old(config, &m_http);
            QSignalSpy stopped(&old, &NativeLab::stopFinished);
            old.stop();
            labtest::waitFor(stopped, 60000);
        }
        QDir(config.labDir).removeRecursively();
        const QStringList busy = labtest::busyPorts(config);
        if (!busy.isEmpty())
            QFAIL(qPrintable(QStringLiteral("the lab's default ports are taken before the test: ") + busy.join(u", ")));

        // A descriptor of ours without close-on-exec (as a test runner's flock is): no daemon may
        // inherit it, or the lock would be held as long as the lab runs.
        const QString marker = QDir::tempPath() + QStringLiteral("/pgha-fd-marker-%1").arg(QCoreApplication::applicationPid());
        const int markerFd = ::open(marker.toLocal8Bit().constData(), O_CREAT | O_RDWR, 0600);
        QVERIFY(markerFd > STDERR_FILENO);

        NativeLab lab(config, &m_http);
        QSignalSpy finished(&lab, &NativeLab::startFinished);
        QSignalSpy progress(&lab, &NativeLab::componentChanged);
        QElapsedTimer clock;
        clock.start();
        lab.start({});
        const LabOutcome o = labtest::waitFor(finished, NativeLab::kStartTimeoutMs + 60000);
        QVERIFY2(o.ok, qPrintable(o.error.toString()));
        QVERIFY(!o.alreadyRunning);
        qInfo("lab healthy after %.1f s (from nothing)", clock.elapsed() / 1000.0);

        QVERIFY(o.health.healthy);
        QVERIFY(!o.health.leader.isEmpty());
        QCOMPARE(o.health.streamingReplicas.size(), 2);
        QVERIFY(!o.health.streamingReplicas.contains(o.health.leader));
        QVERIFY(!o.health.readOnlyAnsweredBy.isEmpty());
        QVERIFY(o.health.readOnlyAnsweredBy != o.health.leader);
        QVERIFY(o.health.writeMs >= 0);

        // Where the time went: every stage of a cold start, in order, the critical path adding
        // up to the total; each replica's clone and the proxies beside it, within the total.
        const LabStartBreakdown &b = o.breakdown;
        for (const QString &line : b.table())
            qInfo("%s", qPrintable(line));
        QCOMPARE(b.flavor, QStringLiteral("native"));
        QVERIFY(b.fromNothing);
        QCOMPARE(b.totalMs(), o.elapsedMs);
        QStringList critical;
        qint64 previousEnd = 0;
        for (const auto &s : b.stages()) {
            QVERIFY2(s.finished(), qPrintable(s.key + QStringLiteral(" did not finish")));
            QVERIFY2(s.startMs >= 0 && s.endMs <= b.totalMs(), qPrintable(s.key));
            if (s.parallel)
                continue;
            critical << s.key;
            QCOMPARE(s.startMs, previousEnd);
            previousEnd = s.endMs;
        }
        QCOMPARE(critical, (QStringList{QStringLiteral("prepare"), QStringLiteral("etcd"), QStringLiteral("bootstrap"),
                                        QStringLiteral("replicas"), QStringLiteral("health")}));
        QCOMPARE(previousEnd, b.totalMs());
        QVERIFY(b.criticalPathMs() <= b.totalMs());
        QVERIFY(b.has(QStringLiteral("proxies")));
        QCOMPARE(b.stage(QStringLiteral("bootstrap"))->note, o.health.leader + QStringLiteral(" leads"));
        for (int i = 0; i < kLabMembers; ++i) {
            const QString member = config.memberName(i);
            QCOMPARE(b.has(QStringLiteral("replica:") + member), member != o.health.leader);
        }

        // Progress was reported for every component, ending ready.
        QSet<QString> ready;
        for (const auto &args : progress) {
            const auto s = args.at(0).value<LabComponentStatus>();
            if (s.state == LabComponentStatus::State::Ready)
                ready.insert(s.name);
        }
        QCOMPARE(ready.size(), static_cast<int>(config.components().size()));

        // State for other processes: 0600, running, every PID alive.
        const QString stateFile = config.labDir + QStringLiteral("/state.json");
        QCOMPARE(QFile::permissions(stateFile) & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteOther), QFileDevice::Permissions());
        const auto report = NativeLab::inspect(config.labDir);
        QCOMPARE(report.status, NativeLab::Status::Running);
        const auto started = LabState::load(config.labDir);
        QVERIFY(started);
        for (const auto &p : started.value().processes) {
            const QDir fds(QStringLiteral("/proc/%1/fd").arg(p.pid));
            for (const QString &fd : fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot))
                QVERIFY2(QFileInfo(fds.filePath(fd)).symLinkTarget() != marker,
                         qPrintable(QStringLiteral("%1 (pid %2) inherited our descriptor %3").arg(p.name).arg(p.pid).arg(fd)));
        }
        ::close(markerFd);
        QFile::remove(marker);
        for (const auto &c : report.components) {
            QVERIFY2(c.alive, qPrintable(c.name));
            QVERIFY2(!c.listening.contains(false), qPrintable(c.name));
        }

        // Started as root, PostgreSQL and PgBouncer run unprivileged.
        if (proc::runningAsRoot()) {
            for (const auto &p : report.state->processes) {
                QFile status(QStringLiteral("/proc/%1/status").arg(p.pid));
                QVERIFY(status.open(QIODevice::ReadOnly));
                const QByteArray text = status.readAll();
                const qsizetype at = text.indexOf("\nUid:");
                QVERIFY(at >= 0);
                QVERIFY2(!text.mid(at, 12).contains("\t0\t"), qPrintable(p.name + QStringLiteral(" runs as root")));
            }
        }
    }

    void patroniClientSeesOneLeaderTwoStreamingReplicas()
    {
        const auto state = LabState::load(LabConfig::defaultLabDir());
        QVERIFY(state.ok());
        const LabConfig &config = state.value().config;
        PatroniPoller poller(&m_http);
        QList<PatroniPoller::Endpoint> endpoints;
        for (int i = 0; i < kLabMembers; ++i)
            endpoints.append({config.memberName(i), QUrl(QStringLiteral("http://127.0.0.1:%1").arg(config.ports.rest[i]))});
        poller.setEndpoints(endpoints);
        QSignalSpy snapshots(&poller, &PatroniPoller::snapshotReady);
        poller.pollOnce();
        QVERIFY(snapshots.wait(5000));
        const auto snap = snapshots.first().at(0).value<ClusterSnapshot>();
        QCOMPARE(snap.members.size(), 3);
        QCOMPARE(snap.leaderCount(), 1);
        const QString leader = snap.leader()->name;
        for (const auto &h : poller.health())
            QVERIFY2(h.reachable, qPrintable(h.label + h.lastError));

        // Patroni 3.0.2 reports replicas as "running"; streaming is what the primary sees.
        PgQuery q({QStringLiteral("127.0.0.1"), config.ports.haproxyReadWrite, QStringLiteral("postgres"),
                   QStringLiteral("postgres"), state.value().secrets.superuser, QStringLiteral("tst"), PgTls::forLab()},
                  QStringLiteral("SELECT application_name, state FROM pg_stat_replication ORDER BY 1"));
        QSignalSpy done(&q, &PgQuery::finished);
        q.start();
        QVERIFY(done.wait(10000));
        const auto r = done.first().at(0).value<PgResult>();
        QVERIFY2(r.ok, qPrintable(r.error));
        QStringList streaming;
        for (const auto &row : r.rows)
            if (row.value(1) == u"streaming")
                streaming.append(row.value(0));
        QCOMPARE(streaming.size(), 2);
        for (const auto &m : snap.members)
            QCOMPARE(streaming.contains(m.name), m.name != leader);
    }
};

QTEST_GUILESS_MAIN(TestLabStart)
#include "tst_labstart.moc"

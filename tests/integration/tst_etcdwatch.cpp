// The etcd watch against a real etcd (Debian's package, one member started here in a
// temporary directory on free loopback ports): the stream opens, events arrive in revision
// order, a restart of etcd is survived without losing an event written meanwhile (revision
// continuity), a compacted revision makes the watcher read the keys again, and the lease clock
// counts a real lease down to its expiry.
#include "etcd/etcdwatcher.h"
#include "http/httpclient.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace pgha::svc;

namespace {
constexpr int kWaitMs = 15000;
constexpr qint64 kEtcdExpiryCheckMs = 500;   // etcd's lessor looks for expired leases this often
constexpr qint64 kSlackMs = 250;
const QString kNamespace = QStringLiteral("/service/");

int freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

PatroniDcsScope scope(const EtcdWatcher &w, const QString &name)
{
    for (const auto &s : w.scopes())
        if (s.scope == name)
            return s;
    return {};
}

QString b64(const QString &s) { return QString::fromLatin1(s.toUtf8().toBase64()); }
} // namespace

class TestEtcdWatch : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_etcd;
    int m_clientPort = 0;
    int m_peerPort = 0;
    HttpClient m_http;

    QUrl base() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_clientPort)); }

    bool startEtcd()
    {
        m_etcd = std::make_unique<QProcess>();
        m_etcd->setProcessChannelMode(QProcess::MergedChannels);
        m_etcd->setStandardOutputFile(m_dir.filePath(QStringLiteral("etcd.log")), QIODevice::Append);
        const QString client = QStringLiteral("http://127.0.0.1:%1").arg(m_clientPort);
        const QString peer = QStringLiteral("http://127.0.0.1:%1").arg(m_peerPort);
        m_etcd->start(QStringLiteral("etcd"), {QStringLiteral("--name"), QStringLiteral("w1"), QStringLiteral("--data-dir"), m_dir.filePath(QStringLiteral("data")),
                                               QStringLiteral("--listen-client-urls"), client, QStringLiteral("--advertise-client-urls"), client,
                                               QStringLiteral("--listen-peer-urls"), peer, QStringLiteral("--initial-advertise-peer-urls"), peer,
                                               QStringLiteral("--initial-cluster"), QStringLiteral("w1=") + peer});
        if (!m_etcd->waitForStarted(5000))
            return false;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < kWaitMs) {
            if (call(QStringLiteral("/v3/maintenance/status"), {}).isSuccess())
                return true;
            QTest::qWait(100);
        }
        return false;
    }

    void killEtcd()
    {
        if (!m_etcd)
            return;
        m_etcd->kill();
        m_etcd->waitForFinished(5000);
        m_etcd.reset();
    }

    HttpResult call(const QString &path, const QJsonObject &body)
    {
        HttpResult out;
        bool done = false;
        m_http.postJson(QUrl(base().toString() + path), QJsonDocument(body).toJson(QJsonDocument::Compact), 2000, this,
                        [&](const HttpResult &r) { out = r; done = true; });
        QElapsedTimer t;
        t.start();
        while (!done && t.elapsed() < 5000)
            QTest::qWait(10);
        return out;
    }
    // The revision of the write.
    qint64 put(const QString &key, const QString &value, const QString &lease = {})
    {
        QJsonObject body{{QStringLiteral("key"), b64(key)}, {QStringLiteral("value"), b64(value)}};
        if (!lease.isEmpty())
            body.insert(QStringLiteral("lease"), lease);
        const HttpResult r = call(QStringLiteral("/v3/kv/put"), body);
        return QJsonDocument::fromJson(r.body).object().value(u"header").toObject().value(u"revision").toString().toLongLong();
    }
    QString grant(int ttlS)
    {
        const HttpResult r = call(QStringLiteral("/v3/lease/grant"), {{QStringLiteral("TTL"), QString::number(ttlS)}});
        return QJsonDocument::fromJson(r.body).object().value(u"ID").toString();
    }

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("etcd")).isEmpty())
            QSKIP("etcd is not installed (apt-get install etcd-server): this test starts a real one");
        QVERIFY(m_dir.isValid());
        m_clientPort = freePort();
        m_peerPort = freePort();
        QVERIFY2(startEtcd(), "etcd did not start: see etcd.log in the temporary directory");
    }
    void cleanupTestCase() { killEtcd(); }

    void watchesAndSurvivesARestart()
    {
        put(QStringLiteral("/service/demo/config"), QStringLiteral(R"({"ttl":10,"loop_wait":2})"));
        EtcdWatcher watcher(&m_http);
        watcher.setEndpoints({{QStringLiteral("w1"), base()}});
        watcher.setNamespace(kNamespace);
        QList<qint64> seen;   // every event's revision, in arrival order
        connect(&watcher, &EtcdWatcher::keysChanged, this, [&](const QList<EtcdWatchEvent> &events, qint64, qint64) {
            for (const auto &e : events)
                seen.append(e.kv.modRevision);
        });
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.isWatching(), kWaitMs);
        QCOMPARE(watcher.scopes().size(), 1);

        QList<qint64> written;
        written.append(put(QStringLiteral("/service/demo/leader"), QStringLiteral("pg1")));
        written.append(put(QStringLiteral("/service/demo/members/pg1"), QStringLiteral(R"({"role":"primary"})")));
        put(QStringLiteral("/elsewhere/key"), QStringLiteral("not watched"));
        QTRY_COMPARE_WITH_TIMEOUT(seen, written, kWaitMs);
        QCOMPARE(scope(watcher, QStringLiteral("demo")).leader, QStringLiteral("pg1"));

        // etcd crashes; it comes back, and keys are written before the watch can reconnect.
        killEtcd();
        // Written only once the watcher has given up for a while: the events must come from
        // the reconnect's start revision, not from a watch that never broke.
        QTRY_COMPARE_WITH_TIMEOUT(watcher.state(), EtcdWatcher::State::Polling, kWaitMs);
        QVERIFY(!watcher.note().isEmpty());
        QVERIFY(startEtcd());
        for (int i = 2; i <= 4; ++i)
            written.append(put(QStringLiteral("/service/demo/members/pg%1").arg(i), QStringLiteral(R"({"role":"replica"})")));
        QTRY_VERIFY_WITH_TIMEOUT(watcher.isWatching(), 20000);   // may have fallen back to polling: retried within 10 s
        QTRY_COMPARE_WITH_TIMEOUT(seen, written, kWaitMs);       // every revision, once, in order
        QVERIFY(watcher.resumedCount() >= 1);
        QCOMPARE(watcher.resyncCount(), 0);
        QCOMPARE(scope(watcher, QStringLiteral("demo")).members.size(), 4);
    }

    void compactedRevisionReadsAgain()
    {
        EtcdWatcher watcher(&m_http);
        watcher.setEndpoints({{QStringLiteral("w1"), base()}});
        watcher.setNamespace(kNamespace);
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.isWatching(), kWaitMs);
        killEtcd();
        QTRY_COMPARE_WITH_TIMEOUT(watcher.state(), EtcdWatcher::State::Polling, kWaitMs);
        QVERIFY(startEtcd());
        put(QStringLiteral("/service/demo/leader"), QStringLiteral("pg2"));
        const qint64 last = put(QStringLiteral("/service/demo/failover"), QStringLiteral(R"({"leader":"pg2","member":"pg3"})"));
        QVERIFY(call(QStringLiteral("/v3/kv/compaction"), {{QStringLiteral("revision"), QString::number(last)}}).isSuccess());
        QTRY_VERIFY_WITH_TIMEOUT(watcher.isWatching(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(watcher.resyncCount(), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(scope(watcher, QStringLiteral("demo")).leader, QStringLiteral("pg2"), kWaitMs);
        QCOMPARE(scope(watcher, QStringLiteral("demo")).failover.value(u"member").toString(), QStringLiteral("pg3"));
    }

    // A real lease of 3 s on the leader key, never renewed: the countdown reaches 0 when etcd
    // deletes the key (etcd checks expiries every 500 ms).
    void leaseCountsDownToTheKeysDeletion()
    {
        EtcdWatcher watcher(&m_http);
        watcher.setEndpoints({{QStringLiteral("w1"), base()}});
        watcher.setNamespace(kNamespace);
        watcher.setScope(QStringLiteral("lease"));
        qint64 deletedAt = 0;
        connect(&watcher, &EtcdWatcher::keysChanged, this, [&](const QList<EtcdWatchEvent> &events, qint64, qint64 at) {
            for (const auto &e : events)
                if (e.type == EtcdWatchEvent::Type::Delete && e.kv.key.endsWith(u"/leader"))
                    deletedAt = at;
        });
        watcher.start();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.isWatching(), kWaitMs);
        const QString lease = grant(3);
        QVERIFY(!lease.isEmpty());
        put(QStringLiteral("/service/lease/config"), QStringLiteral(R"({"loop_wait":1})"));
        put(QStringLiteral("/service/lease/leader"), QStringLiteral("pg1"), lease);
        QTRY_COMPARE_WITH_TIMEOUT(watcher.leaderLease().leaseId(), lease, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.leaderLease().known(), kWaitMs);
        QVERIFY(watcher.leaderLease().remainingMs(QDateTime::currentMSecsSinceEpoch()) <= 3000);
        QTRY_VERIFY_WITH_TIMEOUT(deletedAt > 0, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(watcher.leaderLease().expired(), kWaitMs);
        const qint64 error = deletedAt - watcher.leaderLease().expiresAtMs();
        qInfo("lease clock: expiry estimated %lld ms before the key's deletion arrived (± %lld ms); seen gone at +%lld ms",
              static_cast<long long>(error), static_cast<long long>(watcher.leaderLease().uncertaintyMs()),
              static_cast<long long>(watcher.leaderLease().expiredSeenAtMs() - watcher.leaderLease().expiresAtMs()));
        // The deletion lies in the clock's interval, give or take etcd's expiry check (every
        // 500 ms: never early, up to that late) and a little for this process's timers.
        const qint64 half = watcher.leaderLease().uncertaintyMs();
        QVERIFY2(error >= -half - kSlackMs && error <= half + kEtcdExpiryCheckMs + kSlackMs,
                 "the countdown's end is far from the key's deletion");
        QCOMPARE(watcher.leaderLease().remainingMs(QDateTime::currentMSecsSinceEpoch()), 0);
        QVERIFY(scope(watcher, QStringLiteral("lease")).leader.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestEtcdWatch)
#include "tst_etcdwatch.moc"

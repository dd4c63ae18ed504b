// Every way a source can fail, against the real poller and models: down, slower than the
// timeout, 5xx, garbage, truncated JSON, a 50 MB body. The source shows the reason, the last
// good data stays visible and is marked stale, and the event loop never stalls.
// A real Patroni cannot be made to misbehave on cue, so a small HTTP server in this test
// plays the hostile endpoint; the first answer it gives is a payload recorded from the lab.
#include "clustermodel.h"
#include "clusterobserver.h"
#include "http/httpclient.h"
#include "patroni/patronipoller.h"
#include "eventtimelinemodel.h"
#include "sourcehealthmodel.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace pgha;

class HostileServer : public QObject {
    Q_OBJECT
public:
    enum class Mode { Good, Silent, Error500, Garbage, Truncated, Huge };
    Mode mode = Mode::Good;
    QByteArray good;

    HostileServer()
    {
        QFile f(QStringLiteral(PGHA_FIXTURES_DIR "/patroni/cluster-normal.json"));
        f.open(QIODevice::ReadOnly);
        good = f.readAll();
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] { answer(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_server.serverPort(); }

private:
    void answer(QTcpSocket *s)
    {
        s->readAll();
        auto reply = [s](const QByteArray &status, const QByteArray &body, qint64 declared = -1) {
            s->write("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                     + QByteArray::number(declared < 0 ? body.size() : declared) + "\r\nConnection: close\r\n\r\n" + body);
        };
        switch (mode) {
        case Mode::Good: reply("200 OK", good); break;
        case Mode::Silent: break;   // accept, read, never answer
        case Mode::Error500: reply("503 Service Unavailable", "{\"state\": \"stopped\"}"); break;
        case Mode::Garbage: reply("200 OK", "\x89PNG\r\n\x1a\n not json at all"); break;
        case Mode::Truncated: reply("200 OK", good.left(good.size() / 2), good.size()); s->disconnectFromHost(); break;
        case Mode::Huge: {
            reply("200 OK", QByteArray(), 50 * 1024 * 1024);
            const QByteArray chunk(1024 * 1024, ' ');
            for (int i = 0; i < 50 && s->state() == QAbstractSocket::ConnectedState; ++i)
                s->write(chunk);
            break;
        }
        }
    }
    QTcpServer m_server;
};

class TestSourceFaults : public QObject {
    Q_OBJECT
private slots:
    void eachFailureIsNamedAndDataStaysStale_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("down") << -1 << "refused";
        QTest::newRow("slower than the timeout") << int(HostileServer::Mode::Silent) << "no answer from";
        QTest::newRow("5xx") << int(HostileServer::Mode::Error500) << "HTTP 503";
        QTest::newRow("garbage") << int(HostileServer::Mode::Garbage) << "Patroni /cluster";
        // Cut short before its Content-Length: the HTTP layer says so, before any JSON parse.
        QTest::newRow("truncated JSON") << int(HostileServer::Mode::Truncated) << "ended its answer early";
        QTest::newRow("50 MB body") << int(HostileServer::Mode::Huge) << "MiB";
    }

    void eachFailureIsNamedAndDataStaysStale()
    {
        QFETCH(int, mode);
        QFETCH(QString, mentions);
        auto server = std::make_unique<HostileServer>();
        const quint16 port = server->port();
        svc::HttpClient http;
        models::ClusterObserver observer(&http);
        svc::Profile profile;
        profile.name = QStringLiteral("hostile");
        profile.patroni.append({QStringLiteral("pg1"), QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))});
        observer.setProfile(profile);
        observer.setIntervalMs(500);   // the request timeout is the interval minus a margin
        observer.start();
        QTRY_COMPARE_WITH_TIMEOUT(observer.cluster()->rowCount(), 3, 5000);   // the good answer first
        QVERIFY(!observer.cluster()->isStale());

        if (mode < 0)
            server.reset();   // the port closes: connection refused
        else
            server->mode = static_cast<HostileServer::Mode>(mode);

        // Meanwhile the event loop keeps turning: a 10 ms timer must never be late by seconds.
        QElapsedTimer clock;
        clock.start();
        qint64 worstGap = 0, last = 0;
        QTimer beat;
        beat.setInterval(10);
        connect(&beat, &QTimer::timeout, this, [&] {
            worstGap = std::max(worstGap, clock.elapsed() - last);
            last = clock.elapsed();
        });
        beat.start();

        QTRY_VERIFY_WITH_TIMEOUT(observer.cluster()->isStale(), 10000);
        QCOMPARE(observer.cluster()->rowCount(), 3);   // last good data still there
        svc::SourceHealth health;
        for (const auto &h : observer.sources()->sources())
            if (h.id == u"patroni:pg1")
                health = h;
        QVERIFY(!health.reachable);
        QVERIFY2(health.lastError.contains(mentions, Qt::CaseInsensitive), qPrintable(health.lastError));
        bool named = false;
        for (const auto &e : observer.timeline()->events())
            named |= e.kind == u"source-unreachable" && e.text.contains(mentions, Qt::CaseInsensitive);
        QVERIFY(named);
        QVERIFY2(worstGap < 1000, qPrintable(QStringLiteral("event loop stalled for %1 ms").arg(worstGap)));

        if (server) {   // and it recovers when the source does
            server->mode = HostileServer::Mode::Good;
            QTRY_VERIFY_WITH_TIMEOUT(!observer.cluster()->isStale(), 15000);
        }
    }
};

QTEST_GUILESS_MAIN(TestSourceFaults)
#include "tst_sourcefaults.moc"

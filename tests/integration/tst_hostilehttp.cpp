// Hostile HTTP and HTTPS servers against the real HttpClient (and the polling discipline every
// source shares): a malformed chunked answer, a chunk larger than the body limit, an answer
// that never ends, a server that drips one byte a second. Each request must end within its
// deadline in an error that names the cause, and the event loop must keep turning meanwhile.
// No real component can be made to answer like this on cue, so the servers live in the test,
// on 127.0.0.1 with ports the kernel picks; the https one uses a certificate the lab's own
// certificate code makes with the real `openssl` program.
#include "core/endpointpoller.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "lab/labtls.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>

using namespace pgha;
using Failure = svc::HttpResult::Failure;

namespace {
constexpr int kRequestTimeoutMs = 2000;
// An upper bound for a 2 s request on a loaded 2-core machine; the measured figure is printed.
constexpr qint64 kUpperBoundMs = 4000;
constexpr int kDripPeriodMs = 1000;        // one byte a second
constexpr int kSlowChunkPeriodMs = 100;    // the slow never-ending stream: a 1-byte chunk each 100 ms
constexpr qint64 kEndlessChunkBytes = 64 * 1024;
constexpr qint64 kMaxQueuedBytes = 256 * 1024;   // the fast endless stream writes while less is queued
constexpr int kBeatMs = 10;

const QByteArray kChunkedHead = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
} // namespace

// One way of misbehaving per server. It reads the request's head, then answers as `mode` says
// and keeps the connection open (the client must end the exchange on its own).
class HostileServer : public QObject {
    Q_OBJECT
public:
    enum class Mode { GoodChunked, GoodPlain, NegativeChunk, SixteenDigitChunk, ChunkOverLimit, EndlessFast, EndlessSlow, Drip };

    HostileServer(Mode mode, const QSslConfiguration *tls) : m_mode(mode)
    {
        if (tls) {
            auto *server = new QSslServer(this);
            server->setSslConfiguration(*tls);
            m_server = server;
        } else {
            m_server = new QTcpServer(this);
        }
        m_server->listen(QHostAddress::LocalHost, 0);
        connect(m_server, &QTcpServer::pendingConnectionAvailable, this, [this] {
            while (QTcpSocket *s = m_server->nextPendingConnection()) {
                auto head = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::readyRead, s, [this, s, head] {
                    const bool answered = head->contains("\r\n\r\n");
                    *head += s->readAll();
                    if (!answered && head->contains("\r\n\r\n")) {
                        m_lastHead = *head;
                        answer(s);
                    }
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    quint16 port() const { return m_server->serverPort(); }
    bool listening() const { return m_server->isListening(); }
    QByteArray lastHead() const { return m_lastHead; }   // the last request's head, as received

private:
    void every(QTcpSocket *s, int ms, std::function<void()> step)
    {
        auto *timer = new QTimer(s);   // dies with the connection
        connect(timer, &QTimer::timeout, s, std::move(step));
        timer->start(ms);
    }

    void answer(QTcpSocket *s)
    {
        switch (m_mode) {
        case Mode::GoodChunked:
            s->write(kChunkedHead + "6\r\n{\"a\": \r\n2\r\n1}\r\n0\r\nX-Trailer: yes\r\n\r\n");
            break;
        case Mode::GoodPlain:   // one request per connection, as this server reads only one head
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            s->disconnectFromHost();
            break;
        case Mode::NegativeChunk:
            s->write(kChunkedHead + "-6\r\nhello\r\n");
            break;
        case Mode::SixteenDigitChunk:
            s->write(kChunkedHead + "FFFFFFFFFFFFFFFF\r\n" + QByteArray(1024, 'x'));
            break;
        case Mode::ChunkOverLimit:   // one byte more than HttpClient::kMaxBodyBytes
            s->write(kChunkedHead + QByteArray::number(svc::HttpClient::kMaxBodyBytes + 1, 16) + "\r\n" + QByteArray(1024, 'x'));
            break;
        case Mode::EndlessFast: {
            s->write(kChunkedHead);
            const QByteArray chunk = QByteArray::number(kEndlessChunkBytes, 16) + "\r\n" + QByteArray(kEndlessChunkBytes, 'z') + "\r\n";
            every(s, 1, [s, chunk] {
                while (s->bytesToWrite() < kMaxQueuedBytes)
                    s->write(chunk);
            });
            break;
        }
        case Mode::EndlessSlow:
            s->write(kChunkedHead);
            every(s, kSlowChunkPeriodMs, [s] { s->write("1\r\nz\r\n"); });
            break;
        case Mode::Drip: {   // the head at once, then the body a byte at a time
            s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 64\r\n\r\n");
            auto sent = std::make_shared<int>(0);
            every(s, kDripPeriodMs, [s, sent] {
                if ((*sent)++ < 64)
                    s->write("d");
            });
            break;
        }
        }
    }

    Mode m_mode;
    QTcpServer *m_server = nullptr;
    QByteArray m_lastHead;
};

// A source whose fetch takes longer than the poll interval (several requests in a row, a slow
// query): `requestTimeoutMs` above the interval. Counts the rounds it sees finish.
class SlowFetchPoller : public svc::EndpointPoller {
    Q_OBJECT
public:
    SlowFetchPoller(svc::HttpClient *http, int requestTimeoutMs)
        : EndpointPoller(http, QStringLiteral("test")), m_requestTimeoutMs(requestTimeoutMs) {}

protected:
    void fetch(int index, quint64 generation) override
    {
        http()->get(endpoints().at(index).baseUrl, m_requestTimeoutMs, this, [this, index, generation](const svc::HttpResult &r) {
            finishEndpoint(index, generation, r.elapsedMs, r.error);
        });
    }
    void roundComplete() override {}

private:
    int m_requestTimeoutMs;
};

class TestHostileHttp : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_tlsProblem;   // why the https cases cannot run here, if they cannot
    QSslConfiguration m_serverTls;
    QString m_caFile;

    struct Outcome {
        svc::HttpResult result;
        qint64 elapsedMs = 0;
        qint64 worstBeatGapMs = 0;   // the longest the event loop was away
    };

    // One request through HttpClient, the way every poller sends it; the event loop turns meanwhile.
    Outcome request(svc::HttpClient &http, const QUrl &url, int timeoutMs)
    {
        Outcome out;
        bool done = false;
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0;
        QTimer beat;
        connect(&beat, &QTimer::timeout, this, [&] {
            out.worstBeatGapMs = std::max(out.worstBeatGapMs, clock.elapsed() - last);
            last = clock.elapsed();
        });
        beat.start(kBeatMs);
        // An event loop of its own, not QTest::qWaitFor: that one sleeps 10 ms between its
        // passes, which throttles a fast stream to a chunk per pass.
        QEventLoop loop;
        http.get(url, timeoutMs, this, [&](const svc::HttpResult &r) {
            out.result = r;
            out.elapsedMs = clock.elapsed();
            done = true;
            loop.quit();
        });
        // Past the bound only to report a late answer as late rather than as missing.
        QTimer::singleShot(int(2 * kUpperBoundMs), &loop, &QEventLoop::quit);
        if (!done)
            loop.exec();
        if (!done)
            out.elapsedMs = clock.elapsed();
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty()) {
            m_tlsProblem = QStringLiteral("no `openssl` on PATH (Debian package openssl) to make the test certificate");
            return;
        }
        svc::LabConfig config;
        config.labDir = m_dir.path();
        svc::LabTlsMaker maker(config, openssl, nullptr);
        QSignalSpy finished(&maker, &svc::LabTlsMaker::finished);
        maker.start();
        QVERIFY(finished.wait(30000));
        const QString error = finished.at(0).at(0).toString();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QFile key(svc::labTlsKeyFile(m_dir.path()));
        QVERIFY(key.open(QIODevice::ReadOnly));
        const auto certs = QSslCertificate::fromPath(svc::labTlsCertFile(m_dir.path()));
        QCOMPARE(certs.size(), 1);
        m_serverTls = QSslConfiguration::defaultConfiguration();
        m_serverTls.setLocalCertificate(certs.front());
        m_serverTls.setPrivateKey(QSslKey(key.readAll(), QSsl::Ec));
        m_serverTls.setPeerVerifyMode(QSslSocket::VerifyNone);
        QVERIFY(!m_serverTls.privateKey().isNull());
        m_caFile = svc::labTlsCaFile(m_dir.path());
    }

    // Through the path the app uses for both schemes (HttpExchange; https trusting the test CA
    // like a lab profile).
    void hostileAnswerEndsInANamedError_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("failure");
        QTest::addColumn<QString>("mentions");
        using M = HostileServer::Mode;
        for (const bool tls : {true, false}) {
            auto row = [tls](const char *name) -> QTestData & {
                return QTest::newRow(qPrintable(QStringLiteral("%1: %2").arg(tls ? u"https" : u"http", QLatin1String(name)))) << tls;
            };
            row("valid chunked answer") << int(M::GoodChunked) << int(Failure::None) << QString();
            row("chunk size -6") << int(M::NegativeChunk) << int(Failure::Other)
                                  << "malformed HTTP answer from 127.0.0.1:%1: chunk size '-6' is not a hexadecimal number";
            row("chunk size of 16 hex digits") << int(M::SixteenDigitChunk) << int(Failure::Other)
                                                << "chunk size 'FFFFFFFFFFFFFFFF' has more than 15 hexadecimal digits";
            row("chunk one byte over the body limit") << int(M::ChunkOverLimit) << int(Failure::TooLarge)
                                                       << "answer from 127.0.0.1:%1 is too large: a chunk of 16777217 bytes";
            row("never-ending chunk stream, fast") << int(M::EndlessFast) << int(Failure::TooLarge)
                                                    << "would pass the limit of 16 MiB";
            row("never-ending chunk stream, slow") << int(M::EndlessSlow) << int(Failure::Timeout)
                                                    << "no complete answer from 127.0.0.1:%1 within 2000 ms";
            row("one byte a second") << int(M::Drip) << int(Failure::Timeout)
                                      << "no complete answer from 127.0.0.1:%1 within 2000 ms";
        }
    }

    void hostileAnswerEndsInANamedError()
    {
        QFETCH(bool, tls);
        QFETCH(int, mode);
        QFETCH(int, failure);
        QFETCH(QString, mentions);
        if (tls && !m_tlsProblem.isEmpty())
            QSKIP(qPrintable(m_tlsProblem));
        HostileServer server(static_cast<HostileServer::Mode>(mode), tls ? &m_serverTls : nullptr);
        QVERIFY(server.listening());
        const QUrl url(QStringLiteral("%1://127.0.0.1:%2/cluster").arg(tls ? u"https" : u"http").arg(server.port()));
        svc::HttpClient http;
        svc::HttpSecurity trust;
        trust.caFile = m_caFile;
        trust.settingsName = QStringLiteral("the test's CA");
        http.setSecurity(url, trust);

        const Outcome o = request(http, url, kRequestTimeoutMs);
        qInfo("%s: %lld ms (event loop away at most %lld ms): %s", QTest::currentDataTag(), static_cast<long long>(o.elapsedMs),
              static_cast<long long>(o.worstBeatGapMs), qPrintable(o.result.error.isEmpty() ? QString::fromUtf8(o.result.body) : o.result.error));
        QVERIFY2(o.elapsedMs < kUpperBoundMs, qPrintable(QStringLiteral("took %1 ms").arg(o.elapsedMs)));
        QVERIFY2(o.worstBeatGapMs < kUpperBoundMs, "the event loop stalled");
        QCOMPARE(int(o.result.failure), failure);
        if (failure == int(Failure::None)) {
            QVERIFY2(o.result.isSuccess(), qPrintable(o.result.error));
            QCOMPARE(o.result.body, QByteArray("{\"a\": 1}"));
            return;
        }
        QVERIFY2(o.result.error.contains(mentions.contains(u"%1") ? mentions.arg(server.port()) : mentions), qPrintable(o.result.error));
        QCOMPARE(o.result.status, 0);
    }

    // A server dripping one byte a second: the deadline is for the whole request, not for
    // the gap between two bytes, on http and https alike.
    void dripEndsAtTheDeadline_data()
    {
        QTest::addColumn<bool>("tls");
        QTest::newRow("http") << false;
        QTest::newRow("https") << true;
    }

    void dripEndsAtTheDeadline()
    {
        QFETCH(bool, tls);
        if (tls && !m_tlsProblem.isEmpty())
            QSKIP(qPrintable(m_tlsProblem));
        HostileServer server(HostileServer::Mode::Drip, tls ? &m_serverTls : nullptr);
        QVERIFY(server.listening());
        const QUrl url(QStringLiteral("%1://127.0.0.1:%2/metrics").arg(tls ? u"https" : u"http").arg(server.port()));
        svc::HttpClient http;
        svc::HttpSecurity trust;
        trust.caFile = m_caFile;
        if (tls)
            http.setSecurity(url, trust);

        const Outcome o = request(http, url, kRequestTimeoutMs);
        qInfo("a %d ms request to a server sending 1 byte/s ended after %lld ms: %s", kRequestTimeoutMs,
              static_cast<long long>(o.elapsedMs), qPrintable(o.result.error));
        QVERIFY2(o.elapsedMs < kUpperBoundMs, qPrintable(QStringLiteral("took %1 ms").arg(o.elapsedMs)));
        QVERIFY2(o.elapsedMs >= kRequestTimeoutMs - kBeatMs, "ended before its deadline");
        QCOMPARE(int(o.result.failure), int(Failure::Timeout));
        QVERIFY2(o.result.error.contains(QStringLiteral("from 127.0.0.1:%1 within %2 ms").arg(server.port()).arg(kRequestTimeoutMs)),
                 qPrintable(o.result.error));
    }

    // A URL that carries user info (profiles refuse them; a URL from elsewhere might not) sends
    // none of it: not in the Host header, not in an error text.
    void userInfoNeverLeavesTheClient()
    {
        HostileServer server(HostileServer::Mode::GoodPlain, nullptr);
        QVERIFY(server.listening());
        svc::HttpClient http;
        const Outcome ok = request(http, QUrl(QStringLiteral("http://ops:s3cret@127.0.0.1:%1/cluster").arg(server.port())),
                                   kRequestTimeoutMs);
        QVERIFY2(ok.result.isSuccess(), qPrintable(ok.result.error));
        QVERIFY2(server.lastHead().contains(QStringLiteral("\r\nHost: 127.0.0.1:%1\r\n").arg(server.port()).toUtf8()),
                 server.lastHead().constData());
        QVERIFY2(!server.lastHead().contains("s3cret") && !server.lastHead().contains("ops"), server.lastHead().constData());

        QTcpServer closed;   // a port that was just free: refused
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        const Outcome refused = request(http, QUrl(QStringLiteral("http://ops:s3cret@127.0.0.1:%1/cluster").arg(port)), kRequestTimeoutMs);
        QCOMPARE(int(refused.result.failure), int(Failure::Refused));
        const QString said = refused.result.error + u'\n' + svc::explainHttpFailure(refused.result, QStringLiteral("pg1"));
        QVERIFY2(said.contains(QStringLiteral("127.0.0.1:%1").arg(port)) || said.contains(u"refused"), qPrintable(said));
        QVERIFY2(!said.contains(u"s3cret") && !said.contains(u"ops@"), qPrintable(said));
    }

    // One endpoint busier than the interval must not hold up the others: rounds keep
    // finishing at their interval, the busy endpoint's health says so, and its late answer
    // still lands in its health.
    void pollerLeavesOutABusyEndpoint()
    {
        constexpr int kIntervalMs = 500;
        constexpr int kSlowRequestMs = 4000;   // longer than the interval, on purpose
        constexpr int kWatchMs = 3000;
        HostileServer fast(HostileServer::Mode::GoodPlain, nullptr);
        HostileServer drip(HostileServer::Mode::Drip, nullptr);
        svc::HttpClient http;
        SlowFetchPoller poller(&http, kSlowRequestMs);
        poller.setEndpoints({{QStringLiteral("fast"), QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(fast.port()))},
                             {QStringLiteral("drip"), QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(drip.port()))}});
        poller.setIntervalMs(kIntervalMs);

        QElapsedTimer clock;
        QList<qint64> finishedAt;
        QStringList summaries;
        connect(&poller, &svc::EndpointPoller::roundFinished, this, [&](bool, const QString &error) {
            finishedAt.append(clock.elapsed());
            summaries.append(error);
        });
        clock.start();
        poller.start();
        QTest::qWait(kWatchMs);
        const auto healthOf = [&poller](const QString &label) {
            for (const auto &h : poller.health())
                if (h.id == QStringLiteral("test:") + label)
                    return h;
            return svc::SourceHealth{};
        };

        QStringList gaps;
        qint64 worstGap = finishedAt.isEmpty() ? kWatchMs : finishedAt.front();
        for (qsizetype i = 1; i < finishedAt.size(); ++i) {
            worstGap = std::max(worstGap, finishedAt[i] - finishedAt[i - 1]);
            gaps.append(QString::number(finishedAt[i] - finishedAt[i - 1]));
        }
        qInfo("%lld rounds finished in %d ms at a %d ms interval; first after %lld ms, then gaps of %s ms",
              static_cast<long long>(finishedAt.size()), kWatchMs, kIntervalMs,
              static_cast<long long>(finishedAt.value(0, -1)), qPrintable(gaps.join(u' ')));
        // Six are due; four leave room for a loaded machine, and none of them waits for the drip.
        QVERIFY2(finishedAt.size() >= 4, qPrintable(QStringLiteral("only %1 rounds finished").arg(finishedAt.size())));
        QVERIFY2(worstGap < 3 * kIntervalMs, qPrintable(QStringLiteral("a round took %1 ms").arg(worstGap)));
        const svc::SourceHealth busy = healthOf(QStringLiteral("drip"));
        qInfo("drip's health: %s", qPrintable(busy.lastError));
        QVERIFY(!busy.reachable);
        QVERIFY2(busy.lastError.startsWith(u"still answering the previous request after "), qPrintable(busy.lastError));
        QVERIFY2(summaries.last().contains(u"drip: still answering the previous request"), qPrintable(summaries.last()));
        QVERIFY2(healthOf(QStringLiteral("fast")).reachable, qPrintable(healthOf(QStringLiteral("fast")).lastError));

        // The drip's own request ends at its deadline; that answer, late for every round, is its health now.
        QTRY_VERIFY_WITH_TIMEOUT(healthOf(QStringLiteral("drip")).lastError.contains(u"within 4000 ms"), kSlowRequestMs + 2000);
        qInfo("drip's health after its request ended: %s", qPrintable(healthOf(QStringLiteral("drip")).lastError));
        poller.stop();
    }
};

QTEST_GUILESS_MAIN(TestHostileHttp)
#include "tst_hostilehttp.moc"

// The HTTP/1.x response framing decoder on its own: answers recorded from the lab's real
// components and built-up valid answers decode the same however the bytes are split into reads;
// hostile answers end in an error that names the cause, also when they arrive a byte at a time,
// and an endless answer ends at the body limit instead of growing.
#include "etcd/etcdtypes.h"
#include "fixture.h"
#include "haproxy/haproxystats.h"
#include "http/httpframing.h"
#include "patroni/patroniparser.h"

#include <QTest>

#include <functional>

using namespace pgha::svc;
using State = HttpResponseDecoder::State;
using Failure = HttpResponseDecoder::Failure;

namespace {
constexpr qint64 kLimit = 16 * 1024 * 1024;   // HttpClient's body limit
constexpr qint64 kSmallLimit = 1024;

struct Outcome {
    State state = State::NeedMore;
    Failure failure = Failure::None;
    int status = 0;
    QByteArray body;
    QString error;
};

// Feeds `bytes` in reads of at most `step` bytes (split once at `splitAt` when step is 0), then
// tells the decoder the connection closed when `close` is set.
Outcome decode(const QByteArray &bytes, qint64 limit, bool close, qsizetype splitAt = -1, qsizetype step = 0,
               bool head = false)
{
    HttpResponseDecoder d(limit, head);
    const QByteArrayView all(bytes);
    if (step > 0) {
        for (qsizetype i = 0; i < all.size() && d.state() == State::NeedMore; i += step)
            d.feed(all.sliced(i, std::min(step, all.size() - i)));
    } else if (splitAt >= 0) {
        d.feed(all.first(splitAt));
        d.feed(all.sliced(splitAt));
    } else {
        d.feed(all);
    }
    if (close)
        d.finish();
    return {d.state(), d.failure(), d.status(), d.body(), d.error()};
}

QByteArray chunked(const QByteArray &head, const QList<QByteArray> &chunks, const QByteArray &trailers = {})
{
    QByteArray out = head + "Transfer-Encoding: chunked\r\n\r\n";
    for (const auto &c : chunks)
        out += QByteArray::number(c.size(), 16) + "\r\n" + c + "\r\n";
    return out + "0\r\n" + trailers + "\r\n";
}
} // namespace

class TestHttpFraming : public QObject {
    Q_OBJECT
private slots:
    void validAnswersDecodeAtEverySplit_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("close");   // the body ends with the connection
        QTest::addColumn<bool>("head");    // the answer to a HEAD request
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");

        QTest::newRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello") << false << false << 200
                                        << QByteArray("hello");
        QTest::newRow("chunked, extension, trailers")
                << chunked("HTTP/1.1 200 OK\r\n", {"hello", " world"}, "X-Checksum: 1\r\nX-Other: two\r\n")
                           .replace("5\r\nhello", "5;name=\"v\"\r\nhello")
                << false << false << 200 << QByteArray("hello world");
        QTest::newRow("chunk sizes in upper case, leading zeros")
                << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00A\r\n0123456789\r\n1B \r\n"
                              "abcdefghijklmnopqrstuvwxyz!\r\n000\r\n\r\n")
                << false << false << 200 << QByteArray("0123456789abcdefghijklmnopqrstuvwxyz!");
        QTest::newRow("identity before chunked")
                << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")
                << false << false << 200 << QByteArray("ok");
        QTest::newRow("chunked wins over content-length")
                << chunked("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n", {"abc"}) << false << false << 200 << QByteArray("abc");
        QTest::newRow("closed by the connection (HTTP/1.0)")
                << QByteArray("HTTP/1.0 503 Service Unavailable\r\nServer: BaseHTTP/0.6\r\n\r\n{\"state\": \"stopped\"}") << true
                << false << 503 << QByteArray("{\"state\": \"stopped\"}");
        QTest::newRow("204 has no body") << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n") << false << false
                                         << 204 << QByteArray();
        QTest::newRow("HEAD has no body") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n") << false << true << 200
                                          << QByteArray();
        QTest::newRow("100 Continue first")
                << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok") << false << false
                << 201 << QByteArray("ok");
        QTest::newRow("bare LF line ends") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc") << false << false << 200
                                           << QByteArray("abc");
        QTest::newRow("repeated equal content-length")
                << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 3\r\n\r\nabc") << false << false << 200
                << QByteArray("abc");
        QTest::newRow("no reason phrase") << QByteArray("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n") << false << false << 200
                                          << QByteArray();
        QTest::newRow("bytes after the answer are ignored")
                << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 500 Oops\r\n\r\n") << false << false << 200
                << QByteArray("ok");
    }

    void validAnswersDecodeAtEverySplit()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, close);
        QFETCH(bool, head);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        for (qsizetype split = 0; split <= bytes.size(); ++split) {
            const Outcome o = decode(bytes, kLimit, close, split, 0, head);
            QVERIFY2(o.state == State::Done, qPrintable(QStringLiteral("split at %1: %2").arg(split).arg(o.error)));
            QCOMPARE(o.status, status);
            QCOMPARE(o.body, body);
        }
        const Outcome bytewise = decode(bytes, kLimit, close, -1, 1, head);
        QVERIFY2(bytewise.state == State::Done, qPrintable(bytewise.error));
        QCOMPARE(bytewise.body, body);
    }

    // Answers recorded from the lab's real components (tests/fixtures/README.md, http/): each
    // framing they use decodes to the body their parser expects, whatever the reads.
    void recordedAnswersDecode_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("framing");   // what the component chose
        QTest::addColumn<std::function<bool(const QByteArray &)>>("parses");
        using Parse = std::function<bool(const QByteArray &)>;
        QTest::newRow("patroni /cluster (HTTP/1.0, ends with the connection)")
                << "http/patroni-cluster.txt" << 200 << QByteArray("close") << Parse([](const QByteArray &b) { return parsePatroniCluster(b).ok(); });
        QTest::newRow("patroni /primary on a replica (503)")
                << "http/patroni-primary-503.txt" << 503 << QByteArray("close") << Parse([](const QByteArray &b) { return parsePatroniStatus(b).ok(); });
        QTest::newRow("haproxy stats csv (chunked)")
                << "http/haproxy-stats-csv.txt" << 200 << QByteArray("chunked") << Parse([](const QByteArray &b) { return parseHaproxyCsv(b).ok(); });
        QTest::newRow("etcd v3 range (chunked)")
                << "http/etcd-range-service.txt" << 200 << QByteArray("chunked") << Parse([](const QByteArray &b) { return parseEtcdRange(b).ok(); });
        QTest::newRow("etcd v3 status (content-length)")
                << "http/etcd-status.txt" << 200 << QByteArray("content-length") << Parse([](const QByteArray &b) { return parseEtcdStatus(b).ok(); });
    }

    void recordedAnswersDecode()
    {
        QFETCH(QString, file);
        QFETCH(int, status);
        QFETCH(QByteArray, framing);
        QFETCH(std::function<bool(const QByteArray &)>, parses);
        const QByteArray bytes = readFixture(file);
        HttpResponseDecoder whole(kLimit);
        whole.feed(bytes);
        // Only a body delimited by the connection needs its end; the others are done before it.
        QCOMPARE(whole.state() == State::Done, framing != "close");
        whole.finish();   // the recordings end where the component closed the connection
        QVERIFY2(whole.state() == State::Done, qPrintable(whole.error()));
        QCOMPARE(whole.status(), status);
        QVERIFY2(parses(whole.body()), whole.body().left(80).constData());
        if (framing == "chunked")
            QVERIFY(whole.header("transfer-encoding").contains("chunked"));
        else if (framing == "content-length")
            QCOMPARE(whole.body().size(), whole.header("content-length").toLongLong());
        // Reads of every size from 1 to 17 bytes, and every split of the head, give the same body.
        for (qsizetype step = 1; step <= 17; ++step) {
            const Outcome o = decode(bytes, kLimit, true, -1, step);
            QVERIFY2(o.state == State::Done, qPrintable(o.error));
            QCOMPARE(o.body, whole.body());
        }
        for (qsizetype split = 0; split <= std::min<qsizetype>(bytes.size(), 400); ++split)
            QCOMPARE(decode(bytes, kLimit, true, split).body, whole.body());
    }

    void hostileAnswersNameTheCause_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<bool>("close");
        QTest::addColumn<int>("failure");
        QTest::addColumn<QString>("mentions");
        const QByteArray chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        const auto malformed = int(Failure::Malformed);
        const auto tooLarge = int(Failure::TooLarge);
        const auto truncated = int(Failure::Truncated);

        QTest::newRow("negative chunk size") << chunkedHead + "-6\r\nhello\r\n0\r\n\r\n" << kLimit << false << malformed
                                             << "chunk size '-6' is not a hexadecimal number";
        QTest::newRow("chunk size with 0x") << chunkedHead + "0x10\r\n" << kLimit << false << malformed << "'0x10' is not a hexadecimal";
        QTest::newRow("empty chunk size") << chunkedHead + "\r\n" << kLimit << false << malformed << "is not a hexadecimal number";
        QTest::newRow("chunk size of 16 hex digits") << chunkedHead + "FFFFFFFFFFFFFFFF\r\n" << kLimit << false << malformed
                                                      << "more than 15 hexadecimal digits";
        QTest::newRow("chunk size of 40 zeros") << chunkedHead + QByteArray(40, '0') + "1\r\n" << kLimit << false << malformed
                                                << "more than 15 hexadecimal digits";
        QTest::newRow("chunk one byte over the limit") << chunkedHead + "1000001\r\n" << kLimit << false << tooLarge
                                                       << "a chunk of 16777217 bytes after 0 bytes of body would pass the limit of 16 MiB";
        QTest::newRow("chunks adding up past the limit")
                << chunkedHead + "200\r\n" + QByteArray(0x200, 'a') + "\r\n201\r\n" << kSmallLimit << false << tooLarge
                << "a chunk of 513 bytes after 512 bytes of body would pass the limit of 1024 bytes";
        QTest::newRow("chunk longer than declared") << chunkedHead + "3\r\nhello\r\n0\r\n\r\n" << kLimit << false << malformed
                                                    << "a chunk of 3 bytes is followed by 'lo'";
        QTest::newRow("chunk size with junk after it") << chunkedHead + "5 x\r\nhello\r\n" << kLimit << false << malformed
                                                       << "chunk size '5 x'";
        QTest::newRow("overlong chunk-size line") << chunkedHead + "1;" + QByteArray(9000, 'e') + "\r\n" << kLimit << false
                                                  << malformed << "chunk-size line is longer than 8 KiB";
        QTest::newRow("malformed trailer") << chunkedHead + "0\r\nno colon here\r\n\r\n" << kLimit << false << malformed
                                           << "malformed trailer line 'no colon here'";
        QTest::newRow("gzip coding") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << kLimit << false
                                     << malformed << "unsupported Transfer-Encoding 'gzip, chunked'";
        QTest::newRow("chunked twice") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n") << kLimit
                                       << false << malformed << "unsupported Transfer-Encoding";
        QTest::newRow("content-length over the limit") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 16777217\r\n\r\n") << kLimit
                                                       << false << tooLarge << "announces 16777217 bytes (Content-Length), more than the limit of 16 MiB";
        QTest::newRow("content-length of 30 digits") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: ") + QByteArray(30, '9') + "\r\n\r\n"
                                                     << kLimit << false << tooLarge << "more than 18 digits";
        QTest::newRow("negative content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << kLimit << false
                                                 << malformed << "Content-Length '-1' is not a number";
        QTest::newRow("conflicting content-length")
                << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") << kLimit << false << malformed
                << "conflicting Content-Length values 3 and 4";
        QTest::newRow("overlong header line") << QByteArray("HTTP/1.1 200 OK\r\nX-Big: ") + QByteArray(9000, 'x') + "\r\n\r\n" << kLimit
                                              << false << malformed << "a header line is longer than 8 KiB (got 'X-Big: xxx";
        QTest::newRow("overlong status line") << QByteArray("HTTP/1.1 200 ") + QByteArray(9000, 'x') << kLimit << false << malformed
                                              << "the status line is longer than 8 KiB";
        QByteArray many = "HTTP/1.1 200 OK\r\n";
        for (int i = 0; i <= HttpResponseDecoder::kMaxHeaderLines; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("too many headers") << many + "\r\n" << kLimit << false << malformed << "more than 100 header lines";
        QByteArray heavy = "HTTP/1.1 200 OK\r\n";
        for (int i = 0; i < 80; ++i)
            heavy += "X-H" + QByteArray::number(i) + ": " + QByteArray(1000, 'v') + "\r\n";
        QTest::newRow("headers over 64 KiB") << heavy + "\r\n" << kLimit << false << malformed << "the headers are longer than 64 KiB";
        QTest::newRow("folded header") << QByteArray("HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n") << kLimit << false << malformed
                                       << "obsolete line folding";
        QTest::newRow("header without colon") << QByteArray("HTTP/1.1 200 OK\r\nnonsense\r\n\r\n") << kLimit << false << malformed
                                              << "malformed header line 'nonsense'";
        QTest::newRow("space in header name") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello") << kLimit << false
                                              << malformed << "malformed header line 'Content-Length : 5'";
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH_9.2p1\r\n") << kLimit << false << malformed
                                  << "does not begin with an HTTP/1.x status line (got 'SSH-2.0-OpenSSH_9.2p1')";
        QTest::newRow("binary garbage") << QByteArray("\x16\x03\x01\x02\x00\x01\n", 7) << kLimit << false << malformed
                                        << "(got '\\x16\\x03\\x01\\x02\\x00\\x01')";
        QTest::newRow("HTTP/2 preface") << QByteArray("HTTP/2 200\r\n\r\n") << kLimit << false << malformed << "HTTP/1.x status line";
        QTest::newRow("switching protocols") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n") << kLimit
                                             << false << malformed << "switched protocols (101)";
        QTest::newRow("endless interim answers") << QByteArray("HTTP/1.1 100 Continue\r\n\r\n").repeated(9) << kLimit << false
                                                 << malformed << "more than 8 interim (1xx) answers";
        QTest::newRow("close-delimited body over the limit")
                << QByteArray("HTTP/1.0 200 OK\r\n\r\n") + QByteArray(kSmallLimit + 1, 'b') << kSmallLimit << true << tooLarge
                << "larger than the limit of 1024 bytes";
        QTest::newRow("endless framing") << chunkedHead + ("1;" + QByteArray(4000, 'e') + "\r\nx\r\n").repeated(8) << kSmallLimit << false
                                         << tooLarge << "the chunked framing alone is larger than the body limit of 1024 bytes";
        QTest::newRow("closed before any byte") << QByteArray() << kLimit << true << truncated << "closed before any answer";
        QTest::newRow("closed in the headers") << QByteArray("HTTP/1.1 200 OK\r\nContent-Le") << kLimit << true << truncated
                                               << "in the middle of the headers";
        QTest::newRow("closed in a content-length body")
                << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhe") << kLimit << true << truncated
                << "after 2 of the 5 bytes announced by Content-Length";
        QTest::newRow("closed in a chunked body") << chunkedHead + "5\r\nhello\r\n3\r\nab" << kLimit << true << truncated
                                                  << "in the middle of the chunked body (after 7 bytes)";
    }

    void hostileAnswersNameTheCause()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(qint64, limit);
        QFETCH(bool, close);
        QFETCH(int, failure);
        QFETCH(QString, mentions);
        const Outcome whole = decode(bytes, limit, close);
        QVERIFY2(whole.state == State::Error, qPrintable(QStringLiteral("state %1, body %2 bytes").arg(int(whole.state)).arg(whole.body.size())));
        QCOMPARE(int(whole.failure), failure);
        QVERIFY2(whole.error.contains(mentions), qPrintable(whole.error));
        QVERIFY(whole.body.size() <= limit);
        // The same verdict, whatever the reads: a byte at a time, and split at every point up to 64.
        const Outcome bytewise = decode(bytes, limit, close, -1, 1);
        QCOMPARE(bytewise.error, whole.error);
        for (qsizetype split = 0; split <= std::min<qsizetype>(bytes.size(), 64); ++split)
            QCOMPARE(decode(bytes, limit, close, split).error, whole.error);
    }

    // A server that never stops sending valid chunks: the decoder stops at the body limit,
    // holding no more than the limit, and every read before that is consumed whole.
    void endlessChunkStreamStopsAtTheLimit_data()
    {
        QTest::addColumn<QByteArray>("chunk");
        QTest::newRow("64 KiB chunks") << QByteArray("10000\r\n") + QByteArray(0x10000, 'z') + "\r\n";
        QTest::newRow("1-byte chunks") << QByteArray("1\r\nz\r\n");
        QTest::newRow("1-byte chunks with extensions") << QByteArray("1;a=b;c=d\r\nz\r\n");
    }

    void endlessChunkStreamStopsAtTheLimit()
    {
        QFETCH(QByteArray, chunk);
        constexpr qint64 kLimitHere = 256 * 1024;
        const QByteArray read = chunk.repeated(std::max<qsizetype>(1, 8192 / chunk.size()));
        HttpResponseDecoder d(kLimitHere);
        QCOMPARE(d.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), State::NeedMore);
        qint64 fed = 0;
        // Generous: the framing of 1-byte chunks costs five bytes per byte of body.
        const qint64 worstCase = 8 * kLimitHere + 64 * 1024;
        while (d.state() == State::NeedMore && fed < worstCase) {
            d.feed(read);
            fed += read.size();
        }
        QCOMPARE(d.state(), State::Error);
        QCOMPARE(d.failure(), Failure::TooLarge);
        QVERIFY2(d.error().contains(u"limit of 262144 bytes"), qPrintable(d.error()));
        QVERIFY(d.body().size() <= kLimitHere);
        qInfo("%s after %lld bytes fed: %s", QTest::currentDataTag(), static_cast<long long>(fed), qPrintable(d.error()));
    }
};

QTEST_GUILESS_MAIN(TestHttpFraming)
#include "tst_httpframing.moc"

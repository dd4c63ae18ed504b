#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <utility>

namespace pgha::svc {

// The framing of one HTTP/1.x response — status line, headers, and a body delimited by
// Content-Length, by the chunked coding or by the end of the connection — decoded as the bytes
// arrive. Pure (no I/O, no event loop) so hostile answers can be tested and fuzzed byte by
// byte. Every limit is checked before memory is spent on it, and each call either consumes its
// input or ends in an error: no answer can make it spin, and none can grow it past its limits.
class HttpResponseDecoder {
public:
    enum class State { NeedMore, Done, Error };
    enum class Failure { None, Malformed, TooLarge, Truncated };

    static constexpr qsizetype kMaxLineBytes = 8 * 1024;    // one status, header, chunk-size or trailer line
    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;   // status line and headers together (trailers alike)
    static constexpr int kMaxHeaderLines = 100;             // headers (and trailers) of one answer
    // 15 hex digits stay below 2^60: no overflow, and far above any body limit we allow.
    static constexpr int kMaxChunkSizeDigits = 15;
    static constexpr int kMaxContentLengthDigits = 18;      // below 2^63
    static constexpr int kMaxInterimAnswers = 8;            // "100 Continue" and friends before the answer

    // `headRequest`: the answer to HEAD has headers only, whatever they declare.
    explicit HttpResponseDecoder(qint64 maxBodyBytes, bool headRequest = false);

    // Consumes all of `bytes`; bytes after the end of the answer are ignored.
    State feed(QByteArrayView bytes);
    // The connection ended: that ends a body delimited by it, and truncates any other.
    State finish();

    State state() const;
    Failure failure() const { return m_failure; }
    // Why the answer was refused, for people ("chunk size '-6' is not a hexadecimal number").
    const QString &error() const { return m_error; }
    int status() const { return m_status; }                  // 0 until the status line is read
    bool headComplete() const;
    const QByteArray &body() const { return m_body; }        // decoded; complete once Done
    QByteArray takeBody() { return std::exchange(m_body, {}); }
    // A stream's consumer takes the body as it arrives: the limits then bound what is held
    // at a time (body and chunk framing since the last take), not the stream's length.
    QByteArray takeArrivedBody()
    {
        m_framingBytes = 0;
        return std::exchange(m_body, {});
    }
    // Header values by lower-case name, in arrival order (trailers not included).
    QByteArray header(QByteArrayView lowerName) const;
    qint64 bytesFed() const { return m_bytesFed; }

private:
    enum class Phase { StatusLine, Headers, FixedBody, CloseBody, ChunkSize, ChunkData, ChunkEnd, Trailers, Done, Error };

    qsizetype takeLine(QByteArrayView in);
    void onLine(QByteArrayView line);
    void onStatusLine(QByteArrayView line);
    void onHeaderLine(QByteArrayView line);
    void onHeadEnd();
    void onChunkSizeLine(QByteArrayView line);
    void onTrailerLine(QByteArrayView line);
    qsizetype takeBody(QByteArrayView in);
    void fail(Failure failure, QString error);
    void done() { m_phase = Phase::Done; }
    QString limitText() const;

    qint64 m_maxBody;
    bool m_headRequest;
    Phase m_phase = Phase::StatusLine;
    Failure m_failure = Failure::None;
    QString m_error;
    QByteArray m_line;               // the line being received, without its end
    qsizetype m_headBytes = 0;       // of the current head (or of the trailers)
    int m_headerLines = 0;
    int m_interimAnswers = 0;
    int m_status = 0;
    QList<std::pair<QByteArray, QByteArray>> m_headers;
    qint64 m_contentLength = -1;
    QList<QByteArray> m_codings;     // Transfer-Encoding, in order
    qint64 m_remaining = 0;          // of the Content-Length body or of the current chunk
    qint64 m_chunkSize = 0;
    qint64 m_framingBytes = 0;       // chunk-size lines and CRLFs, bounded like the body
    QByteArray m_body;
    qint64 m_bytesFed = 0;
};

} // namespace pgha::svc

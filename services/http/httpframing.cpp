#include "httpframing.h"

#include <algorithm>

namespace pgha::svc {

namespace {
constexpr qint64 kMiB = 1024 * 1024;
constexpr qsizetype kMaxQuotedBytes = 40;   // of a hostile line quoted in an error

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// RFC 9110 token characters: what a header name may hold.
bool isTokenChar(char c)
{
    if (isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

// Hostile bytes quoted in an error stay printable and short.
QString quoted(QByteArrayView bytes)
{
    QString out;
    for (char c : bytes.first(std::min(bytes.size(), kMaxQuotedBytes))) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f)
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    if (bytes.size() > kMaxQuotedBytes)
        out += QStringLiteral("…");
    return out;
}
} // namespace

HttpResponseDecoder::HttpResponseDecoder(qint64 maxBodyBytes, bool headRequest)
    : m_maxBody(std::max<qint64>(maxBodyBytes, 0)), m_headRequest(headRequest)
{
}

HttpResponseDecoder::State HttpResponseDecoder::state() const
{
    switch (m_phase) {
    case Phase::Done: return State::Done;
    case Phase::Error: return State::Error;
    default: return State::NeedMore;
    }
}

bool HttpResponseDecoder::headComplete() const
{
    return m_phase != Phase::StatusLine && m_phase != Phase::Headers && m_status != 0;
}

QByteArray HttpResponseDecoder::header(QByteArrayView lowerName) const
{
    for (const auto &[name, value] : m_headers)
        if (name == lowerName)
            return value;
    return {};
}

QString HttpResponseDecoder::limitText() const
{
    return m_maxBody % kMiB == 0 ? QStringLiteral("%1 MiB").arg(m_maxBody / kMiB) : QStringLiteral("%1 bytes").arg(m_maxBody);
}

void HttpResponseDecoder::fail(Failure failure, QString error)
{
    if (m_phase == Phase::Error)
        return;
    m_phase = Phase::Error;
    m_failure = failure;
    m_error = std::move(error);
}

HttpResponseDecoder::State HttpResponseDecoder::feed(QByteArrayView bytes)
{
    m_bytesFed += bytes.size();
    qsizetype pos = 0;
    while (pos < bytes.size() && (m_phase != Phase::Done && m_phase != Phase::Error)) {
        const QByteArrayView rest = bytes.sliced(pos);
        qsizetype used = 0;
        switch (m_phase) {
        case Phase::FixedBody:
        case Phase::CloseBody:
        case Phase::ChunkData:
            used = takeBody(rest);
            break;
        default:
            used = takeLine(rest);
            break;
        }
        // Each step takes at least one byte; should one ever not, refuse the answer rather than spin.
        if (used <= 0) {
            fail(Failure::Malformed, QStringLiteral("the decoder made no progress (a bug in pgha; please report it)"));
            break;
        }
        pos += used;
    }
    return state();
}

HttpResponseDecoder::State HttpResponseDecoder::finish()
{
    switch (m_phase) {
    case Phase::Done:
    case Phase::Error:
        break;
    case Phase::CloseBody:
        done();
        break;
    case Phase::StatusLine:
        fail(Failure::Truncated, m_bytesFed == 0 ? QStringLiteral("the connection closed before any answer")
                                                 : QStringLiteral("the connection closed in the middle of the status line"));
        break;
    case Phase::Headers:
        fail(Failure::Truncated, QStringLiteral("the connection closed in the middle of the headers"));
        break;
    case Phase::FixedBody:
        fail(Failure::Truncated, QStringLiteral("the connection closed after %1 of the %2 bytes announced by Content-Length")
                                         .arg(m_body.size()).arg(m_contentLength));
        break;
    case Phase::ChunkSize:
    case Phase::ChunkData:
    case Phase::ChunkEnd:
    case Phase::Trailers:
        fail(Failure::Truncated, QStringLiteral("the connection closed in the middle of the chunked body (after %1 bytes)")
                                         .arg(m_body.size()));
        break;
    }
    return state();
}

qsizetype HttpResponseDecoder::takeLine(QByteArrayView in)
{
    const qsizetype newline = in.indexOf('\n');
    const qsizetype take = newline < 0 ? in.size() : newline + 1;
    const qsizetype content = newline < 0 ? in.size() : newline;
    const bool inHead = m_phase == Phase::StatusLine || m_phase == Phase::Headers || m_phase == Phase::Trailers;
    if (inHead) {
        m_headBytes += take;
        if (m_headBytes > kMaxHeadBytes) {
            fail(Failure::Malformed, QStringLiteral("the %1 are longer than %2 KiB")
                                             .arg(m_phase == Phase::Trailers ? QStringLiteral("trailers") : QStringLiteral("headers"))
                                             .arg(kMaxHeadBytes / 1024));
            return take;
        }
    } else {
        // Chunk-size lines and CRLFs: an endless run of empty chunks ends like an endless body.
        m_framingBytes += take;
        if (m_framingBytes > m_maxBody + kMaxLineBytes) {
            fail(Failure::TooLarge, QStringLiteral("the chunked framing alone is larger than the body limit of %1 "
                                                   "(after %2 bytes of body)").arg(limitText()).arg(m_body.size()));
            return take;
        }
    }
    if (m_line.size() + content > kMaxLineBytes) {
        const qsizetype kib = kMaxLineBytes / 1024;
        // What came of the line so far, however it was split into reads.
        m_line.append(in.first(std::min(content, kMaxQuotedBytes + 1)));
        switch (m_phase) {
        case Phase::StatusLine:
            fail(Failure::Malformed, QStringLiteral("the status line is longer than %1 KiB (got '%2')").arg(kib).arg(quoted(m_line)));
            break;
        case Phase::ChunkSize:
            fail(Failure::Malformed, QStringLiteral("a chunk-size line is longer than %1 KiB (got '%2')").arg(kib).arg(quoted(m_line)));
            break;
        case Phase::ChunkEnd:
            fail(Failure::Malformed, QStringLiteral("a chunk runs past its declared size of %1 bytes").arg(m_chunkSize));
            break;
        default:
            fail(Failure::Malformed, QStringLiteral("a %1 line is longer than %2 KiB (got '%3')")
                                             .arg(m_phase == Phase::Trailers ? QStringLiteral("trailer") : QStringLiteral("header"))
                                             .arg(kib).arg(quoted(m_line)));
            break;
        }
        return take;
    }
    m_line.append(in.first(content));
    if (newline >= 0) {
        QByteArray line = std::exchange(m_line, {});
        if (line.endsWith('\r'))
            line.chop(1);
        onLine(line);
    }
    return take;
}

void HttpResponseDecoder::onLine(QByteArrayView line)
{
    switch (m_phase) {
    case Phase::StatusLine: onStatusLine(line); break;
    case Phase::Headers: onHeaderLine(line); break;
    case Phase::ChunkSize: onChunkSizeLine(line); break;
    case Phase::ChunkEnd:
        if (!line.isEmpty())
            fail(Failure::Malformed, QStringLiteral("a chunk of %1 bytes is followed by '%2' instead of CRLF (its size is wrong)")
                                             .arg(m_chunkSize).arg(quoted(line)));
        else
            m_phase = Phase::ChunkSize;
        break;
    case Phase::Trailers: onTrailerLine(line); break;
    default: break;
    }
}

void HttpResponseDecoder::onStatusLine(QByteArrayView line)
{
    // "HTTP/1.1 200 OK": the version, a space, three digits, then a space and a reason, or nothing.
    constexpr qsizetype kCodeEnd = 12;
    const bool ok = line.startsWith("HTTP/1.") && line.size() >= kCodeEnd && isDigit(line[7]) && line[8] == ' '
            && isDigit(line[9]) && isDigit(line[10]) && isDigit(line[11]) && (line.size() == kCodeEnd || line[kCodeEnd] == ' ');
    if (!ok) {
        fail(Failure::Malformed, QStringLiteral("the answer does not begin with an HTTP/1.x status line (got '%1')").arg(quoted(line)));
        return;
    }
    m_status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    m_phase = Phase::Headers;
}

void HttpResponseDecoder::onHeaderLine(QByteArrayView line)
{
    if (line.isEmpty()) {
        onHeadEnd();
        return;
    }
    if (++m_headerLines > kMaxHeaderLines) {
        fail(Failure::Malformed, QStringLiteral("the answer has more than %1 header lines").arg(kMaxHeaderLines));
        return;
    }
    if (line.front() == ' ' || line.front() == '\t') {
        fail(Failure::Malformed, QStringLiteral("a header line continues the previous one (obsolete line folding): '%1'").arg(quoted(line)));
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView name = colon > 0 ? line.first(colon) : QByteArrayView();
    if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isTokenChar)) {
        fail(Failure::Malformed, QStringLiteral("malformed header line '%1' (expected 'Name: value')").arg(quoted(line)));
        return;
    }
    const QByteArray lowerName = name.toByteArray().toLower();
    const QByteArrayView value = line.sliced(colon + 1).trimmed();
    m_headers.append({lowerName, value.toByteArray()});
    if (lowerName == "content-length") {
        // "5" or, from some proxies, "5, 5": every value must be the same number.
        for (const QByteArray &part : value.toByteArray().split(',')) {
            const QByteArrayView digits = QByteArrayView(part).trimmed();
            if (digits.isEmpty() || !std::all_of(digits.begin(), digits.end(), isDigit)) {
                fail(Failure::Malformed, QStringLiteral("Content-Length '%1' is not a number").arg(quoted(value)));
                return;
            }
            if (digits.size() > kMaxContentLengthDigits) {
                fail(Failure::TooLarge, QStringLiteral("Content-Length '%1' has more than %2 digits").arg(quoted(value)).arg(kMaxContentLengthDigits));
                return;
            }
            const qint64 n = digits.toByteArray().toLongLong();
            if (m_contentLength >= 0 && n != m_contentLength) {
                fail(Failure::Malformed, QStringLiteral("conflicting Content-Length values %1 and %2").arg(m_contentLength).arg(n));
                return;
            }
            m_contentLength = n;
        }
    } else if (lowerName == "transfer-encoding") {
        for (const QByteArray &coding : value.toByteArray().toLower().split(','))
            if (const QByteArray c = coding.trimmed(); !c.isEmpty())
                m_codings.append(c);
    }
}

void HttpResponseDecoder::onHeadEnd()
{
    if (m_status >= 100 && m_status < 200) {
        if (m_status == 101) {
            fail(Failure::Malformed, QStringLiteral("the server switched protocols (101) on a plain request"));
            return;
        }
        if (++m_interimAnswers > kMaxInterimAnswers) {
            fail(Failure::Malformed, QStringLiteral("more than %1 interim (1xx) answers").arg(kMaxInterimAnswers));
            return;
        }
        // An interim answer: the real one follows with a head of its own.
        m_headers.clear();
        m_contentLength = -1;
        m_codings.clear();
        m_headerLines = 0;
        m_headBytes = 0;
        m_status = 0;
        m_phase = Phase::StatusLine;
        return;
    }
    if (m_headRequest || m_status == 204 || m_status == 304)
        return done();
    if (!m_codings.isEmpty()) {
        // We ask for no compression, so "chunked" (last, once) and "identity" are all we accept.
        const auto chunked = std::count(m_codings.cbegin(), m_codings.cend(), QByteArray("chunked"));
        const auto other = std::find_if(m_codings.cbegin(), m_codings.cend(), [](const QByteArray &c) {
            return c != "chunked" && c != "identity";
        });
        if (other != m_codings.cend() || chunked != 1 || m_codings.last() != "chunked") {
            fail(Failure::Malformed, QStringLiteral("unsupported Transfer-Encoding '%1' (only chunked is understood)")
                                             .arg(quoted(m_codings.join(", "))));
            return;
        }
        m_headBytes = 0;
        m_headerLines = 0;
        m_phase = Phase::ChunkSize;
        return;
    }
    if (m_contentLength > m_maxBody) {
        fail(Failure::TooLarge, QStringLiteral("the answer announces %1 bytes (Content-Length), more than the limit of %2")
                                        .arg(m_contentLength).arg(limitText()));
        return;
    }
    if (m_contentLength == 0)
        return done();
    if (m_contentLength > 0) {
        m_remaining = m_contentLength;
        m_phase = Phase::FixedBody;
        return;
    }
    m_phase = Phase::CloseBody;
}

void HttpResponseDecoder::onChunkSizeLine(QByteArrayView line)
{
    qint64 size = 0;
    qsizetype digits = 0;
    for (; digits < line.size() && hexValue(line[digits]) >= 0; ++digits) {
        if (digits == kMaxChunkSizeDigits) {
            fail(Failure::Malformed, QStringLiteral("chunk size '%1' has more than %2 hexadecimal digits")
                                             .arg(quoted(line)).arg(kMaxChunkSizeDigits));
            return;
        }
        size = size * 16 + hexValue(line[digits]);
    }
    if (digits == 0) {
        fail(Failure::Malformed, QStringLiteral("chunk size '%1' is not a hexadecimal number").arg(quoted(line)));
        return;
    }
    // After the size: optional blanks, then nothing or ";extension".
    const QByteArrayView after = line.sliced(digits).trimmed();
    if (!after.isEmpty() && after.front() != ';') {
        fail(Failure::Malformed, QStringLiteral("chunk size '%1' is not a hexadecimal number").arg(quoted(line)));
        return;
    }
    if (size == 0) {
        m_phase = Phase::Trailers;
        return;
    }
    if (size > m_maxBody - m_body.size()) {
        fail(Failure::TooLarge, QStringLiteral("a chunk of %1 bytes after %2 bytes of body would pass the limit of %3")
                                        .arg(size).arg(m_body.size()).arg(limitText()));
        return;
    }
    m_chunkSize = size;
    m_remaining = size;
    m_phase = Phase::ChunkData;
}

void HttpResponseDecoder::onTrailerLine(QByteArrayView line)
{
    if (line.isEmpty())
        return done();
    if (++m_headerLines > kMaxHeaderLines) {
        fail(Failure::Malformed, QStringLiteral("the answer has more than %1 trailer lines").arg(kMaxHeaderLines));
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView name = colon > 0 ? line.first(colon) : QByteArrayView();
    if (name.isEmpty() || !std::all_of(name.begin(), name.end(), isTokenChar))
        fail(Failure::Malformed, QStringLiteral("malformed trailer line '%1' (expected 'Name: value')").arg(quoted(line)));
    // Trailers carry nothing we use: checked for shape, then dropped.
}

qsizetype HttpResponseDecoder::takeBody(QByteArrayView in)
{
    if (m_phase == Phase::CloseBody) {
        if (in.size() > m_maxBody - m_body.size()) {
            fail(Failure::TooLarge, QStringLiteral("the body (ended by closing the connection) is larger than the limit of %1")
                                            .arg(limitText()));
            return in.size();
        }
        m_body.append(in);
        return in.size();
    }
    const qsizetype n = static_cast<qsizetype>(std::min<qint64>(m_remaining, in.size()));
    m_body.append(in.first(n));
    m_remaining -= n;
    if (m_remaining == 0) {
        if (m_phase == Phase::FixedBody)
            done();
        else
            m_phase = Phase::ChunkEnd;
    }
    return n;
}

} // namespace pgha::svc

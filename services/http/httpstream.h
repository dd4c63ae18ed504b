#pragma once

#include "http/httpclient.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace pgha::svc {

class HttpExchange;

// One request whose answer has no set end (etcd's watch): the body's bytes go out as they
// arrive, and the stream ends exactly once, through ended(), when the server ends it, the
// connection breaks or opening it fails. Only opening has a deadline (until the head of a 2xx
// answer): a watch may rightly stay silent for hours, so a silent peer is its owner's to judge
// (e.g. by the same member's status in the next poll round). Made by HttpClient::openStream,
// which applies the origin's credentials and TLS trust as for every other request.
class HttpStream : public QObject {
    Q_OBJECT
public:
    // Bytes of a non-2xx answer kept for the error text; a 2xx body is passed on, never held.
    static constexpr qint64 kMaxErrorBodyBytes = 64 * 1024;

    ~HttpStream() override;

    // Ends the stream without ended(): the owner asked for it.
    void abort();
    bool isOpen() const { return m_open; }
    const QUrl &url() const { return m_url; }

signals:
    // The head of a 2xx answer arrived: the stream is open.
    void opened();
    void bytesArrived(const QByteArray &bytes);
    // `result.error` says why (empty when the server ended a 2xx answer); `status` is the
    // answer's, 0 when none came; `body` holds a non-2xx answer's body (bounded).
    void ended(const pgha::svc::HttpResult &result);

private:
    friend class HttpClient;
    HttpStream(const QUrl &url, int openTimeoutMs, QObject *parent);
    void attach(HttpExchange *exchange);
    void failToOpen(const QString &error);
    void finish(HttpResult result);

    QUrl m_url;
    int m_openTimeoutMs;
    QTimer m_openDeadline;
    QElapsedTimer m_clock;
    // A child of this stream, cleared when handed to deleteLater (no QPointer: GCC's
    // -Wnull-dereference cannot see through it).
    HttpExchange *m_exchange = nullptr;
    bool m_open = false;
    bool m_done = false;
};

} // namespace pgha::svc

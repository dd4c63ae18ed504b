#pragma once

#include "http/httpclient.h"
#include "http/httpframing.h"

#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QSslError>
#include <QTimer>
#include <QUrl>

class QSslSocket;

namespace pgha::svc {

// One HTTP/1.1 request over its own TLS connection ("Connection: close"). HttpClient uses it
// for https instead of QNetworkAccessManager because Patroni's REST server (Python's
// http.server) ends every https answer with close_notify and then waits in ssl unwrap() for the
// client's close_notify before it closes TCP; Qt 6.4's HTTP stack never sends one and waits for
// TCP close, so each answer would end only at the transfer timeout (a 401 never at all). Here a
// close_notify ends the answer, and closing the socket releases the server.
class TlsExchange : public QObject {
    Q_OBJECT
public:
    struct Request {
        QByteArray verb;
        QUrl url;
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QSslConfiguration ssl;
        int timeoutMs = HttpClient::kDefaultTimeoutMs;
        qint64 maxBodyBytes = HttpClient::kMaxBodyBytes;
        // An answer without an end (etcd's watch): the deadline covers the exchange until the
        // head of a 2xx answer; from then on its body goes out through bodyArrived() as it comes.
        bool streaming = false;
    };

    explicit TlsExchange(Request request, QObject *parent = nullptr);
    void start();

    // Valid after finished(): status/body, or error with failure (TLS errors in tlsErrors()).
    const HttpResult &result() const { return m_result; }
    const QList<QSslError> &tlsErrors() const { return m_sslErrors; }
    QString socketError() const { return m_socketError; }

signals:
    void finished();
    void headArrived(int status);
    void bodyArrived(const QByteArray &bytes);

private:
    void onReadable();
    void onClosed();
    void judge(HttpResponseDecoder::State state);
    void succeed();
    void fail(HttpResult::Failure failure, const QString &error);

    Request m_request;
    QSslSocket *m_socket;
    QTimer m_deadline;              // for the whole exchange, not reset by arriving bytes
    HttpResult m_result;
    QList<QSslError> m_sslErrors;
    QString m_socketError;
    HttpResponseDecoder m_decoder;
    bool m_streamOpen = false;
    bool m_done = false;
};

} // namespace pgha::svc

#pragma once

#include "http/httpclient.h"
#include "http/httpframing.h"

#include <QList>
#include <QObject>
#include <QSslError>
#include <QTimer>
#include <QUrl>

class QTcpSocket;

namespace pgha::svc {

// One HTTP/1.1 request over a connection of its own ("Connection: close"), plain or TLS by the
// URL's scheme, on the thread that makes it. HttpClient sends every request through it:
// - https: Patroni's REST server (Python's http.server) ends every https answer with
//   close_notify and then waits in ssl unwrap() for the client's close_notify before it closes
//   TCP; Qt 6.4's HTTP stack (QNetworkAccessManager) never sends one and waits for TCP close,
//   so each answer would end only at the transfer timeout (a 401 never at all). Here a
//   close_notify ends the answer, and closing the socket releases the server.
// - http: the console polls a dozen endpoints every second, most of which (Patroni) close the
//   connection after each answer anyway. QNetworkAccessManager hands every request to its own
//   thread and back, with a reply object, header maps and progress signals on the way: that
//   cost more CPU than everything else the idle console did (docs/observation.md).
// The answer is decoded by HttpResponseDecoder (bounded, hostile answers fail cleanly).
class HttpExchange : public QObject {
    Q_OBJECT
public:
    explicit HttpExchange(HttpRequest request, QObject *parent = nullptr);
    void start();

    // Valid after finished(): status/body, or error with failure (TLS errors in tlsErrors()).
    const HttpResult &result() const { return m_result; }
    const QList<QSslError> &tlsErrors() const { return m_sslErrors; }

signals:
    void finished();
    void headArrived(int status);
    void bodyArrived(const QByteArray &bytes);

private:
    bool isTls() const;
    void sendRequest();
    void onReadable();
    void onClosed();
    void judge(HttpResponseDecoder::State state);
    void succeed();
    void fail(HttpResult::Failure failure, const QString &error);

    HttpRequest m_request;
    QTcpSocket *m_socket;           // a QSslSocket for https
    QTimer m_deadline;              // for the whole exchange, not reset by arriving bytes
    HttpResult m_result;
    QList<QSslError> m_sslErrors;
    QString m_socketError;
    HttpResponseDecoder m_decoder;
    bool m_streamOpen = false;
    bool m_done = false;
};

} // namespace pgha::svc

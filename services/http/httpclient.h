#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace pgha::svc {

struct HttpResult {
    QUrl url;
    int status = 0;          // HTTP status; 0 when no answer came
    QString error;           // empty on a transport-level success (any status)
    QByteArray body;
    qint64 elapsedMs = 0;

    bool transportOk() const { return error.isEmpty(); }
    bool isSuccess() const { return transportOk() && status >= 200 && status < 300; }
};

// Thin async wrapper over one shared QNetworkAccessManager: every request has a transfer
// timeout and a body cap, and completes exactly once through its callback (also on error).
class HttpClient : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 2000;
    static constexpr qint64 kMaxBodyBytes = 16 * 1024 * 1024;

    explicit HttpClient(QObject *parent = nullptr);

    using Callback = std::function<void(const HttpResult &)>;

    // `context` guards the callback: if it is destroyed first, the callback is not called.
    void get(const QUrl &url, int timeoutMs, QObject *context, Callback callback);
    // POST with a JSON body (etcd's v3 gateway takes every read as a POST).
    void postJson(const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context, Callback callback);
    // Any verb (OPTIONS, PATCH, DELETE …); a non-empty body is sent as JSON.
    void send(const QByteArray &verb, const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context,
              Callback callback);

private:
    void track(QNetworkReply *reply, const QUrl &url, int timeoutMs, QObject *context, Callback callback);

    QNetworkAccessManager *m_nam;
};

} // namespace pgha::svc

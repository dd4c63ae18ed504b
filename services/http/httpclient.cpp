#include "httpclient.h"

#include "core/logging.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <memory>

namespace pgha::svc {

HttpClient::HttpClient(QObject *parent)
    : QObject(parent), m_nam(new QNetworkAccessManager(this))
{
    // Polling loopback services: no proxy, ever (a system proxy would turn 127.0.0.1 into a hop).
    m_nam->setProxy(QNetworkProxy::NoProxy);
}

namespace {
QNetworkRequest makeRequest(const QUrl &url, int timeoutMs)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs > 0 ? timeoutMs : HttpClient::kDefaultTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setRawHeader("Accept", "application/json, text/plain, */*");
    return request;
}
} // namespace

void HttpClient::get(const QUrl &url, int timeoutMs, QObject *context, Callback callback)
{
    track(m_nam->get(makeRequest(url, timeoutMs)), url, timeoutMs, context, std::move(callback));
}

void HttpClient::postJson(const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context, Callback callback)
{
    QNetworkRequest request = makeRequest(url, timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    track(m_nam->post(request, body), url, timeoutMs, context, std::move(callback));
}

void HttpClient::send(const QByteArray &verb, const QUrl &url, const QByteArray &body, int timeoutMs, QObject *context,
                      Callback callback)
{
    QNetworkRequest request = makeRequest(url, timeoutMs);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    track(m_nam->sendCustomRequest(request, verb, body), url, timeoutMs, context, std::move(callback));
}

void HttpClient::track(QNetworkReply *reply, const QUrl &url, int timeoutMs, QObject *context, Callback callback)
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;

    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxBodyBytes) {
            reply->setProperty("pghaTooLarge", true);
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [reply, timer, guard, guarded, url, timeoutMs, cb = std::move(callback)] {
        reply->deleteLater();
        HttpResult result;
        result.url = url;
        result.elapsedMs = timer->elapsed();
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const auto netError = reply->error();
        // 4xx/5xx are answers, not transport failures: the caller judges the status.
        const bool answered = result.status != 0;
        if (reply->property("pghaTooLarge").toBool()) {
            result.error = QStringLiteral("answer from %1 is larger than %2 MiB")
                                   .arg(url.authority()).arg(kMaxBodyBytes / (1024 * 1024));
        } else if (netError == QNetworkReply::OperationCanceledError || netError == QNetworkReply::TimeoutError) {
            // setTransferTimeout() aborts the reply, which Qt reports as "Operation canceled".
            result.error = QStringLiteral("no answer from %1 within %2 ms").arg(url.authority()).arg(timeoutMs);
        } else if (netError != QNetworkReply::NoError && !answered) {
            result.error = reply->errorString();
        }
        if (result.error.isEmpty())
            result.body = reply->readAll();
        qCDebug(lcHttp) << url << result.status << result.error << result.elapsedMs << "ms";
        if (guarded && guard.isNull())
            return;
        cb(result);
    });
}

} // namespace pgha::svc

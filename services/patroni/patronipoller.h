#pragma once

#include "core/sourcehealth.h"
#include "patroni/patronitypes.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

namespace pgha::svc {

class HttpClient;

// Polls GET /cluster on every configured Patroni REST API once per interval, never overlapping
// its own requests. Each endpoint is a source with its own health; one merged snapshot is
// emitted per round: the view of a member that calls itself leader, else the freshest answer.
class PatroniPoller : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 1000;
    static constexpr int kMaxBackoffMs = 10000;

    struct Endpoint {
        QString label;   // e.g. "pg1"
        QUrl baseUrl;    // e.g. http://127.0.0.1:8008
    };

    PatroniPoller(HttpClient *http, QObject *parent = nullptr);

    void setEndpoints(const QList<Endpoint> &endpoints);
    void setIntervalMs(int ms);
    int intervalMs() const { return m_timer.interval(); }

    void start();
    void stop();
    void pollOnce();           // one round now (the CLI uses this)
    bool isActive() const { return m_timer.isActive(); }

    QList<SourceHealth> health() const;

signals:
    void snapshotReady(const pgha::svc::ClusterSnapshot &snapshot);
    void healthChanged(const pgha::svc::SourceHealth &health);
    // Emitted after each round; `anyReachable` is false when every endpoint failed.
    void roundFinished(bool anyReachable, const QString &summaryError);

private:
    struct EndpointState {
        Endpoint endpoint;
        SourceHealth health;
        qint64 nextAllowedMs = 0;    // backoff: skip the endpoint until then
        bool inFlight = false;
    };
    struct Answer {
        QString label;
        ClusterSnapshot snapshot;
    };

    void startRound();
    void finishRound();
    int timeoutMs() const;

    HttpClient *m_http;
    QTimer m_timer;
    QList<EndpointState> m_endpoints;
    QList<Answer> m_answers;
    QStringList m_roundErrors;
    int m_pending = 0;
    quint64 m_generation = 0;
};

} // namespace pgha::svc

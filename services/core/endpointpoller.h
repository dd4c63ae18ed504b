#pragma once

#include "core/sourcehealth.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

namespace pgha::svc {

class HttpClient;

// The polling discipline every source shares: one round per interval over a list of
// endpoints, never two fetches of one endpoint at a time, a per-request timeout below the interval,
// backoff for failing endpoints, health per endpoint, and late replies of an old endpoint list
// dropped (generation counter). Subclasses fetch one endpoint and merge a finished round.
// A round never waits for its slowest endpoint beyond the next tick: an endpoint still busy
// with an earlier request is left out (its health says for how long) and the round finishes
// without it; its late answer still updates its health.
class EndpointPoller : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 1000;
    static constexpr int kMaxBackoffMs = 10000;

    struct Endpoint {
        QString label;   // e.g. "pg1", "etcd2", "haproxy"
        QUrl baseUrl;
    };

    EndpointPoller(HttpClient *http, QString sourceKind, QObject *parent = nullptr);

    // Endpoints already polled (same label and URL) keep their health and backoff.
    void setEndpoints(const QList<Endpoint> &endpoints);
    const QList<Endpoint> &endpoints() const { return m_endpointList; }
    void setIntervalMs(int ms);   // raised to the minimum interval, if one is set
    void setMinimumIntervalMs(int ms);
    int intervalMs() const { return m_timer.interval(); }

    void start();
    void stop();
    // A round now, unless one is still out (then nothing: a manual poll never cuts a round short).
    void pollOnce();
    bool isActive() const { return m_timer.isActive(); }
    QList<SourceHealth> health() const;

signals:
    void healthChanged(const pgha::svc::SourceHealth &health);
    // After each round; `anyReachable` is false when every endpoint failed.
    void roundFinished(bool anyReachable, const QString &summaryError);

protected:
    // Fetch endpoint `index`, then call finishEndpoint(index, generation, latency, error) once.
    virtual void fetch(int index, quint64 generation) = 0;
    // Called when every endpoint of the round has answered, or was left out (backoff, or still
    // busy with an earlier request when the next round was due).
    virtual void roundComplete() = 0;
    virtual void roundStarting() {}
    // The endpoint list was replaced (subclasses drop per-endpoint state, e.g. sessions).
    virtual void endpointsChanged() {}
    // How an endpoint is named for people (status bar, events): "pg1 REST", "etcd2" …
    virtual QString displayLabel(const QString &label) const { return label; }

    void finishEndpoint(int index, quint64 generation, qint64 latencyMs, const QString &error);
    int timeoutMs() const;
    // Replies carrying an older generation belong to an endpoint list that was replaced.
    quint64 currentGeneration() const { return m_generation; }
    HttpClient *http() const { return m_http; }
    QString sourceKind() const { return m_kind; }

private:
    struct State {
        Endpoint endpoint;
        SourceHealth health;
        qint64 nextAllowedMs = 0;
        bool inFlight = false;
        bool countedInRound = false;   // the open round waits for its answer
        qint64 fetchStartedMs = 0;
    };
    void onTick();
    void startRound();
    // Finishes the open round without the endpoints that have not answered yet.
    void closeRound(qint64 nowMs);
    // Health of an endpoint left out because its earlier request is still running.
    void reportStillBusy(State &s, qint64 nowMs);
    void emitRoundFinished();

    HttpClient *m_http;
    QString m_kind;
    QTimer m_timer;
    QElapsedTimer m_clock;   // monotonic: how long a round or a request has been out
    QList<Endpoint> m_endpointList;
    QList<State> m_states;
    QStringList m_roundErrors;
    int m_pending = 0;
    int m_answered = 0;
    qint64 m_roundStartedMs = 0;
    quint64 m_generation = 0;
    int m_minIntervalMs = 0;
};

} // namespace pgha::svc

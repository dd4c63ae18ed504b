#pragma once

#include "core/endpointpoller.h"
#include "etcd/etcdleaseclock.h"
#include "etcd/etcdtypes.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace pgha::svc {

class HttpClient;
class HttpStream;

// Follows Patroni's keys in etcd as they change, through a v3 watch on the JSON gateway
// (`POST /v3/watch`, one JSON message per line of a chunked answer), instead of reading them
// every poll round. It reads the namespace once (range, which gives the revision), then
// watches from the next revision; when the stream breaks it reconnects — to the next endpoint
// — from the revision after the last one it saw, so no event is lost (a compacted revision
// makes it read the namespace again, and say so). After kMaxFailures failed attempts in a
// row it reports Polling, with the reason, and keeps trying every kPollingRetryMs.
//
// Beside the keys, the watched scope's leader key lease: `lease/timetolive` every
// kLeaseAskMs, every kLeaseAskFastMs once it has not been renewed for loop_wait + 1 s (the
// holder may be dead: the countdown then needs to be sharp).
class EtcdWatcher : public QObject {
    Q_OBJECT
public:
    enum class State { Off, Connecting, Watching, Polling };
    static constexpr int kOpenTimeoutMs = 2000;
    static constexpr int kRetryMs = 250;
    static constexpr int kMaxRetryMs = 4000;
    static constexpr int kMaxFailures = 3;
    static constexpr int kPollingRetryMs = 10000;
    static constexpr qsizetype kMaxMessageBytes = 4 * 1024 * 1024;
    static constexpr int kLeaseAskMs = 1000;
    static constexpr int kLeaseAskFastMs = 200;
    static constexpr int kLeaseTimeoutMs = 1000;

    explicit EtcdWatcher(HttpClient *http, QObject *parent = nullptr);

    void setEndpoints(const QList<EndpointPoller::Endpoint> &endpoints);
    void setNamespace(const QString &prefix);
    // The scope whose leader lease is followed ("" = the first scope found).
    void setScope(const QString &scope);
    void start();
    void stop();
    // The poller found `label` unreachable: a watch on it may be silent rather than broken.
    void endpointFailed(const QString &label);
    // Another source found the leader key's holder gone: ask its lease every kLeaseAskFastMs
    // from now (and once at once), so the countdown is sharp from the first second.
    void setHolderSuspect(bool suspect);

    State state() const { return m_state; }
    bool isWatching() const { return m_state == State::Watching; }
    // One sentence on where the watch stands ("watching /service/ on etcd2 from revision 812").
    QString note() const { return m_note; }
    const QList<PatroniDcsScope> &scopes() const { return m_scopes; }
    qint64 revision() const { return m_revision; }
    // Reconnects so far that continued from a revision (none lost), and full re-reads.
    int resumedCount() const { return m_resumed; }
    int resyncCount() const { return m_resyncs; }
    const EtcdLeaseClock &leaderLease() const { return m_lease; }
    // When the clock began following the current lease (epoch ms).
    qint64 leaseFollowedAtMs() const { return m_leaseFollowedMs; }
    // The watched scope's loop_wait from its /config key (Patroni's default until known).
    int loopWaitS() const;

signals:
    void stateChanged(pgha::svc::EtcdWatcher::State state, const QString &note);
    // The keys after a read or after a message with events (`events` empty after a read);
    // `receivedAtMs` is when the message arrived (epoch ms).
    void keysChanged(const QList<pgha::svc::EtcdWatchEvent> &events, qint64 revision, qint64 receivedAtMs);
    void leaseUpdated();

private:
    void connectNow();
    void readNamespace(const EndpointPoller::Endpoint &endpoint);
    void openWatch(const EndpointPoller::Endpoint &endpoint);
    void onBytes(const QByteArray &bytes);
    void onMessage(const QByteArray &line);
    void failed(const QString &why);
    void setState(State state, const QString &note);
    void askLease();
    void followLeaderLease();
    void keysUpdated();

    HttpClient *m_http;
    QList<EndpointPoller::Endpoint> m_endpoints;
    QString m_namespace = QStringLiteral("/service/");
    QString m_scope;
    bool m_running = false;
    State m_state = State::Off;
    QString m_note;
    int m_current = 0;               // endpoint index
    QPointer<HttpStream> m_stream;
    QByteArray m_carry;              // a message split over reads
    QMap<QString, EtcdKeyValue> m_keys;
    QList<PatroniDcsScope> m_scopes;   // derived from m_keys after each change
    qint64 m_revision = 0;           // the last revision seen (0: read the namespace first)
    bool m_created = false;
    int m_failures = 0;
    int m_resumed = 0;
    int m_resyncs = 0;
    quint64 m_attempt = 0;           // answers of an abandoned attempt are dropped
    QTimer m_retry;
    QTimer m_leaseTimer;
    bool m_leaseInFlight = false;
    EtcdLeaseClock m_lease;
    qint64 m_leaseFollowedMs = 0;
    bool m_holderSuspect = false;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::EtcdWatcher::State)

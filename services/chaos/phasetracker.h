#pragma once

#include "http/httpclient.h"
#include "patroni/patroniclient.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

namespace pgha::svc {

// Watches the control planes while a fault runs, every 100 ms, and time-stamps every change on
// the probes' clock: who holds the leader key in etcd, which member answers 200 on /primary,
// and how HAProxy's read-write proxy marks each server. The phases of a failover are read off
// these transitions afterwards.
class PhaseTracker : public QObject {
    Q_OBJECT
public:
    static constexpr int kTickMs = 100;
    static constexpr int kRequestTimeoutMs = 800;

    struct Sources {
        QList<MemberApi> members;
        QList<QUrl> etcd;        // client URLs
        QString leaderKey;       // /service/<scope>/leader
        bool etcdV2 = false;     // Patroni on etcd's v2 API (`etcd:`): the key read with GET /v2/keys
        QUrl haproxyStats;       // …/stats;csv (empty: no HAProxy)
        QString readWriteProxy = QStringLiteral("read_write");
        QHash<QString, QString> serverMembers;   // HAProxy server name → member (else the server's name)
    };
    // One observed change. `value` is the new state: the leader key's holder ("" = gone), "200"
    // or another status (or "no answer") for /primary, HAProxy's status text for a server.
    struct Transition {
        qint64 atMs = 0;
        QString source;          // "etcd", "pg2 /primary", "HAProxy pg1"
        QString subject;         // etcd: "leader"; /primary and HAProxy: the member name
        QString value;
    };

    PhaseTracker(Sources sources, HttpClient *http, const QElapsedTimer *clock, QObject *parent = nullptr);

    void start();
    void stop();

    const QList<Transition> &transitions() const { return m_transitions; }
    QString leaderKeyHolder() const { return m_leaderKey; }
    // The first transition at or after `fromMs` of `source kind` matching, or nullptr.
    const Transition *firstAfter(qint64 fromMs, const std::function<bool(const Transition &)> &match) const;

signals:
    void transition(const pgha::svc::PhaseTracker::Transition &t);
    // An HAProxy server found to be `member`'s while the fault ran (see learnServer()).
    void learned(const QString &server, const QString &member);

private:
    void tick();
    void askEtcd();
    void askEtcdV2(QUrl url);
    void askPrimary(int index);
    void askHaproxy();
    void learnServer(const QString &server);
    void record(const QString &source, const QString &subject, const QString &value);
    qint64 now() const { return m_clock->elapsed(); }

    Sources m_sources;
    HttpClient *m_http;
    PatroniClient m_patroni;
    const QElapsedTimer *m_clock;
    QTimer m_timer;
    bool m_running = false;
    int m_etcdIndex = 0;
    QHash<QString, bool> m_inFlight;
    QHash<QString, QString> m_last;   // source → last value
    QString m_leaderKey;
    QList<Transition> m_transitions;
    quint64 m_generation = 0;
};

} // namespace pgha::svc

#include "etcdwatcher.h"

#include "core/logging.h"
#include "http/httpclient.h"
#include "http/httpstream.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace pgha::svc {

namespace {
constexpr int kDefaultLoopWaitS = 10;   // Patroni's default, until /config says otherwise
constexpr qint64 kSecondMs = 1000;

QUrl withPath(QUrl base, const QString &path)
{
    base.setPath(path);
    return base;
}

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }
} // namespace

EtcdWatcher::EtcdWatcher(HttpClient *http, QObject *parent) : QObject(parent), m_http(http)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &EtcdWatcher::connectNow);
    m_leaseTimer.setInterval(kLeaseAskMs);
    connect(&m_leaseTimer, &QTimer::timeout, this, &EtcdWatcher::askLease);
}

void EtcdWatcher::setEndpoints(const QList<EndpointPoller::Endpoint> &endpoints)
{
    const bool running = m_running;
    stop();
    m_endpoints = endpoints;
    m_current = 0;
    if (running)
        start();
}

void EtcdWatcher::setNamespace(const QString &prefix)
{
    QString p = prefix.isEmpty() ? QStringLiteral("/service/") : prefix;
    if (!p.endsWith(QLatin1Char('/')))
        p += QLatin1Char('/');
    if (p == m_namespace)
        return;
    const bool running = m_running;
    stop();
    m_namespace = p;
    if (running)
        start();
}

void EtcdWatcher::setScope(const QString &scope)
{
    m_scope = scope;
    followLeaderLease();
}

void EtcdWatcher::start()
{
    if (m_running || m_endpoints.isEmpty())
        return;
    m_running = true;
    m_failures = 0;
    m_leaseTimer.start();
    connectNow();
}

void EtcdWatcher::stop()
{
    m_running = false;
    ++m_attempt;
    m_retry.stop();
    m_leaseTimer.stop();
    if (m_stream)
        m_stream->deleteLater();   // aborts it
    m_stream = nullptr;
    m_carry.clear();
    m_keys.clear();
    m_scopes.clear();
    m_revision = 0;
    m_created = false;
    m_lease.clear();
    m_leaseInFlight = false;
    m_holderSuspect = false;
    setState(State::Off, {});
}

void EtcdWatcher::keysUpdated()
{
    // Parsed once per change: the lease clock and the observer ask for the scopes many times.
    m_scopes = patroniScopesFromKeys(m_keys.values(), m_namespace);
}

void EtcdWatcher::connectNow()
{
    if (!m_running || m_endpoints.isEmpty())
        return;
    const auto &endpoint = m_endpoints.at(m_current % m_endpoints.size());
    if (m_state != State::Polling)
        setState(State::Connecting, tr("opening the watch of %1 on %2").arg(m_namespace, endpoint.label));
    if (m_revision == 0)
        readNamespace(endpoint);
    else
        openWatch(endpoint);
}

void EtcdWatcher::readNamespace(const EndpointPoller::Endpoint &endpoint)
{
    const quint64 attempt = ++m_attempt;
    m_http->postJson(withPath(endpoint.baseUrl, QStringLiteral("/v3/kv/range")), etcdRangeRequest(m_namespace), kOpenTimeoutMs,
                     this, [this, attempt, endpoint](const HttpResult &r) {
                         if (attempt != m_attempt)
                             return;
                         if (!r.isSuccess())
                             return failed(explainHttpFailure(r, endpoint.label, tr("the etcd credentials")));
                         auto answer = parseEtcdRangeAnswer(r.body);
                         if (!answer)
                             return failed(answer.error().toString());
                         m_keys.clear();
                         for (const auto &kv : answer.value().kvs)
                             m_keys.insert(kv.key, kv);
                         keysUpdated();
                         m_revision = answer.value().revision;
                         followLeaderLease();
                         emit keysChanged({}, m_revision, nowMs());
                         openWatch(endpoint);
                     });
}

void EtcdWatcher::openWatch(const EndpointPoller::Endpoint &endpoint)
{
    const quint64 attempt = ++m_attempt;
    if (m_stream)
        m_stream->deleteLater();
    m_carry.clear();
    m_created = false;
    m_stream = m_http->openStream(withPath(endpoint.baseUrl, QStringLiteral("/v3/watch")), etcdWatchRequest(m_namespace, m_revision + 1),
                                  kOpenTimeoutMs, this);
    connect(m_stream, &HttpStream::bytesArrived, this, [this, attempt](const QByteArray &bytes) {
        if (attempt == m_attempt)
            onBytes(bytes);
    });
    connect(m_stream, &HttpStream::ended, this, [this, attempt, label = endpoint.label](const HttpResult &r) {
        if (attempt != m_attempt)
            return;
        m_stream = nullptr;
        if (!r.transportOk())
            return failed(tr("the watch on %1 ended: %2").arg(label, r.error));
        if (!r.isSuccess())
            return failed(explainHttpFailure(r, label + tr("'s watch"), tr("the etcd credentials")));
        failed(tr("%1 ended the watch").arg(label));
    });
}

void EtcdWatcher::onBytes(const QByteArray &bytes)
{
    m_carry += bytes;
    qsizetype from = 0;
    for (qsizetype nl = m_carry.indexOf('\n'); nl >= 0; nl = m_carry.indexOf('\n', from)) {
        const QByteArray line = m_carry.mid(from, nl - from).trimmed();
        from = nl + 1;
        if (!line.isEmpty()) {
            const quint64 attempt = m_attempt;
            onMessage(line);
            if (attempt != m_attempt)   // the message ended this stream
                return;
        }
    }
    m_carry.remove(0, from);
    if (m_carry.size() > kMaxMessageBytes)
        failed(tr("a watch message is larger than %1 MiB: not an etcd watch?").arg(kMaxMessageBytes / (1024 * 1024)));
}

void EtcdWatcher::onMessage(const QByteArray &line)
{
    const qint64 received = nowMs();
    auto parsed = parseEtcdWatchMessage(line);
    if (!parsed)
        return failed(parsed.error().toString());
    const EtcdWatchMessage &m = parsed.value();
    if (m.canceled) {
        if (m.compactRevision > 0) {
            // The revisions after the last one seen are gone: read the whole namespace again.
            ++m_resyncs;
            qCInfo(lcEtcd) << "watch from revision" << m_revision + 1 << "compacted at" << m.compactRevision << ": reading the keys again";
            m_revision = 0;
            ++m_attempt;
            if (m_stream)
                m_stream->deleteLater();
            m_stream = nullptr;
            connectNow();
            return;
        }
        return failed(tr("etcd canceled the watch%1").arg(m.cancelReason.isEmpty() ? QString() : QStringLiteral(": ") + m.cancelReason));
    }
    if (m.created && !m_created) {
        m_created = true;
        m_failures = 0;
        const auto &endpoint = m_endpoints.at(m_current % m_endpoints.size());
        setState(State::Watching, tr("watching %1 on %2 from revision %3").arg(m_namespace, endpoint.label).arg(m_revision + 1));
    }
    if (m.events.isEmpty()) {
        if (!m.created)   // a progress notice: every event up to its revision has been sent
            m_revision = std::max(m_revision, m.revision);
        return;
    }
    for (const auto &e : m.events) {
        if (e.type == EtcdWatchEvent::Type::Delete)
            m_keys.remove(e.kv.key);
        else
            m_keys.insert(e.kv.key, e.kv);
        m_revision = std::max(m_revision, e.kv.modRevision);
    }
    keysUpdated();
    followLeaderLease();
    emit keysChanged(m.events, m_revision, received);
}

void EtcdWatcher::failed(const QString &why)
{
    if (!m_running)
        return;
    ++m_attempt;
    if (m_stream)
        m_stream->deleteLater();
    m_stream = nullptr;
    m_created = false;
    ++m_failures;
    if (m_endpoints.size() > 1)
        m_current = (m_current + 1) % m_endpoints.size();
    if (m_revision > 0)
        ++m_resumed;
    qCInfo(lcEtcd).noquote() << "etcd watch:" << why;
    if (m_failures >= kMaxFailures) {
        setState(State::Polling, tr("no watch (%1): reading Patroni's keys every poll round instead, and trying the watch "
                                    "again every %2 s").arg(why).arg(kPollingRetryMs / 1000));
        m_retry.start(kPollingRetryMs);
        return;
    }
    setState(m_state == State::Polling ? State::Polling : State::Connecting, tr("reconnecting the watch: %1").arg(why));
    m_retry.start(std::min(kRetryMs << (m_failures - 1), kMaxRetryMs));
}

void EtcdWatcher::endpointFailed(const QString &label)
{
    if (!m_running || m_endpoints.isEmpty() || !m_stream)
        return;
    if (m_endpoints.at(m_current % m_endpoints.size()).label == label)
        failed(tr("%1 stopped answering its status poll: its watch may be silent").arg(label));
}

void EtcdWatcher::setState(State state, const QString &note)
{
    if (state == m_state && note == m_note)
        return;
    m_state = state;
    m_note = note;
    emit stateChanged(state, note);
}

void EtcdWatcher::followLeaderLease()
{
    for (const auto &s : m_scopes)
        if (m_scope.isEmpty() || s.scope == m_scope) {
            if (!s.leaderLease.isEmpty() && s.leaderLease != m_lease.leaseId()) {
                m_lease.follow(s.leaderLease);
                m_leaseFollowedMs = nowMs();
                m_holderSuspect = false;   // a new holder: renewing until shown otherwise
                m_leaseTimer.setInterval(kLeaseAskMs);
                askLease();
            }
            return;
        }
}

void EtcdWatcher::setHolderSuspect(bool suspect)
{
    if (suspect == m_holderSuspect)
        return;
    m_holderSuspect = suspect;
    if (suspect) {
        m_leaseTimer.setInterval(kLeaseAskFastMs);
        askLease();
    }
}

int EtcdWatcher::loopWaitS() const
{
    for (const auto &s : m_scopes)
        if (m_scope.isEmpty() || s.scope == m_scope) {
            const int v = s.config.value(QStringLiteral("loop_wait")).toInt(kDefaultLoopWaitS);
            return v > 0 ? v : kDefaultLoopWaitS;
        }
    return kDefaultLoopWaitS;
}

void EtcdWatcher::askLease()
{
    if (!m_running || m_leaseInFlight || m_lease.leaseId().isEmpty() || m_endpoints.isEmpty() || m_lease.expired())
        return;
    m_leaseInFlight = true;
    const auto endpoint = m_endpoints.at(m_current % m_endpoints.size());
    const QString id = m_lease.leaseId();
    m_http->postJson(withPath(endpoint.baseUrl, QStringLiteral("/v3/lease/timetolive")), etcdLeaseTimeToLiveRequest(id), kLeaseTimeoutMs,
                     this, [this, id](const HttpResult &r) {
                         m_leaseInFlight = false;
                         if (!m_running || id != m_lease.leaseId())
                             return;
                         if (!r.isSuccess())
                             return;   // the watch's own failure handling moves to another endpoint
                         auto ttl = parseEtcdLeaseTimeToLive(r.body);
                         if (!ttl)
                             return;
                         const qint64 at = nowMs() - r.elapsedMs / 2;   // etcd answered about halfway
                         m_lease.observe(at, ttl.value());
                         // Not renewed for a loop and a second: its holder may be gone, so sharpen the countdown.
                         const qint64 since = std::max(m_lease.renewedAtMs(), m_leaseFollowedMs);
                         const bool suspect = !m_lease.expired() && (m_holderSuspect || at - since > (loopWaitS() + 1) * kSecondMs);
                         m_leaseTimer.setInterval(suspect ? kLeaseAskFastMs : kLeaseAskMs);
                         emit leaseUpdated();
                     });
}

} // namespace pgha::svc

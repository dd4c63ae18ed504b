#include "sqlsourcepoller.h"

#include <QDateTime>
#include <QTimer>

namespace pgha::svc {

SqlSourcePoller::SqlSourcePoller(HttpClient *http, QString sourceKind, QObject *parent)
    : EndpointPoller(http, std::move(sourceKind), parent)
{
}

void SqlSourcePoller::setCredentials(const QString &user, const QString &password)
{
    if (user == m_user && password == m_password)
        return;
    m_user = user;
    m_password = password;
    retireSessions();   // logged in with the old credentials
}

void SqlSourcePoller::setTls(const PgTls &tls)
{
    if (tls == m_tls)
        return;
    m_tls = tls;
    retireSessions();   // connected under the old TLS settings
}

void SqlSourcePoller::retireSessions()
{
    // Idle sessions go now; one in flight finishes its round first (dropping it would leave
    // that round without an end: `pgha status` and the console's rounds wait for every
    // endpoint) and is replaced by its next fetch.
    for (auto it = m_sessions.begin(); it != m_sessions.end();) {
        if (it->inFlight) {
            it->retired = true;
            ++it;
            continue;
        }
        it->query->disconnect(this);
        it->query->deleteLater();
        it = m_sessions.erase(it);
    }
}

void SqlSourcePoller::dropSessions()
{
    for (auto &s : m_sessions) {
        s.query->disconnect(this);   // a late answer must not finish a newer session's round
        s.query->deleteLater();      // closes its connection
    }
    m_sessions.clear();
}

void SqlSourcePoller::fetch(int index, quint64 generation)
{
    const Endpoint endpoint = endpoints().at(index);
    const QString key = endpoint.label + QLatin1Char(' ') + endpoint.baseUrl.toString();
    Session &session = m_sessions[key];
    if (session.query && session.retired) {
        session.query->disconnect(this);
        session.query->deleteLater();
        const quint64 lastRun = session.run;
        session = Session();
        session.run = lastRun;
    }
    if (!session.query) {
        session.query = new PgQuery({endpoint.baseUrl.host(), endpoint.baseUrl.port(defaultPort()), m_user, database(), m_password,
                                     QStringLiteral("pgha-console"), m_tls},
                                    commands(), timeoutMs(), this);
        session.query->setKeepOpen(true);
        session.query->setSendStatementTimeout(sendsStatementTimeout());
        connect(session.query, &PgQuery::finished, this, [this, key, endpoint](const PgResult &r) {
            const auto it = m_sessions.constFind(key);
            if (it == m_sessions.cend() || !it->inFlight)
                return;   // the guard already ended this round
            QString error = r.error;
            if (!r.ok && r.kind == ErrorKind::Auth && !m_authHint.isEmpty())
                error += QStringLiteral(" — ") + m_authHint;
            // A session that worked and now fails in a round (the server died while a query
            // was out, or before the idle socket told) is lost too; said once per outage.
            const bool lost = !r.ok && it->answeredLast && r.kind != ErrorKind::Auth && r.kind != ErrorKind::Cancelled;
            m_sessions[key].answeredLast = r.ok;
            if (lost)
                emit sessionLost(endpoint.label, endpoint.baseUrl, r.error, QDateTime::currentMSecsSinceEpoch());
            if (r.ok && it->generation == currentGeneration())
                error = handle(endpoint, r.sets);
            finishSession(key, r.elapsedMs, error);
        });
        connect(session.query, &PgQuery::connectionLost, this, [this, key, endpoint](const QString &why) {
            if (const auto it = m_sessions.find(key); it != m_sessions.end())
                it->answeredLast = false;   // the failing round that follows says nothing new
            emit sessionLost(endpoint.label, endpoint.baseUrl, why, QDateTime::currentMSecsSinceEpoch());
        });
    }
    session.index = index;
    session.generation = generation;
    session.url = endpoint.baseUrl;
    session.inFlight = true;
    session.startedMs = QDateTime::currentMSecsSinceEpoch();
    const quint64 run = ++session.run;
    session.query->setTimeoutMs(timeoutMs());
    QTimer::singleShot(timeoutMs() + kGuardMarginMs, session.query, [this, key, run] { guardExpired(key, run); });
    session.query->start();
}

QString SqlSourcePoller::openExchange(const QUrl &url) const
{
    for (const Session &s : m_sessions)
        if (s.inFlight && s.url == url)
            return s.query->phase();
    return {};
}

void SqlSourcePoller::finishSession(const QString &key, qint64 elapsedMs, const QString &error)
{
    const auto it = m_sessions.find(key);
    if (it == m_sessions.end())
        return;   // dropped while handle() ran (new endpoints or credentials)
    it->inFlight = false;
    finishEndpoint(it->index, it->generation, elapsedMs, error);
}

void SqlSourcePoller::guardExpired(const QString &key, quint64 run)
{
    const auto it = m_sessions.find(key);
    if (it == m_sessions.end() || it->run != run || !it->inFlight)
        return;
    // The query missed its own deadline: end the round anyway, and start the next one on a
    // new session rather than trust this one again.
    const Session s = *it;
    const QString error = QStringLiteral("no answer within %1 ms (%2)").arg(timeoutMs()).arg(s.query->phase());
    m_sessions.erase(it);
    s.query->disconnect(this);
    s.query->deleteLater();
    finishEndpoint(s.index, s.generation, QDateTime::currentMSecsSinceEpoch() - s.startedMs, error);
}

} // namespace pgha::svc

#pragma once

#include "core/endpointpoller.h"
#include "pg/pgquery.h"

#include <QHash>

namespace pgha::svc {

// A source read with a few SQL commands per round (PostgreSQL's own views, PgBouncer's admin
// console, Pgpool-II's SHOW commands): subclasses name the commands and turn the result sets
// into their observation. One session per endpoint stays logged in between rounds, as a
// monitoring connection does; a dead one is replaced on the next round. Endpoints are
// postgresql://host:port URLs.
//
// Every endpoint's part of a round ends within the poller's timeout whatever the server does:
// the query's own deadline, and behind it a guard that ends the round with an error naming
// where the exchange stood and starts the next round on a fresh session.
class SqlSourcePoller : public EndpointPoller {
    Q_OBJECT
public:
    // The guard fires this long after the query's own deadline should have.
    static constexpr int kGuardMarginMs = 250;

    SqlSourcePoller(HttpClient *http, QString sourceKind, QObject *parent = nullptr);
    void setCredentials(const QString &user, const QString &password);
    // Said after a login the server refused ("no password supplied", a wrong password): where
    // this profile's password for the source goes.
    void setAuthHint(const QString &hint) { m_authHint = hint; }
    // TLS for every endpoint's session (the profile's postgres_tls).
    void setTls(const PgTls &tls);
    // Where the exchange with the endpoint at `url` stands while its part of the round is
    // still open ("connected, but no answer to the startup packet …"); "" when none is.
    QString openExchange(const QUrl &url) const;

signals:
    // The logged-in session of `label` ended between rounds (the server died or closed it),
    // said when its socket told (`atMs`, epoch ms); the next round logs in again.
    void sessionLost(const QString &label, const QUrl &url, const QString &why, qint64 atMs);

protected:
    virtual QStringList commands() const = 0;
    virtual QString database() const = 0;
    virtual int defaultPort() const = 0;
    // Sends `statement_timeout` first? PgBouncer's admin console refuses it.
    virtual bool sendsStatementTimeout() const { return false; }
    // The result sets of commands(), in order; returns an error text, or "" once emitted.
    virtual QString handle(const Endpoint &endpoint, const QList<PgResultSet> &sets) = 0;

    void fetch(int index, quint64 generation) override;
    void roundComplete() override {}
    void endpointsChanged() override { dropSessions(); }


private:
    void dropSessions();
    void retireSessions();

    void finishSession(const QString &key, qint64 elapsedMs, const QString &error);
    void guardExpired(const QString &key, quint64 run);

    struct Session {
        PgQuery *query = nullptr;
        int index = 0;
        quint64 generation = 0;
        quint64 run = 0;          // which fetch() the guard and the answer belong to
        bool inFlight = false;
        bool retired = false;     // made with credentials or TLS since replaced
        bool answeredLast = false; // the last run succeeded (a failure now is a lost session)
        qint64 startedMs = 0;
        QUrl url;
    };
    QHash<QString, Session> m_sessions;   // by endpoint label + URL
    QString m_user = QStringLiteral("postgres");
    QString m_password;
    QString m_authHint;
    PgTls m_tls;
};

} // namespace pgha::svc

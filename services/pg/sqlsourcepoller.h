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
class SqlSourcePoller : public EndpointPoller {
    Q_OBJECT
public:
    SqlSourcePoller(HttpClient *http, QString sourceKind, QObject *parent = nullptr);
    void setCredentials(const QString &user, const QString &password);

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

    struct Session {
        PgQuery *query = nullptr;
        int index = 0;
        quint64 generation = 0;
    };
    QHash<QString, Session> m_sessions;   // by endpoint label + URL
    QString m_user = QStringLiteral("postgres");
    QString m_password;
};

} // namespace pgha::svc

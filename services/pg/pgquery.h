#pragma once

#include "core/result.h"

#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <memory>

struct pg_conn;

namespace pgha::svc {

// TLS to PostgreSQL (profile `postgres_tls:`). An empty sslmode passes none, so libpq applies
// PGSSLMODE or its own default (prefer); see postgresTlsFor() for how a profile chooses.
struct PgTls {
    QString sslmode;                  // disable, allow, prefer, require, verify-ca, verify-full
    QString rootCert;                 // sslrootcert: the CA file that issued the servers' certificates

    static bool isValidMode(const QString &mode);
    // The bundled lab's servers: TLS when offered, whatever PGSSLMODE says for other clusters.
    static PgTls forLab() { return {QStringLiteral("prefer"), {}}; }
    bool operator==(const PgTls &) const = default;
};

struct PgEndpoint {
    QString host = QStringLiteral("127.0.0.1");
    int port = 5432;
    QString user = QStringLiteral("postgres");
    QString database = QStringLiteral("postgres");
    QString password;                 // never logged
    QString applicationName = QStringLiteral("pgha");
    PgTls tls;

    QString describe() const { return QStringLiteral("%1@%2:%3/%4").arg(user, host).arg(port).arg(database); }
};

struct PgResultSet {
    QStringList columns;
    QList<QStringList> rows;
    QList<QList<bool>> nulls;

    int column(const QString &name) const { return static_cast<int>(columns.indexOf(name)); }
    QString value(int row, const QString &column) const { return rows.value(row).value(static_cast<int>(columns.indexOf(column))); }
};

// What kind of failure libpq's message and the server's SQLSTATE describe: auth (28xxx, "no
// password supplied"), refused, unreachable (name not resolved), TLS, unavailable (57P03, the
// server starting or shutting down), rejected (any other SQLSTATE). libpq gives connection
// failures as text only, so this one function reads that text; callers read the kind.
ErrorKind pgErrorKind(const QString &message, const QString &sqlState = {});

struct PgResult {
    bool ok = false;
    QString error;                    // names the endpoint and what failed
    QString sqlState;
    ErrorKind kind = ErrorKind::Other; // what kind of failure, when !ok
    QStringList columns;              // of the last statement that returned rows
    QList<QStringList> rows;
    QList<QList<bool>> nulls;
    QList<PgResultSet> sets;          // every statement that returned rows, in order
    qint64 elapsedMs = 0;
};

// One connection, one query string (may hold several statements; the last result set wins) or
// a list of query strings sent one after another on that connection (PgBouncer's admin
// console takes one command per query), fully asynchronous: libpq's non-blocking connect and send, driven by socket notifiers.
// `timeoutMs` bounds the whole exchange, and is also sent as connect_timeout/statement_timeout.
class PgQuery : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultTimeoutMs = 5000;
    // A name may resolve to many addresses; libpq tries them in order, each needing a socket.
    static constexpr int kMaxHostAddresses = 8;

    PgQuery(PgEndpoint endpoint, QString sql, int timeoutMs = kDefaultTimeoutMs, QObject *parent = nullptr);
    PgQuery(PgEndpoint endpoint, QStringList queries, int timeoutMs = kDefaultTimeoutMs, QObject *parent = nullptr);
    ~PgQuery() override;

    void start();
    void cancel();      // finishes with an error; safe to call at any time
    // PgBouncer's admin console accepts only its own SET keys: skip the statement_timeout.
    void setSendStatementTimeout(bool send) { m_sendTimeout = send; }
    // Keep the connection open after a run, so start() can run the queries again on it (a
    // poller's session). A kept connection found dead is replaced once, within the same run.
    void setKeepOpen(bool keep) { m_keepOpen = keep; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    // The next start() runs these instead (on the kept connection, when there is one).
    void setQueries(QStringList queries) { m_queries = std::move(queries); }
    // Where a run stands, in words ("connected, no answer to the startup packet" …): what a
    // deadline reports when the server never answers.
    QString phase() const;

signals:
    void finished(const pgha::svc::PgResult &result);
    // A kept connection ended between runs (the server died or closed it): said the moment
    // its socket tells, not at the next run. `why` is libpq's account.
    void connectionLost(const QString &why);

private:
    void pollConnect();
    void onReadable();
    void onIdleReadable();
    void watchSocket(bool forRead, bool forWrite);
    void fail(const QString &what, bool retryable = true, ErrorKind kind = ErrorKind::Other);
    void connectFresh();
    void connectTo(const QStringList &addresses);
    void abortLookup();
    void closeConnectionKeepDeadline();
    void succeed();
    void closeConnection();
    void sendNext();

    PgEndpoint m_endpoint;
    QStringList m_queries;
    int m_nextQuery = 0;
    int m_timeoutMs;
    pg_conn *m_conn = nullptr;
    int m_lookupId = -1;      // a host name being resolved off the GUI thread
    quint64 m_attempt = 0;    // a lookup answering for an older attempt is ignored
    int m_socket = -1;
    std::unique_ptr<QSocketNotifier> m_readNotifier;
    std::unique_ptr<QSocketNotifier> m_writeNotifier;
    QTimer m_deadline;
    qint64 m_startedMs = 0;
    bool m_connected = false;
    bool m_sendTimeout = true;
    bool m_done = false;
    bool m_keepOpen = false;
    bool m_reused = false;    // this run uses a kept connection
    bool m_retried = false;
    PgResult m_result;
};

// Stops a query its owner no longer wants: no more signals to `receiver`, cancelled, deleted
// later, and the pointer cleared (the probes' "start over on a new connection").
void discardQuery(PgQuery *&query, QObject *receiver);

} // namespace pgha::svc

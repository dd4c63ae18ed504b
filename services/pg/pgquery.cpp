#include "pgquery.h"

#include "core/logging.h"

#include <QDateTime>
#include <QHostAddress>
#include <QHostInfo>

#include <libpq-fe.h>

#include <vector>

namespace pgha::svc {

bool PgTls::isValidMode(const QString &mode)
{
    static const QStringList modes{QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                                   QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    return modes.contains(mode);
}

PgQuery::PgQuery(PgEndpoint endpoint, QString sql, int timeoutMs, QObject *parent)
    : PgQuery(std::move(endpoint), QStringList{std::move(sql)}, timeoutMs, parent)
{
}

PgQuery::PgQuery(PgEndpoint endpoint, QStringList queries, int timeoutMs, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint)), m_queries(std::move(queries)), m_timeoutMs(timeoutMs)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("no answer within %1 ms (%2)").arg(m_timeoutMs).arg(phase()), false, ErrorKind::Timeout);
    });
}

PgQuery::~PgQuery()
{
    closeConnection();
}

void PgQuery::start()
{
    m_done = false;
    m_result = {};
    m_nextQuery = 0;
    m_retried = false;
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    // A kept connection that is idle and healthy is used as it is: no new login (SCRAM costs
    // milliseconds of CPU on both ends, and Pgpool opens its backend connections per login).
    if (m_keepOpen && m_conn && m_connected && PQstatus(m_conn) == CONNECTION_OK
        && PQtransactionStatus(m_conn) == PQTRANS_IDLE) {
        m_reused = true;
        m_deadline.start(m_timeoutMs);
        sendNext();
        return;
    }
    m_reused = false;
    closeConnection();
    m_deadline.start(m_timeoutMs);
    connectFresh();
}

namespace {

// A host libpq can use without a name lookup: an IP address, or a Unix-socket directory
// ("" means libpq's default socket).
bool needsNoLookup(const QString &host)
{
    return host.isEmpty() || host.startsWith(QLatin1Char('/')) || host.startsWith(QLatin1Char('@'))
           || !QHostAddress(host).isNull();
}

// What to change when a connection failed over TLS settings the profile chose.
QString tlsHint(const PgTls &tls, const QString &error)
{
    const bool tlsError = error.contains(QLatin1String("SSL"), Qt::CaseInsensitive)
                          || error.contains(QLatin1String("certificate"), Qt::CaseInsensitive)
                          || error.contains(QLatin1String("root certificate"), Qt::CaseInsensitive);
    if (!tlsError || tls.sslmode.isEmpty())
        return {};
    return QStringLiteral(" (sslmode=%1%2: set the profile's postgres_tls: {sslmode: …, root_ca: FILE} — root_ca is the CA "
                          "that issued the server certificates; a production profile defaults to verify-full)")
            .arg(tls.sslmode, tls.rootCert.isEmpty() ? QString() : QStringLiteral(", sslrootcert=") + tls.rootCert);
}

} // namespace

ErrorKind pgErrorKind(const QString &message, const QString &sqlState)
{
    auto has = [&](const char *text) { return message.contains(QLatin1String(text), Qt::CaseInsensitive); };
    if (sqlState.startsWith(QLatin1String("28")) || has("password authentication failed") || has("no password supplied")
        || has("authentication failed") || has("pg_hba.conf"))
        return ErrorKind::Auth;
    if (sqlState == u"57P03" || has("the database system is starting up") || has("the database system is shutting down"))
        return ErrorKind::Unavailable;
    if (sqlState == u"3D000" || (has("FATAL:") && has("does not exist")))
        return ErrorKind::NotFound;   // the database or role named in the profile
    if (has("Connection refused"))
        return ErrorKind::Refused;
    if (has("could not translate host name") || has("cannot resolve host name") || has("No route to host")
        || has("Network is unreachable"))
        return ErrorKind::Unreachable;
    if (has("SSL") || has("certificate"))
        return ErrorKind::Tls;
    if (!sqlState.isEmpty())
        return ErrorKind::Rejected;
    return ErrorKind::Other;
}

void PgQuery::connectFresh()
{
    m_connected = false;
    ++m_attempt;
    if (needsNoLookup(m_endpoint.host)) {
        connectTo({});
        return;
    }
    // libpq would call a blocking getaddrinfo() inside PQconnectStart; resolve on Qt's lookup
    // thread instead and hand libpq the addresses (hostaddr), keeping the name in `host` for
    // ~/.pgpass and TLS host-name checks.
    const quint64 attempt = m_attempt;
    m_lookupId = QHostInfo::lookupHost(m_endpoint.host, this, [this, attempt](const QHostInfo &info) {
        if (attempt != m_attempt || m_done || info.lookupId() != m_lookupId)
            return;
        m_lookupId = -1;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            fail(QStringLiteral("cannot resolve host name \"%1\": %2").arg(m_endpoint.host, info.errorString()), true,
                 ErrorKind::Unreachable);
            return;
        }
        QStringList addresses;
        for (const QHostAddress &a : info.addresses())
            if (addresses.size() < kMaxHostAddresses)
                addresses.append(a.toString());
        connectTo(addresses);
    });
}

void PgQuery::abortLookup()
{
    if (m_lookupId < 0)
        return;
    QHostInfo::abortHostLookup(m_lookupId);
    m_lookupId = -1;
}

void PgQuery::connectTo(const QStringList &addresses)
{
    // A name travels as host (one per address, as libpq pairs them) with its resolved
    // addresses as hostaddr; a numeric address goes as both (no lookup, and TLS can verify it).
    const bool numeric = addresses.isEmpty() && !QHostAddress(m_endpoint.host).isNull();
    QStringList hosts;
    for (qsizetype i = 0; i < addresses.size(); ++i)
        hosts.append(m_endpoint.host);
    const QByteArray host = addresses.isEmpty() ? m_endpoint.host.toUtf8() : hosts.join(QLatin1Char(',')).toUtf8();
    const QByteArray hostaddr = addresses.join(QLatin1Char(',')).toUtf8();
    const QByteArray port = QByteArray::number(m_endpoint.port);
    const QByteArray user = m_endpoint.user.toUtf8();
    const QByteArray db = m_endpoint.database.toUtf8();
    const QByteArray password = m_endpoint.password.toUtf8();
    const QByteArray app = m_endpoint.applicationName.toUtf8();
    const QByteArray connectTimeout = QByteArray::number(std::max(1, (m_timeoutMs + 999) / 1000));

    const QByteArray sslmode = m_endpoint.tls.sslmode.toUtf8();
    const QByteArray rootCert = m_endpoint.tls.rootCert.toUtf8();

    // A numeric address goes as host too: sslmode=verify-full checks the certificate against
    // `host` (an IP in its subjectAltName), and libpq refuses to verify without one.
    std::vector<const char *> keys{"host", "port", "user", "dbname", "application_name", "connect_timeout"};
    std::vector<const char *> values{host.constData(), port.constData(), user.constData(), db.constData(),
                                     app.constData(), connectTimeout.constData()};
    if (numeric) {
        keys.push_back("hostaddr");
        values.push_back(host.constData());
    }
    // No sslmode of our own unless the profile gives one: libpq then follows PGSSLMODE.
    if (!sslmode.isEmpty()) {
        keys.push_back("sslmode");
        values.push_back(sslmode.constData());
    }
    if (!rootCert.isEmpty()) {
        keys.push_back("sslrootcert");
        values.push_back(rootCert.constData());
    }
    if (!addresses.isEmpty()) {
        keys.push_back("hostaddr");
        values.push_back(hostaddr.constData());
    }
    if (!m_endpoint.password.isEmpty()) {
        keys.push_back("password");
        values.push_back(password.constData());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);

    m_conn = PQconnectStartParams(keys.data(), values.data(), 0);
    if (!m_conn) {
        fail(QStringLiteral("libpq could not allocate a connection"));
        return;
    }
    // NOTICEs ("relation already exists, skipping") are not errors; libpq would print them.
    PQsetNoticeProcessor(m_conn, [](void *, const char *) {}, nullptr);
    if (PQstatus(m_conn) == CONNECTION_BAD) {
        fail(QString::fromUtf8(PQerrorMessage(m_conn)).trimmed());
        return;
    }
    pollConnect();
}

QString PgQuery::phase() const
{
    if (m_lookupId >= 0)
        return QStringLiteral("resolving the host name %1").arg(m_endpoint.host);
    if (!m_conn)
        return QStringLiteral("not connected");
    if (m_connected)
        return QStringLiteral("connected, waiting for the answer to %1").arg(m_queries.value(m_nextQuery - 1).left(40));
    switch (PQstatus(m_conn)) {
    case CONNECTION_STARTED: return QStringLiteral("the TCP connection was not accepted");
    case CONNECTION_MADE: return QStringLiteral("connected, sending the startup packet");
    case CONNECTION_SSL_STARTUP: return QStringLiteral("connected, but no answer to the TLS request: is this a PostgreSQL server?");
    case CONNECTION_AWAITING_RESPONSE: return QStringLiteral("connected, but no answer to the startup packet: is this a PostgreSQL server?");
    case CONNECTION_AUTH_OK: return QStringLiteral("logged in, waiting for the server to be ready");
    default: return QStringLiteral("logging in");
    }
}

void PgQuery::cancel()
{
    fail(QStringLiteral("cancelled"), true, ErrorKind::Cancelled);
}

void PgQuery::watchSocket(bool forRead, bool forWrite)
{
    const int sock = PQsocket(m_conn);
    if (sock != m_socket) {   // libpq may switch sockets while trying addresses
        m_readNotifier.reset();
        m_writeNotifier.reset();
        m_socket = sock;
    }
    if (sock < 0) {
        fail(QStringLiteral("libpq has no socket"));
        return;
    }
    if (!m_readNotifier) {
        m_readNotifier = std::make_unique<QSocketNotifier>(sock, QSocketNotifier::Read);
        connect(m_readNotifier.get(), &QSocketNotifier::activated, this, [this] {
            if (m_connected)
                onReadable();
            else
                pollConnect();
        });
    }
    if (!m_writeNotifier) {
        m_writeNotifier = std::make_unique<QSocketNotifier>(sock, QSocketNotifier::Write);
        connect(m_writeNotifier.get(), &QSocketNotifier::activated, this, [this] {
            if (m_connected) {
                if (PQflush(m_conn) == 0)
                    m_writeNotifier->setEnabled(false);
            } else {
                pollConnect();
            }
        });
    }
    m_readNotifier->setEnabled(forRead);
    m_writeNotifier->setEnabled(forWrite);
}

void PgQuery::pollConnect()
{
    if (m_done)
        return;
    switch (PQconnectPoll(m_conn)) {
    case PGRES_POLLING_READING:
        watchSocket(true, false);
        return;
    case PGRES_POLLING_WRITING:
        watchSocket(false, true);
        return;
    case PGRES_POLLING_FAILED:
        fail(QString::fromUtf8(PQerrorMessage(m_conn)).trimmed() + tlsHint(m_endpoint.tls, QString::fromUtf8(PQerrorMessage(m_conn))));
        return;
    case PGRES_POLLING_OK:
        break;
    default:
        watchSocket(true, true);
        return;
    }
    m_connected = true;
    if (PQsetnonblocking(m_conn, 1) != 0) {
        fail(QStringLiteral("could not switch the connection to non-blocking mode"));
        return;
    }
    sendNext();
}

void PgQuery::sendNext()
{
    if (m_nextQuery >= m_queries.size()) {
        succeed();
        return;
    }
    QString sql = m_queries.at(m_nextQuery);
    // statement_timeout travels with the first query (not as a startup option) because
    // PgBouncer rejects unknown startup parameters.
    if (m_sendTimeout && m_nextQuery == 0)
        sql.prepend(QStringLiteral("SET statement_timeout = %1; ").arg(m_timeoutMs));
    ++m_nextQuery;
    if (!PQsendQuery(m_conn, sql.toUtf8().constData())) {
        fail(QString::fromUtf8(PQerrorMessage(m_conn)).trimmed());
        return;
    }
    const int flushed = PQflush(m_conn);
    watchSocket(true, flushed == 1);
}

void PgQuery::onIdleReadable()
{
    // Between runs only the server's goodbye can arrive (a FATAL notice, then the end of the
    // connection) or an asynchronous notice: read it; a connection that ended is closed here.
    if (PQconsumeInput(m_conn) && PQstatus(m_conn) == CONNECTION_OK) {
        while (PGresult *res = PQgetResult(m_conn))   // nothing was asked: drop what came
            PQclear(res);
        return;
    }
    const QString why = QString::fromUtf8(PQerrorMessage(m_conn)).simplified();
    closeConnection();
    emit connectionLost(why.isEmpty() ? QStringLiteral("the server closed the connection") : why);
}

void PgQuery::onReadable()
{
    if (m_done) {
        if (m_keepOpen && m_conn && m_connected)
            onIdleReadable();
        return;
    }
    if (!PQconsumeInput(m_conn)) {
        fail(QString::fromUtf8(PQerrorMessage(m_conn)).trimmed());
        return;
    }
    while (!PQisBusy(m_conn)) {
        PGresult *res = PQgetResult(m_conn);
        if (!res) {
            if (m_result.error.isEmpty())
                sendNext();
            else
                fail(m_result.error);
            return;
        }
        const ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_TUPLES_OK) {
            m_result.columns.clear();
            m_result.rows.clear();
            m_result.nulls.clear();
            const int nf = PQnfields(res);
            for (int c = 0; c < nf; ++c)
                m_result.columns.append(QString::fromUtf8(PQfname(res, c)));
            for (int r = 0; r < PQntuples(res); ++r) {
                QStringList row;
                QList<bool> nulls;
                for (int c = 0; c < nf; ++c) {
                    row.append(QString::fromUtf8(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
                    nulls.append(PQgetisnull(res, r, c) != 0);
                }
                m_result.rows.append(row);
                m_result.nulls.append(nulls);
            }
            m_result.sets.append({m_result.columns, m_result.rows, m_result.nulls});
        } else if (status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY) {
            if (m_result.error.isEmpty()) {
                m_result.error = QString::fromUtf8(PQresultErrorMessage(res)).trimmed();
                m_result.sqlState = QString::fromUtf8(PQresultErrorField(res, PG_DIAG_SQLSTATE));
            }
        }
        PQclear(res);
    }
}

void PgQuery::fail(const QString &what, bool retryable, ErrorKind kind)
{
    if (m_done)
        return;
    // The kept connection died while idle (server restarted, pooler failed over): one fresh
    // login before calling the round failed.
    if (retryable && m_reused && !m_retried) {
        m_retried = true;
        m_reused = false;
        m_nextQuery = 0;
        m_result = {};
        closeConnectionKeepDeadline();
        connectFresh();
        return;
    }
    m_done = true;
    m_result.ok = false;
    m_result.kind = kind != ErrorKind::Other ? kind : pgErrorKind(what, m_result.sqlState);
    m_result.error = QStringLiteral("PostgreSQL at %1: %2").arg(m_endpoint.describe(), what);
    m_result.elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedMs;
    qCDebug(lcPg) << m_result.error;
    closeConnection();
    emit finished(m_result);
}

void PgQuery::succeed()
{
    if (m_done)
        return;
    m_done = true;
    m_result.ok = true;
    m_result.elapsedMs = QDateTime::currentMSecsSinceEpoch() - m_startedMs;
    if (m_keepOpen) {
        m_deadline.stop();
        // Idle until the next start(): nothing to write, but the socket stays watched for
        // reading: a server that dies closes it, and that is said at once (connectionLost).
        if (m_readNotifier)
            m_readNotifier->setEnabled(true);
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
    } else {
        closeConnection();
    }
    emit finished(m_result);
}

void PgQuery::closeConnection()
{
    m_deadline.stop();
    closeConnectionKeepDeadline();
}

void PgQuery::closeConnectionKeepDeadline()
{
    abortLookup();
    m_connected = false;
    m_socket = -1;
    m_readNotifier.reset();
    m_writeNotifier.reset();
    if (m_conn) {
        PQfinish(m_conn);
        m_conn = nullptr;
    }
}

void discardQuery(PgQuery *&query, QObject *receiver)
{
    if (!query)
        return;
    query->disconnect(receiver);
    query->cancel();
    query->deleteLater();
    query = nullptr;
}

} // namespace pgha::svc

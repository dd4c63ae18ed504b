#include "benchmanifest.h"

#include "http/httpclient.h"
#include "lab/labstate.h"
#include "patroni/patroniclient.h"
#include "pg/pgquery.h"
#include "process/processrunner.h"

#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSysInfo>
#include <QThread>

#include <memory>

namespace pgha::svc {

namespace {
// Each question of the manifest gets this long; a silent component becomes a note, not a wait.
constexpr int kQuestionTimeoutMs = 4000;
// Patroni's defaults, used when the DCS sets no timing (Patroni's documentation).
constexpr int kPatroniDefaultTtl = 30;
constexpr int kPatroniDefaultLoopWait = 10;
constexpr int kPatroniDefaultRetryTimeout = 10;
// PgBouncer accepts protocol-level prepared statements in transaction pooling from 1.21.
constexpr std::pair<int, int> kPgbouncerPreparedSince{1, 21};

// The questions still open and what was learnt; `done` when the last one answers.
struct Collector {
    BenchManifest manifest;
    int pending = 0;
    bool finished = false;
    std::function<void(const BenchManifest &)> done;

    void answered()
    {
        if (--pending == 0 && !finished) {
            finished = true;
            done(manifest);
        }
    }
};

// Memory of this machine, in bytes (Linux: /proc/meminfo; 0 elsewhere).
qint64 machineMemoryBytes()
{
    QFile f(QStringLiteral("/proc/meminfo"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray first = f.readLine();   // "MemTotal:       24609220 kB"
    const QList<QByteArray> parts = first.simplified().split(' ');
    if (parts.size() >= 2 && parts[0] == "MemTotal:")
        return parts[1].toLongLong() * 1024;
    return 0;
}

void runVersion(const QString &program, const QStringList &args, QObject *context, std::function<void(const QString &)> done)
{
    proc::RunSpec spec;
    spec.program = program;
    spec.arguments = args;
    spec.mergeChannels = true;
    spec.timeoutMs = kQuestionTimeoutMs;
    proc::run(spec, context, [done](const proc::ProcessResult &r) {
        done(r.ok() ? QString::fromUtf8(r.out).section(QLatin1Char('\n'), 0, 0).trimmed() : QString());
    });
}

void ask(const PgEndpoint &endpoint, const QString &sql, bool adminConsole, QObject *context, std::function<void(const PgResult &)> done)
{
    auto *q = new PgQuery(endpoint, sql, kQuestionTimeoutMs, context);
    q->setSendStatementTimeout(!adminConsole);
    QObject::connect(q, &PgQuery::finished, context, [q, done](const PgResult &r) {
        q->deleteLater();
        done(r);
    });
    q->start();
}

PgEndpoint endpointAt(const PgEndpoint &like, const QUrl &url, const QString &database)
{
    PgEndpoint e = like;
    e.host = url.host();
    e.port = url.port(e.port);
    e.database = database;
    return e;
}
} // namespace

std::optional<std::pair<int, int>> parseMajorMinor(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("(\\d+)\\.(\\d+)"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    return std::pair{m.captured(1).toInt(), m.captured(2).toInt()};
}

bool pgbouncerSupportsPrepared(const QString &version)
{
    const auto v = parseMajorMinor(version);
    return v && *v >= kPgbouncerPreparedSince;
}

void fillMachine(BenchManifest &m)
{
    m.cores = QThread::idealThreadCount();
    m.memoryBytes = machineMemoryBytes();
    m.kernel = QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion();
    m.os = QSysInfo::prettyProductName();
}

QJsonObject BenchManifest::toJson() const
{
    QJsonObject versions{{QStringLiteral("pgbench"), pgbenchVersion},   {QStringLiteral("server"), serverVersion},
                         {QStringLiteral("patroni"), patroniVersion},   {QStringLiteral("pgbouncer"), pgbouncerVersion},
                         {QStringLiteral("haproxy"), haproxyVersion},   {QStringLiteral("pgpool"), pgpoolVersion}};
    QJsonObject cluster{{QStringLiteral("timing"), timing}, {QStringLiteral("labFlavour"), labFlavour}, {QStringLiteral("scale"), scale}};
    if (synchronousMode)
        cluster.insert(QStringLiteral("synchronousMode"), *synchronousMode);
    return {{QStringLiteral("versions"), versions},
            {QStringLiteral("cluster"), cluster},
            {QStringLiteral("machine"), QJsonObject{{QStringLiteral("cores"), cores}, {QStringLiteral("memoryBytes"), double(memoryBytes)},
                                                    {QStringLiteral("kernel"), kernel}, {QStringLiteral("os"), os}}},
            {QStringLiteral("notes"), QJsonArray::fromStringList(notes)}};
}

BenchManifest BenchManifest::fromJson(const QJsonObject &o)
{
    BenchManifest m;
    const QJsonObject v = o.value(u"versions").toObject();
    m.pgbenchVersion = v.value(u"pgbench").toString();
    m.serverVersion = v.value(u"server").toString();
    m.patroniVersion = v.value(u"patroni").toString();
    m.pgbouncerVersion = v.value(u"pgbouncer").toString();
    m.haproxyVersion = v.value(u"haproxy").toString();
    m.pgpoolVersion = v.value(u"pgpool").toString();
    const QJsonObject c = o.value(u"cluster").toObject();
    m.timing = c.value(u"timing").toString();
    m.labFlavour = c.value(u"labFlavour").toString();
    m.scale = c.value(u"scale").toInt();
    if (c.contains(u"synchronousMode"))
        m.synchronousMode = c.value(u"synchronousMode").toBool();
    const QJsonObject h = o.value(u"machine").toObject();
    m.cores = h.value(u"cores").toInt();
    m.memoryBytes = qint64(h.value(u"memoryBytes").toDouble());
    m.kernel = h.value(u"kernel").toString();
    m.os = h.value(u"os").toString();
    for (const QJsonValue &n : o.value(u"notes").toArray())
        m.notes.append(n.toString());
    return m;
}

void collectManifest(const Profile &profile, const BenchTarget &target, const QString &pgbench, QObject *context,
                     std::function<void(const BenchManifest &)> done)
{
    auto c = std::make_shared<Collector>();
    c->done = std::move(done);
    fillMachine(c->manifest);
    if (profile.isBuiltInLab())
        if (const auto state = LabState::load(profile.labDir))
            c->manifest.labFlavour = state.value().flavor;

    // Every question is counted before the first can answer (answers come later, queued).
    c->pending = 1;   // released at the end of this function

    ++c->pending;
    runVersion(pgbench, {QStringLiteral("--version")}, context, [c](const QString &text) {
        c->manifest.pgbenchVersion = text;
        if (text.isEmpty())
            c->manifest.notes << QStringLiteral("pgbench --version gave no answer");
        c->answered();
    });

    ++c->pending;
    ask(target.endpoint, QStringLiteral("SELECT current_setting('server_version')"), false, context, [c](const PgResult &r) {
        if (r.ok)
            c->manifest.serverVersion = r.rows.value(0).value(0);
        else
            c->manifest.notes << QStringLiteral("server version: ") + r.error;
        c->answered();
    });
    ++c->pending;
    ask(target.endpoint, QStringLiteral("SELECT count(*) FROM pgbench_branches"), false, context, [c](const PgResult &r) {
        if (r.ok)
            c->manifest.scale = r.rows.value(0).value(0).toInt();
        else
            c->manifest.notes << QStringLiteral("scale: ") + r.error;
        c->answered();
    });

    if (!profile.pgbouncers.isEmpty()) {
        ++c->pending;
        ask(endpointAt(target.endpoint, profile.pgbouncers.front().url, QStringLiteral("pgbouncer")), QStringLiteral("SHOW VERSION"), true,
            context, [c](const PgResult &r) {
                if (r.ok)
                    c->manifest.pgbouncerVersion = r.rows.value(0).value(0);
                else
                    c->manifest.notes << QStringLiteral("PgBouncer version: ") + r.error;
                c->answered();
            });
    }
    if (!profile.pgpools.isEmpty()) {
        ++c->pending;
        ask(endpointAt(target.endpoint, profile.pgpools.front().url, QStringLiteral("postgres")), QStringLiteral("SHOW pool_version"), true,
            context, [c](const PgResult &r) {
                if (r.ok)
                    c->manifest.pgpoolVersion = r.rows.value(0).value(0);
                else
                    c->manifest.notes << QStringLiteral("Pgpool-II version: ") + r.error;
                c->answered();
            });
    }

    auto *http = new HttpClient(context);
    http->setDefaultSecurity(patroniTlsDefault(profile));
    auto http1 = std::shared_ptr<int>(new int(0), [http](int *p) {
        delete p;
        http->deleteLater();
    });
    if (!profile.patroni.isEmpty()) {
        const MemberApi api{profile.patroni.front().name, profile.patroni.front().url};
        const PatroniClient patroni(http);
        ++c->pending;
        patroni.member(api, kQuestionTimeoutMs, context, [c, http1](const PatroniReply<PatroniNodeStatus> &reply) {
            const HttpResult &r = reply.http;
            const auto &s = reply.result;
            if (s)
                c->manifest.patroniVersion = s.value().patroniVersion;
            else
                c->manifest.notes << QStringLiteral("Patroni version: ") + (r.error.isEmpty() ? QStringLiteral("HTTP %1").arg(r.status) : r.error);
            c->answered();
        });
        ++c->pending;
        patroni.config(api, kQuestionTimeoutMs, context, [c, http1](const PatroniReply<PatroniDynamicConfig> &reply) {
            const HttpResult &r = reply.http;
            const auto &d = reply.result;
            if (d) {
                const PatroniDynamicConfig &cfg = d.value();
                c->manifest.synchronousMode = cfg.synchronousMode;
                c->manifest.timing = QStringLiteral("ttl %1 s, loop_wait %2 s, retry_timeout %3 s%4")
                                         .arg(cfg.ttl.value_or(kPatroniDefaultTtl))
                                         .arg(cfg.loopWait.value_or(kPatroniDefaultLoopWait))
                                         .arg(cfg.retryTimeout.value_or(kPatroniDefaultRetryTimeout))
                                         .arg(cfg.ttl || cfg.loopWait || cfg.retryTimeout ? QString()
                                                                                          : QStringLiteral(" (Patroni defaults: not set in the DCS)"));
            } else {
                c->manifest.notes << QStringLiteral("Patroni configuration: ") + (r.error.isEmpty() ? QStringLiteral("HTTP %1").arg(r.status) : r.error);
            }
            c->answered();
        });
    }
    if (profile.haproxyStats.isValid()) {
        // The stats page's heading names the version ("HAProxy version 2.6.12-1+deb12u1, released …")
        // unless `stats hide-version` is set; the CSV does not carry it.
        ++c->pending;
        http->get(profile.haproxyStats, kQuestionTimeoutMs, context, [c, http1](const HttpResult &r) {
            static const QRegularExpression re(QStringLiteral("HAProxy version ([^ ,<]+)"));
            const auto m = re.match(QString::fromUtf8(r.body.left(64 * 1024)));
            if (r.isSuccess() && m.hasMatch())
                c->manifest.haproxyVersion = m.captured(1);
            else
                c->manifest.notes << QStringLiteral("HAProxy version: not on its stats page%1")
                                         .arg(r.isSuccess() ? QStringLiteral(" (stats hide-version?)") : QStringLiteral(": ") + r.error);
            c->answered();
        });
    }
    c->answered();   // the initial count
}

} // namespace pgha::svc

#include "benchtargets.h"

#include "lab/labfiles.h"
#include "lab/labstandalone.h"
#include "lab/labstate.h"

#include <QHash>

#include <memory>

namespace pgha::svc {

namespace {
constexpr int kProbeTimeoutMs = 5000;
const QString kBenchDatabase = QStringLiteral("pgbench");

BenchTarget fromEndpoint(const Profile &profile, const QString &name, PgEndpoint e, const QString &path)
{
    e.database = kBenchDatabase;
    e.tls = postgresTlsFor(profile);
    if (e.user.isEmpty())
        e.user = profile.readWrite.user;
    BenchTarget t{name, e, {}, path};
    // The lab: its password for the console's own connections (never pgbench's command line),
    // and its client pgpass (0600, rewritten so it exists) for pgbench. Other profiles: libpq's
    // own lookup (PGPASSFILE or ~/.pgpass), so no file of ours.
    if (!profile.isBuiltInLab())
        return t;
    const auto state = LabState::load(profile.labDir);
    if (!state)
        return t;
    t.endpoint.password = state.value().secrets.superuser;
    LabConfig config = state.value().config;
    config.labDir = profile.labDir;
    if (writeClientPgpass(config, state.value().secrets))
        t.passFile = LabLayout(profile.labDir).clientPgpass();
    return t;
}

QString standalonePath(const PgEndpoint &e)
{
    return QStringLiteral("standalone PostgreSQL :%1 (no Patroni, no replication, no proxy)").arg(e.port);
}

PgEndpoint endpointOf(const Profile &profile, const QUrl &url)
{
    PgEndpoint e = profile.readWrite;
    e.host = url.host();
    e.port = url.port(5432);
    return e;
}

// The member a server that answered is: its address and port among the profile's PostgreSQL
// endpoints; the port alone only when no two members share it (a cluster on 10.0.0.11–13:5432
// would otherwise name its first member for all three, and --cold restart the wrong one).
QString memberAt(const Profile &profile, const QString &host, int port)
{
    QStringList byPort;
    for (const auto &m : profile.postgres) {
        if (m.url.port(5432) != port)
            continue;
        if (m.url.host() == host)
            return m.name;
        byPort.append(m.name);
    }
    return byPort.size() == 1 ? byPort.front() : QString();
}
} // namespace

QStringList benchTargetNames(const Profile &profile)
{
    QStringList names{QStringLiteral("rw"), QStringLiteral("ro")};
    if (!profile.pgpools.isEmpty())
        names << QStringLiteral("pgpool");
    if (!profile.postgres.isEmpty())
        names << QStringLiteral("direct");
    if (profile.isBuiltInLab())
        names << QStringLiteral("standalone");
    for (const auto &m : profile.postgres)
        names << QStringLiteral("member:") + m.name;
    return names;
}

Result<BenchTarget> resolveBenchTarget(const Profile &profile, const QString &name)
{
    const bool lab = profile.isBuiltInLab();
    if (name == u"rw")
        return fromEndpoint(profile, name, profile.readWrite,
                            lab ? QStringLiteral("HAProxy :%1 → PgBouncer → primary").arg(profile.readWrite.port)
                                : QStringLiteral("read-write entry %1:%2").arg(profile.readWrite.host).arg(profile.readWrite.port));
    if (name == u"ro")
        return fromEndpoint(profile, name, profile.readOnly,
                            lab ? QStringLiteral("HAProxy :%1 → PgBouncers → replicas").arg(profile.readOnly.port)
                                : QStringLiteral("read-only entry %1:%2").arg(profile.readOnly.host).arg(profile.readOnly.port));
    if (name == u"pgpool") {
        if (profile.pgpools.isEmpty())
            return makeError(QStringLiteral("this profile has no Pgpool-II"),
                             QStringLiteral("start the lab with --pgpool, or name pgpools: in the profile"));
        return fromEndpoint(profile, name, endpointOf(profile, profile.pgpools.front().url),
                            QStringLiteral("Pgpool-II :%1 → members").arg(profile.pgpools.front().url.port(9999)));
    }
    if (name == u"standalone") {
        if (!lab)
            return makeError(QStringLiteral("the standalone baseline runs beside the bundled lab, and this profile is not the lab"),
                             QStringLiteral("benchmark a single PostgreSQL of your own as member:NAME, or use the bundled lab"));
        auto e = standaloneEndpoint(profile.labDir);
        if (!e)
            return e.error();
        return fromEndpoint(profile, name, e.value(), standalonePath(e.value()));
    }
    if (name.startsWith(u"member:")) {
        const QString member = name.mid(7);
        for (const auto &m : profile.postgres)
            if (m.name == member)
                return fromEndpoint(profile, name, endpointOf(profile, m.url), QStringLiteral("%1's PostgreSQL, no proxy").arg(member));
        QStringList known;
        for (const auto &m : profile.postgres)
            known << m.name;
        return makeError(QStringLiteral("no member named \"%1\" among the profile's PostgreSQL endpoints").arg(member),
                         known.isEmpty() ? QStringLiteral("add postgres: endpoints to the profile")
                                         : QStringLiteral("one of: %1").arg(known.join(QStringLiteral(", "))));
    }
    return makeError(QStringLiteral("unknown benchmark target \"%1\"").arg(name),
                     QStringLiteral("one of: %1").arg(benchTargetNames(profile).join(QStringLiteral(", "))));
}

void resolveDirectTarget(const Profile &profile, QObject *context, std::function<void(const Result<BenchTarget> &)> done)
{
    struct State {
        int pending = 0;
        bool answered = false;
        QStringList errors;
        std::function<void(const Result<BenchTarget> &)> done;
    };
    auto state = std::make_shared<State>();
    state->done = std::move(done);
    state->pending = int(profile.postgres.size());
    if (state->pending == 0) {
        QMetaObject::invokeMethod(context, [state] {
            state->done(makeError(QStringLiteral("the profile names no PostgreSQL endpoints, so no primary can be reached directly"),
                                  QStringLiteral("add postgres: endpoints to the profile")));
        }, Qt::QueuedConnection);
        return;
    }
    for (const auto &m : profile.postgres) {
        const auto target = resolveBenchTarget(profile, QStringLiteral("member:") + m.name);
        PgEndpoint e = target.value().endpoint;
        e.database = QStringLiteral("postgres");
        auto *q = new PgQuery(e, QStringLiteral("SELECT pg_is_in_recovery()"), kProbeTimeoutMs, context);
        QObject::connect(q, &PgQuery::finished, context, [q, state, target, name = m.name](const PgResult &r) {
            q->deleteLater();
            --state->pending;
            if (state->answered)
                return;
            if (r.ok && r.rows.value(0).value(0) == u"f") {
                state->answered = true;
                BenchTarget t = target.value();
                t.name = QStringLiteral("direct");
                t.path = QStringLiteral("the primary's PostgreSQL (%1), no proxy").arg(name);
                return state->done(t);
            }
            if (!r.ok)
                state->errors << r.error;
            if (state->pending == 0)
                state->done(makeError(QStringLiteral("no member's PostgreSQL says it is the primary%1")
                                              .arg(state->errors.isEmpty() ? QString() : QStringLiteral(": ") + state->errors.join(QStringLiteral("; "))),
                                      QStringLiteral("is the cluster up? pgha status shows it")));
        });
        q->start();
    }
}

void resolveBenchTargetAsync(const Profile &profile, const QString &name, QObject *context,
                             std::function<void(const Result<BenchTarget> &)> done)
{
    if (name == u"direct")
        return resolveDirectTarget(profile, context, std::move(done));
    if (name == u"standalone" && profile.isBuiltInLab()) {
        // Started on demand: the baseline is there when a benchmark asks for it.
        return ensureStandalone(profile.labDir, context, [profile, done = std::move(done)](const Result<PgEndpoint> &e) {
            if (!e)
                return done(e.error());
            done(fromEndpoint(profile, QStringLiteral("standalone"), e.value(), standalonePath(e.value())));
        });
    }
    QMetaObject::invokeMethod(context, [done = std::move(done), t = resolveBenchTarget(profile, name)] { done(t); }, Qt::QueuedConnection);
}

QString AnsweredServer::describe() const
{
    const QString role = primary ? QStringLiteral("primary") : QStringLiteral("replica");
    return member.isEmpty() ? QStringLiteral("%1 (%2)").arg(address, role) : QStringLiteral("%1 (%2, %3)").arg(member, role, address);
}

QStringList describeAll(const QList<AnsweredServer> &servers)
{
    QStringList out;
    for (const AnsweredServer &s : servers)
        out.append(s.describe());
    return out;
}

void probeAnsweredBy(const Profile &profile, const BenchTarget &target, int connections, QObject *context,
                     std::function<void(const QList<AnsweredServer> &, const QString &)> done)
{
    struct State {
        int pending = 0;
        QHash<QString, AnsweredServer> seen;
        QString firstError;
        std::function<void(const QList<AnsweredServer> &, const QString &)> done;
    };
    auto state = std::make_shared<State>();
    state->done = std::move(done);
    state->pending = std::max(1, connections);
    PgEndpoint e = target.endpoint;
    e.database = QStringLiteral("postgres");
    for (int i = 0; i < state->pending; ++i) {
        auto *q = new PgQuery(e, QStringLiteral("SELECT inet_server_port(), pg_is_in_recovery(), host(inet_server_addr())"),
                              kProbeTimeoutMs, context);
        QObject::connect(q, &PgQuery::finished, context, [q, state, profile, target](const PgResult &r) {
            q->deleteLater();
            if (r.ok && !r.rows.isEmpty()) {
                const int port = r.rows[0].value(0).toInt();
                AnsweredServer a;
                a.primary = r.rows[0].value(1) != u"t";
                // The standalone baseline is no member: it answers under its own name.
                a.member = target.name == u"standalone" ? target.name : memberAt(profile, r.rows[0].value(2), port);
                a.address = QStringLiteral("%1:%2").arg(r.rows[0].value(2)).arg(port);
                state->seen.insert(a.describe(), a);
            } else if (state->firstError.isEmpty()) {
                state->firstError = r.ok ? QStringLiteral("no answer") : r.error;
            }
            if (--state->pending == 0) {
                QStringList keys = state->seen.keys();
                keys.sort();
                QList<AnsweredServer> out;
                for (const QString &k : keys)
                    out.append(state->seen.value(k));
                state->done(out, state->firstError);
            }
        });
        q->start();
    }
}

} // namespace pgha::svc

// `pgha status`: the members as the console shows them.
#include "clicontext.h"
#include "sourcedeadline.h"

#include "clustermodel.h"
#include "clusterobserver.h"
#include "consistencywatchdog.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "memberformat.h"
#include "credentials/credentials.h"
#include "lab/labprofile.h"
#include "secrets/secretstore.h"
#include "patroni/patronipoller.h"
#include "profile/profile.h"
#include "sourcehealthmodel.h"
#include "core/utctime.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace pgha::svc;
using pgha::models::ClusterObserver;
using namespace pgha::models;

namespace pgha::cli {

namespace {

QJsonObject etcdToJson(const EtcdSnapshot &e, const QString &profileScope)
{
    QJsonArray members, scopes;
    for (const auto &m : e.members.members) {
        QJsonObject o{{QStringLiteral("name"), m.name}, {QStringLiteral("id"), m.id},
                      {QStringLiteral("clientUrls"), QJsonArray::fromStringList(m.clientUrls)}};
        for (auto it = e.statusByEndpoint.cbegin(); it != e.statusByEndpoint.cend(); ++it)
            if (it->memberId == m.id) {
                o.insert(QStringLiteral("version"), it->version);
                o.insert(QStringLiteral("dbSize"), it->dbSize);
                o.insert(QStringLiteral("raftTerm"), it->raftTerm);
                o.insert(QStringLiteral("raftIndex"), it->raftIndex);
                o.insert(QStringLiteral("isLeader"), it->isLeader());
            }
        members.append(o);
    }
    const PatroniDcsScope *watched = e.watchedScope(profileScope);
    for (const auto &s : e.scopes)
        scopes.append(QJsonObject{{QStringLiteral("scope"), s.scope}, {QStringLiteral("leader"), s.leader},
                                  {QStringLiteral("leaderTtlSeconds"), s.leaderTtlS ? QJsonValue(*s.leaderTtlS) : QJsonValue()},
                                  {QStringLiteral("watched"), &s == watched},
                                  {QStringLiteral("members"), QJsonArray::fromStringList(s.members.keys())},
                                  {QStringLiteral("ttl"), s.config.value(u"ttl")}});
    return {{QStringLiteral("leader"), e.leaderName}, {QStringLiteral("members"), members}, {QStringLiteral("patroniScopes"), scopes},
            {QStringLiteral("keyspace"), e.keyspace}, {QStringLiteral("keyspaceNote"), e.keyspaceNote},
            {QStringLiteral("keysError"), e.keysError}};
}

QJsonObject haproxyToJson(const HaproxyStats &h)
{
    QJsonArray servers;
    for (const auto &r : h.rows)
        if (r.kind == HaproxyRow::Kind::Server)
            servers.append(QJsonObject{{QStringLiteral("proxy"), r.proxy}, {QStringLiteral("server"), r.name},
                                       {QStringLiteral("status"), r.status}, {QStringLiteral("checkStatus"), r.checkStatus},
                                       {QStringLiteral("checkCode"), r.checkCode},
                                       {QStringLiteral("checkDurationMs"), r.checkDurationMs},
                                       {QStringLiteral("lastChangeSec"), r.lastChangeSec},
                                       {QStringLiteral("currentSessions"), r.currentSessions},
                                       {QStringLiteral("totalSessions"), r.totalSessions}});
    return {{QStringLiteral("servers"), servers}};
}

QJsonObject postgresToJson(const QMap<QString, PgNodeObservation> &nodes)
{
    QJsonObject out;
    for (const auto &n : nodes) {
        QJsonArray walsenders;
        for (const auto &w : n.replication)
            walsenders.append(QJsonObject{{QStringLiteral("applicationName"), w.applicationName},
                                          {QStringLiteral("state"), w.state},
                                          {QStringLiteral("syncState"), w.syncState},
                                          {QStringLiteral("replayLsn"), w.replayLsn},
                                          {QStringLiteral("replayLagSeconds"), w.replayLagS ? QJsonValue(*w.replayLagS) : QJsonValue()},
                                          {QStringLiteral("replayLagBytes"), w.replayLagBytes ? QJsonValue(*w.replayLagBytes) : QJsonValue()}});
        QJsonObject o{{QStringLiteral("inRecovery"), n.inRecovery},
                      {QStringLiteral("timeline"), n.timeline ? QJsonValue(*n.timeline) : QJsonValue()},
                      {QStringLiteral("currentLsn"), n.currentLsn},
                      {QStringLiteral("replayLsn"), n.replayLsn},
                      {QStringLiteral("serverVersion"), n.serverVersion},
                      {QStringLiteral("walsenders"), walsenders}};
        if (n.walReceiver)
            o.insert(QStringLiteral("walReceiver"), QJsonObject{{QStringLiteral("status"), n.walReceiver->status},
                                                               {QStringLiteral("sender"), QStringLiteral("%1:%2").arg(n.walReceiver->senderHost).arg(n.walReceiver->senderPort)},
                                                               {QStringLiteral("timeline"), n.walReceiver->receivedTimeline}});
        out.insert(n.name, o);
    }
    return out;
}

QJsonObject pgbouncersToJson(const QMap<QString, PgBouncerObservation> &bouncers)
{
    QJsonObject out;
    for (const auto &b : bouncers) {
        QJsonArray pools;
        for (const auto &p : b.pools)
            pools.append(QJsonObject{{QStringLiteral("database"), p.database}, {QStringLiteral("user"), p.user},
                                     {QStringLiteral("clientsActive"), p.clientsActive}, {QStringLiteral("clientsWaiting"), p.clientsWaiting},
                                     {QStringLiteral("serversActive"), p.serversActive}, {QStringLiteral("serversIdle"), p.serversIdle},
                                     {QStringLiteral("maxWaitSeconds"), p.maxWaitS}, {QStringLiteral("poolMode"), p.poolMode}});
        out.insert(b.name, QJsonObject{{QStringLiteral("target"), b.target()}, {QStringLiteral("pools"), pools}});
    }
    return out;
}

QJsonObject patroniNodesToJson(const QList<PatroniNodeReport> &nodes)
{
    QJsonObject out;
    for (const auto &n : nodes) {
        QJsonObject o{{QStringLiteral("primaryCode"), n.primaryCode}, {QStringLiteral("replicaCode"), n.replicaCode},
                      {QStringLiteral("healthCode"), n.healthCode}};
        if (n.status) {
            o.insert(QStringLiteral("state"), n.status->state);
            o.insert(QStringLiteral("role"), roleName(n.status->role));
            o.insert(QStringLiteral("patroniVersion"), n.status->patroniVersion);
            o.insert(QStringLiteral("serverVersion"), n.status->serverVersion);
            o.insert(QStringLiteral("timeline"), n.status->timeline ? QJsonValue(*n.status->timeline) : QJsonValue());
            o.insert(QStringLiteral("dcsLastSeen"), n.status->dcsLastSeen);
            o.insert(QStringLiteral("pendingRestart"), n.status->pendingRestart);
        } else {
            o.insert(QStringLiteral("error"), n.error);
        }
        o.insert(QStringLiteral("endpoint"), n.name);
        out.insert(n.member.isEmpty() ? n.name : n.member, o);
    }
    return out;
}

QJsonObject configToJson(const PatroniDynamicConfig &c)
{
    QJsonObject o = c.raw;
    if (c.ttl && c.loopWait && c.retryTimeout) {
        const QString preset = LabTimings::presetMatching(*c.ttl, *c.loopWait, *c.retryTimeout);
        o.insert(QStringLiteral("pghaTimingPreset"), preset.isEmpty() ? QStringLiteral("custom") : preset);
    }
    return o;
}

QJsonObject metricsToJson(const QMap<QString, MetricsDigest> &metrics)
{
    QJsonObject out;
    for (auto it = metrics.cbegin(); it != metrics.cend(); ++it) {
        QJsonObject figures;
        for (const auto &f : it->figures)
            figures.insert(f.key, f.value);
        out.insert(it.key(), QJsonObject{{QStringLiteral("origin"), MetricsDigest::originName(it->origin)},
                                         {QStringLiteral("families"), it->families},
                                         {QStringLiteral("samples"), it->samples},
                                         {QStringLiteral("figures"), figures}});
    }
    return out;
}

QJsonObject pgpoolsToJson(const QMap<QString, PgpoolObservation> &pgpools)
{
    QJsonObject out;
    for (const auto &p : pgpools) {
        QJsonArray nodes;
        for (const auto &n : p.nodes)
            nodes.append(QJsonObject{{QStringLiteral("id"), n.id}, {QStringLiteral("hostPort"), n.hostPort()},
                                     {QStringLiteral("status"), n.status}, {QStringLiteral("role"), n.role},
                                     {QStringLiteral("pgStatus"), n.pgStatus}, {QStringLiteral("pgRole"), n.pgRole},
                                     {QStringLiteral("lbWeight"), n.lbWeight}, {QStringLiteral("selectCount"), n.selectCount},
                                     {QStringLiteral("replicationDelay"), n.replicationDelay},
                                     {QStringLiteral("replicationState"), n.replicationState}});
        out.insert(p.name, QJsonObject{{QStringLiteral("primaries"), QJsonArray::fromStringList(p.primaries())},
                                       {QStringLiteral("nodes"), nodes}});
    }
    return out;
}

QString patroniChecksLine(const QList<PatroniNodeReport> &nodes)
{
    QStringList parts;
    for (const auto &n : nodes)
        parts.append(QStringLiteral("%1 %2/%3/%4").arg(n.member.isEmpty() ? n.name : n.member).arg(n.primaryCode).arg(n.replicaCode).arg(n.healthCode));
    return QStringLiteral("Patroni role checks (/primary /replica /health): ") + parts.join(QStringLiteral(" · "));
}

QString configLine(const PatroniDynamicConfig &c)
{
    if (c.raw.isEmpty())
        return QStringLiteral("dynamic config: not read");
    const QString preset = c.setsAnyTiming()
            ? LabTimings::presetMatching(c.effectiveTtl(), c.effectiveLoopWait(), c.effectiveRetryTimeout())
            : QString();
    return QStringLiteral("dynamic config: %1%2 · synchronous_mode %3 · failsafe_mode %4 · maximum_lag_on_failover %5")
            .arg(c.describeTimings(), preset.isEmpty() ? QString() : QStringLiteral(" (preset %1)").arg(preset),
                 c.synchronousModeText(),
                 c.failsafeMode ? QStringLiteral("on") : QStringLiteral("off"),
                 c.maximumLagOnFailover ? QString::number(*c.maximumLagOnFailover) + QStringLiteral(" B")
                                        : QStringLiteral("%1 B (Patroni default)").arg(c.effectiveMaximumLagOnFailover()));
}

QString metricsLine(const QMap<QString, MetricsDigest> &metrics)
{
    if (metrics.isEmpty())
        return QStringLiteral("metrics: none scraped");
    int samples = 0;
    QStringList notes;
    for (auto it = metrics.cbegin(); it != metrics.cend(); ++it) {
        samples += it->samples;
        if (const auto fsync = it->value(QStringLiteral("wal_fsync_p99_s")))
            notes.append(QStringLiteral("%1 WAL fsync p99 %2 ms").arg(it.key()).arg(*fsync * 1000, 0, 'f', 1));
        if (const auto backends = it->value(QStringLiteral("backends")))
            notes.append(QStringLiteral("%1 %2 backends").arg(it.key()).arg(*backends));
    }
    return QStringLiteral("metrics: %1 endpoints, %2 samples · %3").arg(metrics.size()).arg(samples).arg(notes.join(QStringLiteral(" · ")));
}

QString postgresLine(const QMap<QString, PgNodeObservation> &nodes, const models::ClusterLayout &layout)
{
    if (nodes.isEmpty())
        return QStringLiteral("PostgreSQL: not asked (no postgres endpoints in the profile) or no answer");
    QStringList parts;
    for (auto n : nodes) {
        // The member it is, by /cluster; the endpoint's name beside it when that differs.
        const QString member = layout.postgresMembers.value(n.name);
        if (member.isEmpty())
            n.name = QStringLiteral("%1 (unmapped)").arg(n.name);
        else if (member != n.name)
            n.name = QStringLiteral("%1 (%2)").arg(member, n.name);
        if (!n.inRecovery) {
            QStringList lags;
            for (const auto &w : n.replication)
                lags.append(QStringLiteral("%1 %2 %3 s").arg(w.applicationName, w.state,
                                                              w.replayLagS ? QString::number(*w.replayLagS, 'f', 3) : QStringLiteral("0")));
            parts.append(QStringLiteral("%1 primary (TL %2; %3)").arg(n.name).arg(n.timeline.value_or(0)).arg(lags.join(QStringLiteral(", "))));
        } else {
            parts.append(QStringLiteral("%1 in recovery%2").arg(n.name, n.walReceiver ? QStringLiteral(", receiver %1").arg(n.walReceiver->status) : QString()));
        }
    }
    return QStringLiteral("PostgreSQL: ") + parts.join(QStringLiteral(" · "));
}

// The raft leader, who answered, and Patroni's scopes in the DCS: the watched one first (the
// profile's scope, else the first found), then any other cluster sharing the namespace.
QString etcdLine(const EtcdSnapshot &e, const Profile &profile)
{
    if (e.statusByEndpoint.isEmpty())
        return QStringLiteral("etcd: no answer");
    const PatroniDcsScope *watched = e.watchedScope(profile.scope);
    auto describe = [&](const PatroniDcsScope &s) {
        QStringList facts;
        if (&s == watched && e.scopes.size() > 1)
            facts.append(QStringLiteral("watched"));
        facts.append(QStringLiteral("leader key: %1").arg(s.leader.isEmpty() ? QStringLiteral("none") : s.leader));
        if (s.leaderTtlS && !s.leader.isEmpty())
            facts.append(QStringLiteral("ttl %1 s").arg(*s.leaderTtlS));
        return QStringLiteral("%1 (%2)").arg(s.scope, facts.join(QStringLiteral(", ")));
    };
    QStringList scopes;
    if (watched)
        scopes.append(describe(*watched));
    for (const auto &s : e.scopes)
        if (&s != watched)
            scopes.append(describe(s));
    QString where;
    if (scopes.isEmpty() && !e.keysError.isEmpty())
        where = QStringLiteral("not read (see the note)");
    else if (scopes.isEmpty())
        where = QStringLiteral("none under %1 (neither the v3 nor the v2 keyspace)").arg(profile.dcsNamespace);
    else
        where = scopes.join(QStringLiteral(", ")) + QStringLiteral(" in the %1 keyspace").arg(e.keyspace);
    if (!scopes.isEmpty() && !watched)
        where += QStringLiteral(" — none is the profile's scope %1").arg(profile.scope);
    QString line = QStringLiteral("etcd: leader %1 · %2 of %3 members answered · Patroni scopes: %4")
                           .arg(e.leaderName.isEmpty() ? QStringLiteral("none") : e.leaderName)
                           .arg(e.statusByEndpoint.size())
                           .arg(e.members.members.size())
                           .arg(where);
    if (!e.keyspaceNote.isEmpty())
        line += QStringLiteral("\n  note: ") + e.keyspaceNote;
    if (!e.keysError.isEmpty())
        line += QStringLiteral("\n  note: Patroni's keys could not be read: ") + e.keysError;
    return line;
}

// Each proxy with what it does (read-write, read-only, found how) and its UP servers, named
// after the members they reach when the layout can tell.
QString haproxyLine(const HaproxyStats &h, const models::ClusterLayout &layout)
{
    if (h.rows.isEmpty())
        return QStringLiteral("HAProxy: no answer");
    QStringList parts;
    QStringList proxies;
    for (const auto &r : h.rows)
        if (r.kind == HaproxyRow::Kind::Server && !proxies.contains(r.proxy))
            proxies.append(r.proxy);
    for (const auto &proxy : proxies) {
        QStringList up;
        for (const auto &r : h.servers(proxy))
            if (r.isUp()) {
                const auto member = layout.memberForServer(r);
                up.append(!member ? r.name : *member == r.name ? r.name : QStringLiteral("%1 (%2)").arg(r.name, *member));
            }
        const QString role = proxy == layout.haproxy.readWrite.proxy
                ? QStringLiteral(" [read-write, %1]").arg(models::HaproxyRoles::howText(layout.haproxy.readWrite.how))
                : proxy == layout.haproxy.readOnly.proxy
                ? QStringLiteral(" [read-only, %1]").arg(models::HaproxyRoles::howText(layout.haproxy.readOnly.how))
                : QString();
        parts.append(QStringLiteral("%1%2 → %3").arg(proxy, role, up.isEmpty() ? QStringLiteral("NO SERVER UP") : up.join(QStringLiteral(", "))));
    }
    QString line = QStringLiteral("HAProxy: ") + parts.join(QStringLiteral(" · "));
    for (const auto &note : layout.haproxy.notes)
        line += QStringLiteral("\n  note: ") + note;
    return line;
}

QJsonObject layoutToJson(const models::ClusterLayout &layout)
{
    auto choice = [](const models::HaproxyRoles::Choice &c) {
        return QJsonObject{{QStringLiteral("proxy"), c.proxy}, {QStringLiteral("how"), models::HaproxyRoles::howText(c.how)},
                           {QStringLiteral("reason"), c.reason}};
    };
    QJsonObject servers;
    for (auto it = layout.serverMembers.cbegin(); it != layout.serverMembers.cend(); ++it)
        servers.insert(it.key(), it.value());
    QJsonObject postgres;
    for (auto it = layout.postgresMembers.cbegin(); it != layout.postgresMembers.cend(); ++it)
        postgres.insert(it.key(), it.value());
    QJsonArray poolers;
    for (const auto &p : layout.poolers)
        poolers.append(QJsonObject{{QStringLiteral("name"), p.name}, {QStringLiteral("beside"), p.beside},
                                   {QStringLiteral("sendsTo"), QJsonArray::fromStringList(p.targets + p.unmapped)},
                                   {QStringLiteral("inClientPath"), p.inClientPath},
                                   {QStringLiteral("spreadsOverRoles"), p.spreadsOverRoles}});
    return {{QStringLiteral("members"), QJsonArray::fromStringList(layout.members.names())},
            {QStringLiteral("haproxyReadWrite"), choice(layout.haproxy.readWrite)},
            {QStringLiteral("haproxyReadOnly"), choice(layout.haproxy.readOnly)},
            {QStringLiteral("haproxyServerMembers"), servers},
            {QStringLiteral("postgresMembers"), postgres},
            {QStringLiteral("poolers"), poolers},
            {QStringLiteral("notes"), QJsonArray::fromStringList(layout.notes())}};
}

} // namespace

int runStatusCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show the cluster's members as Patroni reports them."));
    parser.addHelpOption();
    parser.addOptions({
        {QStringLiteral("profile"), QStringLiteral("Profile name or YAML file (default: the built-in lab profile)."),
         QStringLiteral("NAME|FILE"), QStringLiteral("lab")},
        {QStringLiteral("json"), QStringLiteral("Print JSON.")},
        timeoutOption(),
    });
    if (!parser.parse(args)) {
        ctx.err << "pgha: " << parser.errorText() << "\n\n" << parser.helpText();
        return Usage;
    }
    if (parser.isSet(QStringLiteral("help")))
        return ctx.out << parser.helpText(), Ok;
    const auto timeoutMs = timeoutMsFrom(parser, ctx);
    if (!timeoutMs)
        return Usage;

    auto profile = resolveProfile(parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << Qt::endl;
        return Failed;
    }
    HttpClient http;
    ClusterObserver observer(&http);
    observer.setProfile(profile.value());
    // One round of every source, then report; whatever a source does, within the deadline.
    QString roundError;
    QObject::connect(observer.patroni(), &EndpointPoller::roundFinished, [&](bool, const QString &error) { roundError = error; });
    RoundDeadline deadline(&observer, *timeoutMs);
    QObject::connect(&deadline, &RoundDeadline::finished, [] { QCoreApplication::quit(); });
    QObject::connect(&deadline, &RoundDeadline::expired, [] { QCoreApplication::quit(); });
    deadline.arm();
    // Members found through /cluster are asked too before the report: one more round of the
    // Patroni REST APIs and of /metrics (Patroni's own, on each member's API port).
    QList<EndpointPoller *> followed;
    QObject::connect(&observer, &ClusterObserver::pollerGrew, &deadline, [&](EndpointPoller *p) {
        if (followed.contains(p))
            return;
        followed.append(p);
        deadline.oneMoreRound(p);
    });
    // The passwords first (the lab's state file, else the keychain, else libpq's own file),
    // within the same deadline.
    KeychainSecretStore secrets;
    resolveCredentials(&secrets, profile.value(), &observer, [&ctx, &observer](const ProfileSecretsRead &r) {
        for (const QString &f : r.failed)
            ctx.err << "pgha: " << f << "\n";
        observer.setPasswords(r.passwords);
        observer.pollOnce();
    });
    QCoreApplication::exec();
    // Only a source that answered counts: a partial picture is reported, and fails the command.
    const QStringList unanswered = deadline.unanswered();
    observer.stop();
    auto reportUnanswered = [&] {
        if (unanswered.isEmpty())
            return;
        ctx.err << "pgha: " << unanswered.size() << " source(s) of profile \"" << profile.value().name << "\" did not answer"
                << (deadline.complete() ? QString() : QStringLiteral(" within %1 s (--timeout)").arg(*timeoutMs / 1000)) << ":\n";
        for (const QString &u : unanswered)
            ctx.err << "  " << u << '\n';
        ctx.err.flush();
    };
    const std::optional<ClusterSnapshot> snapshot = observer.cluster()->rowCount() > 0
            ? std::optional<ClusterSnapshot>(observer.cluster()->snapshot()) : std::nullopt;
    const bool json = parser.isSet(QStringLiteral("json"));
    if (json) {
        QJsonArray members, sources;
        if (snapshot)
            for (const auto &m : snapshot->members)
                members.append(memberToJson(m));
        for (const auto &h : observer.sources()->sources())
            sources.append(QJsonObject{{QStringLiteral("id"), h.id},
                                       {QStringLiteral("url"), h.url.toString()},
                                       {QStringLiteral("reachable"), h.reachable},
                                       {QStringLiteral("latencyMs"), h.latencyMs},
                                       {QStringLiteral("error"), h.lastError}});
        QJsonObject root{{QStringLiteral("profile"), profile.value().name},
                         {QStringLiteral("ok"), snapshot.has_value() && unanswered.isEmpty()},
                         {QStringLiteral("complete"), deadline.complete()},
                         {QStringLiteral("unanswered"), QJsonArray::fromStringList(unanswered)},
                         {QStringLiteral("members"), members},
                         {QStringLiteral("sources"), sources},
                         {QStringLiteral("etcd"), etcdToJson(observer.etcd(), profile.value().scope)},
                         {QStringLiteral("haproxy"), haproxyToJson(observer.haproxy())},
                         {QStringLiteral("layout"), layoutToJson(observer.layout())},
                         {QStringLiteral("postgres"), postgresToJson(observer.postgres())},
                         {QStringLiteral("pgbouncers"), pgbouncersToJson(observer.pgbouncers())},
                         {QStringLiteral("patroniNodes"), patroniNodesToJson(observer.patroniNodes())},
                         {QStringLiteral("pgpools"), pgpoolsToJson(observer.pgpools())},
                         {QStringLiteral("config"), configToJson(observer.dynamicConfig())},
                         {QStringLiteral("metrics"), metricsToJson(observer.metrics())}};
        QJsonObject voices;
        const auto views = observer.watchdog()->views();
        for (auto it = views.cbegin(); it != views.cend(); ++it)
            voices.insert(it.key(), it.value());
        root.insert(QStringLiteral("primaryBySource"), voices);
        if (snapshot) {
            root.insert(QStringLiteral("reportedBy"), snapshot->sourceUrl);
            root.insert(QStringLiteral("fetchedAt"), utcFromMs(snapshot->fetchedAtMs)
                                                             .toString(Qt::ISODateWithMs));
            root.insert(QStringLiteral("leader"), snapshot->leader() ? snapshot->leader()->name : QString());
        } else {
            root.insert(QStringLiteral("error"), roundError.isEmpty() ? QStringLiteral("no Patroni REST API answered") : roundError);
        }
        ctx.out << QJsonDocument(root).toJson(QJsonDocument::Indented);
        ctx.out.flush();
    }
    if (!snapshot) {
        if (!json)
            ctx.err << "pgha: no Patroni REST API of profile \"" << profile.value().name << "\" answered"
                    << (roundError.isEmpty() ? QString() : QStringLiteral(": ") + roundError)
                    << "\n  → is the cluster running? For the lab: `pgha lab status`" << Qt::endl;
        reportUnanswered();
        return Failed;
    }
    if (!json) {
        const QStringList headers{QStringLiteral("MEMBER"), QStringLiteral("ROLE"), QStringLiteral("STATE"),
                                  QStringLiteral("HOST:PORT"), QStringLiteral("TL"), QStringLiteral("LAG")};
        QList<QStringList> rows;
        for (const auto &m : snapshot->members)
            rows.append({m.name, roleText(m), m.state, hostPortText(m), timelineText(m), lagText(m)});
        QList<int> widths;
        for (int c = 0; c < headers.size(); ++c) {
            int w = static_cast<int>(headers[c].size());
            for (const auto &r : rows)
                w = std::max(w, static_cast<int>(r[c].size()));
            widths.append(w + 2);
        }
        ctx.out << "profile " << profile.value().name << " · reported by " << snapshot->sourceUrl
                << (snapshot->paused ? " · MAINTENANCE MODE (paused)" : "") << '\n';
        for (int c = 0; c < headers.size(); ++c)
            ctx.out << padRight(headers[c], widths[c]);
        ctx.out << '\n';
        for (const auto &r : rows) {
            for (int c = 0; c < r.size(); ++c)
                ctx.out << padRight(r[c], widths[c]);
            ctx.out << '\n';
        }
        ctx.out << configLine(observer.dynamicConfig()) << '\n' << patroniChecksLine(observer.patroniNodes()) << '\n'
                << etcdLine(observer.etcd(), profile.value()) << '\n' << haproxyLine(observer.haproxy(), observer.layout()) << '\n'
                << postgresLine(observer.postgres(), observer.layout()) << '\n';
        QStringList bouncers;
        for (const auto &b : observer.pgbouncers()) {
            int active = 0, waiting = 0;
            for (const auto &p : b.pools) {
                active += p.clientsActive;
                waiting += p.clientsWaiting;
            }
            // Where it really sends, as members (a wildcard [databases] entry appears in SHOW
            // DATABASES only once a client used it); whether any client path goes through it.
            const auto *pooler = observer.layout().pooler(b.name);
            const QStringList reaches = pooler ? pooler->targets + pooler->unmapped : QStringList();
            bouncers.append(QStringLiteral("%1 → %2 (%3 clients active, %4 waiting%5)")
                                    .arg(b.name, reaches.isEmpty() ? QStringLiteral("no database used yet") : reaches.join(QStringLiteral(", ")))
                                    .arg(active).arg(waiting)
                                    .arg(pooler && !pooler->inClientPath ? QStringLiteral("; no HAProxy server is it") : QString()));
        }
        if (!bouncers.isEmpty())
            ctx.out << "PgBouncer: " << bouncers.join(QStringLiteral(" · ")) << '\n';
        for (const auto &p : observer.layout().poolers)
            if (!p.warning.isEmpty())
                ctx.out << "  warning: " << p.warning << '\n';
        for (const auto &p : observer.pgpools()) {
            QStringList nodes;
            for (const auto &n : p.nodes)
                nodes.append(QStringLiteral("%1 %2 %3").arg(n.hostPort(), n.status, n.role));
            ctx.out << "Pgpool-II " << p.name << ": " << nodes.join(QStringLiteral(" · ")) << '\n';
        }
        ctx.out << metricsLine(observer.metrics()) << '\n';
        ctx.out.flush();
    }
    reportUnanswered();
    return unanswered.isEmpty() ? Ok : Failed;
}

} // namespace pgha::cli

#include "labconfig.h"

#include "process/procutil.h"

#include <QDir>
#include <QJsonArray>
#include <QStandardPaths>
#include <QVersionNumber>

namespace pgha::svc {

LabTimings LabTimings::demoFast() { return {QStringLiteral("demo-fast"), 10, 2, 4}; }
LabTimings LabTimings::supportedFast() { return {QStringLiteral("supported-fast"), 20, 2, 5}; }
LabTimings LabTimings::patroniDefaults() { return {QStringLiteral("patroni-defaults"), 30, 10, 10}; }

QStringList LabTimings::presetNames()
{
    return {demoFast().preset, supportedFast().preset, patroniDefaults().preset};
}

QString LabTimings::presetMatching(int ttl, int loopWait, int retryTimeout)
{
    for (const auto &t : {demoFast(), supportedFast(), patroniDefaults()})
        if (t.ttl == ttl && t.loopWait == loopWait && t.retryTimeout == retryTimeout)
            return t.preset;
    for (const auto &t : {demoFast(), supportedFast(), patroniDefaults()})
        if (ttl == kPatroniMinTtl && t.ttl < kPatroniMinTtl && t.loopWait == loopWait && t.retryTimeout == retryTimeout)
            return t.preset;
    return {};
}

int LabTimings::minTtlOf(const QString &patroniVersion)
{
    const QVersionNumber v = QVersionNumber::fromString(patroniVersion);
    return v >= QVersionNumber(3, 2) ? kPatroniMinTtl : 1;
}

QString LabTimings::raiseForPatroni(const QString &patroniVersion, int minTtl)
{
    if (ttl >= minTtl)
        return {};
    const QString note = QStringLiteral("Patroni %1 raises a ttl below %2 s to %2 s: the %3 timings' ttl %4 s becomes %2 s, so a "
                                        "crashed leader's key lives %5 s longer than on Patroni 3.0")
                                 .arg(patroniVersion).arg(minTtl)
                                 .arg(preset.isEmpty() ? QStringLiteral("custom") : preset)
                                 .arg(ttl).arg(minTtl - ttl);
    ttl = minTtl;
    preset = presetMatching(ttl, loopWait, retryTimeout);
    return note;
}

Result<LabTimings> LabTimings::byName(const QString &name)
{
    for (const auto &t : {demoFast(), supportedFast(), patroniDefaults()})
        if (t.preset == name)
            return t;
    return makeError(QStringLiteral("unknown timing preset \"%1\"").arg(name),
                     QStringLiteral("use one of: ") + presetNames().join(QStringLiteral(", ")));
}

Result<bool> LabTimings::validate() const
{
    if (ttl <= 0 || loopWait <= 0 || retryTimeout <= 0)
        return makeError(QStringLiteral("Patroni timings must be positive (ttl %1, loop_wait %2, retry_timeout %3)")
                                 .arg(ttl).arg(loopWait).arg(retryTimeout));
    if (loopWait + 2 * retryTimeout > ttl)
        return makeError(QStringLiteral("loop_wait + 2 × retry_timeout = %1 exceeds ttl %2")
                                 .arg(loopWait + 2 * retryTimeout).arg(ttl),
                         QStringLiteral("Patroni needs loop_wait + 2 × retry_timeout ≤ ttl; raise ttl or lower the others"));
    return true;
}

QString LabTimings::describe() const
{
    QString s = QStringLiteral("%1 (ttl %2 s, loop_wait %3 s, retry_timeout %4 s)")
                        .arg(preset.isEmpty() ? QStringLiteral("custom") : preset)
                        .arg(ttl).arg(loopWait).arg(retryTimeout);
    if (ttl < kPatroniMinTtl)
        s += QStringLiteral(" — below Patroni's documented minimum ttl of %1 s, for demos (Patroni 3.0 keeps it; 3.2 and "
                            "later, e.g. Debian 13's 4.0, raise it to %1 s)").arg(kPatroniMinTtl);
    return s;
}

QString kindName(LabComponentKind kind)
{
    switch (kind) {
    case LabComponentKind::Etcd: return QStringLiteral("etcd");
    case LabComponentKind::Patroni: return QStringLiteral("patroni");
    case LabComponentKind::PgBouncer: return QStringLiteral("pgbouncer");
    case LabComponentKind::HAProxy: return QStringLiteral("haproxy");
    case LabComponentKind::Exporter: return QStringLiteral("exporter");
    case LabComponentKind::Pgpool: return QStringLiteral("pgpool");
    }
    return {};
}

LabPorts LabPorts::withOffset(int offset) const
{
    LabPorts p = *this;
    for (int i = 0; i < kLabMembers; ++i) {
        p.etcdClient[i] += offset;
        p.etcdPeer[i] += offset;
        p.postgres[i] += offset;
        p.rest[i] += offset;
        p.pgbouncer[i] += offset;
        p.exporter[i] += offset;
        p.pgbouncerExporter[i] += offset;
    }
    p.haproxyReadWrite += offset;
    p.haproxyReadOnly += offset;
    p.haproxyStats += offset;
    p.pgpool += offset;
    p.pgpoolPcp += offset;
    p.standalone += offset;
    return p;
}

static QJsonArray intArray(const int (&values)[kLabMembers])
{
    QJsonArray a;
    for (int v : values)
        a.append(v);
    return a;
}

static void readIntArray(const QJsonValue &v, int (&out)[kLabMembers])
{
    const QJsonArray a = v.toArray();
    for (int i = 0; i < kLabMembers && i < a.size(); ++i)
        out[i] = a.at(i).toInt(out[i]);
}

QJsonObject LabPorts::toJson() const
{
    return {{QStringLiteral("etcdClient"), intArray(etcdClient)}, {QStringLiteral("etcdPeer"), intArray(etcdPeer)},
            {QStringLiteral("postgres"), intArray(postgres)},     {QStringLiteral("rest"), intArray(rest)},
            {QStringLiteral("pgbouncer"), intArray(pgbouncer)},  {QStringLiteral("exporter"), intArray(exporter)},
            {QStringLiteral("pgbouncerExporter"), intArray(pgbouncerExporter)},
            {QStringLiteral("haproxyReadWrite"), haproxyReadWrite},
            {QStringLiteral("haproxyReadOnly"), haproxyReadOnly}, {QStringLiteral("haproxyStats"), haproxyStats},
            {QStringLiteral("pgpool"), pgpool}, {QStringLiteral("pgpoolPcp"), pgpoolPcp},
            {QStringLiteral("standalone"), standalone}};
}

LabPorts LabPorts::fromJson(const QJsonObject &o)
{
    LabPorts p;
    readIntArray(o.value(u"etcdClient"), p.etcdClient);
    readIntArray(o.value(u"etcdPeer"), p.etcdPeer);
    readIntArray(o.value(u"postgres"), p.postgres);
    readIntArray(o.value(u"rest"), p.rest);
    readIntArray(o.value(u"pgbouncer"), p.pgbouncer);
    // A lab recorded before a component existed: place it with the lab's own offset.
    const int offset = p.postgres[0] - LabPorts().postgres[0];
    for (int i = 0; i < kLabMembers; ++i) {
        p.exporter[i] += offset;
        p.pgbouncerExporter[i] += offset;
    }
    readIntArray(o.value(u"exporter"), p.exporter);
    readIntArray(o.value(u"pgbouncerExporter"), p.pgbouncerExporter);
    p.haproxyReadWrite = o.value(u"haproxyReadWrite").toInt(p.haproxyReadWrite);
    p.haproxyReadOnly = o.value(u"haproxyReadOnly").toInt(p.haproxyReadOnly);
    p.haproxyStats = o.value(u"haproxyStats").toInt(p.haproxyStats);
    p.pgpool = o.value(u"pgpool").toInt(p.pgpool + offset);
    p.pgpoolPcp = o.value(u"pgpoolPcp").toInt(p.pgpoolPcp + offset);
    p.standalone = o.value(u"standalone").toInt(p.standalone + offset);
    return p;
}

QList<LabComponent> LabConfig::components() const
{
    QList<LabComponent> out;
    for (int i = 0; i < kLabMembers; ++i)
        out.append({QStringLiteral("etcd%1").arg(i + 1), LabComponentKind::Etcd, i,
                    {{ports.etcdClient[i], QStringLiteral("etcd%1 client").arg(i + 1)},
                     {ports.etcdPeer[i], QStringLiteral("etcd%1 peer").arg(i + 1)}}});
    for (int i = 0; i < kLabMembers; ++i)
        out.append({memberName(i), LabComponentKind::Patroni, i,
                    {{ports.postgres[i], QStringLiteral("PostgreSQL %1").arg(memberName(i))},
                     {ports.rest[i], QStringLiteral("Patroni REST %1").arg(memberName(i))}}});
    for (int i = 0; i < kLabMembers; ++i)
        out.append({QStringLiteral("pgbouncer%1").arg(i + 1), LabComponentKind::PgBouncer, i,
                    {{ports.pgbouncer[i], QStringLiteral("PgBouncer beside %1").arg(memberName(i))}}});
    out.append({QStringLiteral("haproxy"), LabComponentKind::HAProxy, 0,
                {{ports.haproxyReadWrite, QStringLiteral("HAProxy read-write")},
                 {ports.haproxyReadOnly, QStringLiteral("HAProxy read-only")},
                 {ports.haproxyStats, QStringLiteral("HAProxy stats")}}});
    for (int i = 0; i < kLabMembers; ++i)
        out.append({QStringLiteral("exporter%1").arg(i + 1), LabComponentKind::Exporter, i,
                    {{ports.exporter[i], QStringLiteral("postgres_exporter for %1").arg(memberName(i))}}});
    if (withPgpool)
        out.append({QStringLiteral("pgpool"), LabComponentKind::Pgpool, 0,
                    {{ports.pgpool, QStringLiteral("Pgpool-II")}, {ports.pgpoolPcp, QStringLiteral("Pgpool-II PCP")}}});
    return out;
}

QJsonObject LabConfig::toJson() const
{
    return {{QStringLiteral("host"), host},
            {QStringLiteral("scope"), scope},
            {QStringLiteral("ports"), ports.toJson()},
            {QStringLiteral("timings"), QJsonObject{{QStringLiteral("preset"), timings.preset},
                                                    {QStringLiteral("ttl"), timings.ttl},
                                                    {QStringLiteral("loop_wait"), timings.loopWait},
                                                    {QStringLiteral("retry_timeout"), timings.retryTimeout}}},
            {QStringLiteral("runAsUser"), runAsUser},
            {QStringLiteral("pgBinDir"), pgBinDir},
            {QStringLiteral("withPgpool"), withPgpool},
            {QStringLiteral("restTls"), restTls},
            {QStringLiteral("restAuth"), restAuth},
            {QStringLiteral("dockerProject"), dockerProject},
            {QStringLiteral("dockerBaseImage"), dockerBaseImage},
            {QStringLiteral("dockerPostgres"), dockerPostgres}};
}

LabConfig LabConfig::fromJson(const QJsonObject &o, const QString &labDir)
{
    LabConfig c;
    c.labDir = labDir;
    c.host = o.value(u"host").toString(c.host);
    c.scope = o.value(u"scope").toString(c.scope);
    c.ports = LabPorts::fromJson(o.value(u"ports").toObject());
    const QJsonObject t = o.value(u"timings").toObject();
    c.timings.preset = t.value(u"preset").toString(c.timings.preset);
    c.timings.ttl = t.value(u"ttl").toInt(c.timings.ttl);
    c.timings.loopWait = t.value(u"loop_wait").toInt(c.timings.loopWait);
    c.timings.retryTimeout = t.value(u"retry_timeout").toInt(c.timings.retryTimeout);
    c.runAsUser = o.value(u"runAsUser").toString(c.runAsUser);
    c.pgBinDir = o.value(u"pgBinDir").toString();
    c.withPgpool = o.value(u"withPgpool").toBool(false);
    c.restTls = o.value(u"restTls").toBool(false);
    c.restAuth = o.value(u"restAuth").toBool(false);
    c.dockerProject = o.value(u"dockerProject").toString(c.dockerProject);
    c.dockerBaseImage = o.value(u"dockerBaseImage").toString();
    c.dockerPostgres = o.value(u"dockerPostgres").toInt(0);
    return c;
}

QString LabConfig::defaultLabDir()
{
    const QString env = qEnvironmentVariable("PGHA_LAB_DIR");
    if (!env.isEmpty())
        return QDir::cleanPath(QDir(env).absolutePath());
    if (proc::runningAsRoot())
        return QStringLiteral("/var/lib/pgha/lab");
    const QString xdg = qEnvironmentVariable("XDG_STATE_HOME");
    if (!xdg.isEmpty())
        return xdg + QStringLiteral("/pgha/lab");
#if defined(Q_OS_MACOS) || defined(Q_OS_WIN)
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/lab");
#else
    return QDir::homePath() + QStringLiteral("/.local/state/pgha/lab");
#endif
}

QUrl LabConfig::url(int port, const QString &path) const
{
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(host);
    u.setPort(port);
    u.setPath(path);
    return u;
}

QUrl LabConfig::restUrl(int index, const QString &path) const
{
    QUrl u = url(ports.rest[index], path);
    if (restTls)
        u.setScheme(QStringLiteral("https"));
    return u;
}

MemberApi LabConfig::restApi(const QString &name) const
{
    for (int i = 0; i < kLabMembers; ++i)
        if (memberName(i) == name)
            return restApi(i);
    return {name, QUrl()};
}

} // namespace pgha::svc

#include "memberformat.h"

#include "core/wholenumber.h"

namespace pgha::models {

using svc::MemberLag;
using svc::MemberRole;

QString roleText(const svc::PatroniMember &m)
{
    switch (m.role) {
    case MemberRole::Leader: return QStringLiteral("Leader");
    case MemberRole::StandbyLeader: return QStringLiteral("Standby leader");
    case MemberRole::SyncStandby: return QStringLiteral("Sync standby");
    case MemberRole::QuorumStandby: return QStringLiteral("Quorum standby");
    case MemberRole::Replica: return QStringLiteral("Replica");
    case MemberRole::Unknown: break;
    }
    return m.rawRole.isEmpty() ? QStringLiteral("?") : m.rawRole;
}

QString hostPortText(const svc::PatroniMember &m)
{
    if (m.host.isEmpty())
        return {};
    return m.port ? QStringLiteral("%1:%2").arg(m.host).arg(m.port) : m.host;
}

QString timelineText(const svc::PatroniMember &m)
{
    return m.timeline ? QString::number(*m.timeline) : QString();
}

QString bytesText(qint64 bytes)
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int unit = 0;
    while (std::abs(v) >= 1024.0 && unit < 4) {
        v /= 1024.0;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(bytes)
                     : QStringLiteral("%1 %2").arg(v, 0, 'f', v < 10 ? 1 : 0).arg(QLatin1String(units[unit]));
}

QString measuredBytesText(double bytes)
{
    if (const auto whole = svc::wholeNumber<qint64>(bytes))
        return bytesText(*whole);
    return QStringLiteral("%1 B").arg(bytes, 0, 'g', 6);
}

QString lagText(const svc::PatroniMember &m)
{
    switch (m.lag.kind) {
    case MemberLag::Kind::None: return m.isLeader() ? QString() : QStringLiteral("—");
    case MemberLag::Kind::Unknown: return QStringLiteral("unknown");
    case MemberLag::Kind::Bytes: return bytesText(m.lag.bytes);
    }
    return {};
}

QJsonObject memberToJson(const svc::PatroniMember &m)
{
    QJsonObject o{{QStringLiteral("name"), m.name},
                  {QStringLiteral("role"), svc::roleName(m.role)},
                  {QStringLiteral("patroniRole"), m.rawRole},
                  {QStringLiteral("state"), m.state},
                  {QStringLiteral("host"), m.host},
                  {QStringLiteral("port"), m.port},
                  {QStringLiteral("apiUrl"), m.apiUrl},
                  {QStringLiteral("pendingRestart"), m.pendingRestart}};
    o.insert(QStringLiteral("timeline"), m.timeline ? QJsonValue(qint64(*m.timeline)) : QJsonValue());
    switch (m.lag.kind) {
    case MemberLag::Kind::None: o.insert(QStringLiteral("lagBytes"), QJsonValue()); break;
    case MemberLag::Kind::Unknown: o.insert(QStringLiteral("lagBytes"), QStringLiteral("unknown")); break;
    case MemberLag::Kind::Bytes: o.insert(QStringLiteral("lagBytes"), m.lag.bytes); break;
    }
    return o;
}

} // namespace pgha::models

#include "docker/containerlist.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace pgha::svc::docker {

QString ContainerInfo::healthName(Health h)
{
    switch (h) {
    case Health::None: return QStringLiteral("-");
    case Health::Starting: return QStringLiteral("starting");
    case Health::Healthy: return QStringLiteral("healthy");
    case Health::Unhealthy: return QStringLiteral("unhealthy");
    }
    return {};
}

QString containerListFormat()
{
    return QStringLiteral("{{.ID}}\t{{.Names}}\t{{.Label \"com.docker.compose.service\"}}\t{{.State}}\t{{.Status}}\t{{.Ports}}");
}

void readStatus(const QString &status, ContainerInfo *info)
{
    info->status = status;
    info->health = status.contains(u"(healthy)")            ? ContainerInfo::Health::Healthy
            : status.contains(u"(unhealthy)")               ? ContainerInfo::Health::Unhealthy
            : status.contains(u"(health: starting)")        ? ContainerInfo::Health::Starting
                                                             : ContainerInfo::Health::None;
    static const QRegularExpression up(QStringLiteral(R"(^Up (.+?)(?: \((?:healthy|unhealthy|health: starting|Paused)\))*$)"));
    static const QRegularExpression exited(QStringLiteral(R"(^Exited \((-?\d+)\))"));
    if (const auto m = up.match(status); m.hasMatch())
        info->uptime = m.captured(1);
    if (const auto m = exited.match(status); m.hasMatch())
        info->exitCode = m.captured(1).toInt();
}

Result<QList<ContainerInfo>> parseContainerList(const QByteArray &out)
{
    QList<ContainerInfo> list;
    int lineNo = 0;
    for (const QByteArray &raw : out.split('\n')) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList f = QString::fromUtf8(raw).split(QLatin1Char('\t'));
        if (f.size() != 6 || f[0].isEmpty() || f[1].isEmpty())
            return makeError(ErrorKind::Parse, QStringLiteral("docker ps printed an unexpected line %1 (%2 fields instead of 6): %3")
                                     .arg(lineNo).arg(f.size()).arg(line.left(120)),
                             QStringLiteral("this Docker version formats `docker ps` differently; please report it"));
        ContainerInfo c;
        c.id = f[0];
        c.name = f[1];
        c.service = f[2];
        c.state = f[3];
        readStatus(f[4].trimmed(), &c);
        c.ports = f[5].trimmed();
        list.append(c);
    }
    return list;
}

Result<QHash<QString, ContainerStats>> parseContainerStats(const QByteArray &out)
{
    QHash<QString, ContainerStats> stats;
    for (const QByteArray &raw : out.split('\n')) {
        if (raw.trimmed().isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(raw, &error);
        if (!doc.isObject())
            return makeError(ErrorKind::Parse, QStringLiteral("docker stats printed something that is not JSON: %1")
                                     .arg(QString::fromUtf8(raw.left(120))));
        const QJsonObject o = doc.object();
        stats.insert(o.value(u"Name").toString(),
                     {o.value(u"CPUPerc").toString(), o.value(u"MemUsage").toString()});
    }
    return stats;
}

} // namespace pgha::svc::docker

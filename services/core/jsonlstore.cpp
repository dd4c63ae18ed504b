#include "jsonlstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

namespace pgha::svc {

namespace {
// Stores name clusters, addresses and command lines: never readable by other accounts.
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
// A store read whole; far above years of runs.
constexpr qint64 kMaxStoreBytes = 256 * 1024 * 1024;
} // namespace

Result<bool> appendJsonLine(const QString &path, const QJsonObject &entry, const QString &what)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    if (QFileInfo(path).isSymLink())
        return makeError(ErrorKind::Permission, QStringLiteral("%1 %2 is a symbolic link: not written through").arg(what, path),
                         QStringLiteral("replace the link with the file itself, or point the store elsewhere"));
    QFile f(path);
    if (!f.open(QIODevice::Append | QIODevice::WriteOnly, kOwnerOnly))
        return makeError(QStringLiteral("cannot append to %1 %2: %3").arg(what, path, f.errorString()),
                         QStringLiteral("check the permissions of that directory"));
    // A store made earlier with other modes is made owner-only before the line is written.
    if (!f.setPermissions(kOwnerOnly))
        return makeError(QStringLiteral("cannot make %1 %2 readable by its owner only: %3").arg(what, path, f.errorString()),
                         QStringLiteral("it belongs to another account: move it away (or chown it) and run again"));
    const QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
    if (f.write(line) != line.size() || !f.flush())
        return makeError(QStringLiteral("writing %1 %2 failed: %3").arg(what, path, f.errorString()),
                         QStringLiteral("is the disk full? entries already stored are unchanged"));
    return true;
}

JsonLines parseJsonLines(const QByteArray &bytes)
{
    JsonLines out;
    for (const QByteArray &raw : bytes.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            out.objects.append(doc.object());
        else
            ++out.skipped;
    }
    return out;
}

Result<JsonLines> readJsonLines(const QString &path, const QString &what)
{
    QFile f(path);
    if (!f.exists())
        return JsonLines{};
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read %1 %2: %3").arg(what, path, f.errorString()));
    if (f.size() > kMaxStoreBytes)
        return makeError(QStringLiteral("%1 %2 is larger than %3 MiB").arg(what, path).arg(kMaxStoreBytes / (1024 * 1024)),
                         QStringLiteral("move it away; a new one is started on the next run"));
    return parseJsonLines(f.readAll());
}

} // namespace pgha::svc

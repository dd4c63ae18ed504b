#include "usersettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSettings>

#include <memory>

Q_LOGGING_CATEGORY(lcSettings, "pgha.svc.settings", QtWarningMsg)

namespace pgha::svc::settings {

namespace {

const QString kFileName = QStringLiteral("pgha-console.ini");

std::unique_ptr<QSettings> open()
{
    const QString dir = qEnvironmentVariable(kDirVariable);
    if (!dir.isEmpty())
        return std::make_unique<QSettings>(QDir(dir).filePath(kFileName), QSettings::IniFormat);
    if (QCoreApplication::organizationName().isEmpty())
        return nullptr;
    return std::make_unique<QSettings>();
}

} // namespace

bool isPersistent()
{
    return !qEnvironmentVariableIsEmpty(kDirVariable) || !QCoreApplication::organizationName().isEmpty();
}

QString location()
{
    auto s = open();
    return s ? s->fileName() : QString();
}

QVariant readRaw(const char *name)
{
    auto s = open();
    return s ? s->value(QLatin1String(name)) : QVariant();
}

void writeRaw(const char *name, const QVariant &value)
{
    auto s = open();
    if (!s)
        return;
    s->setValue(QLatin1String(name), value);
    s->sync();
    // Not worth a dialog: the console works as before, it only forgets. Say where, for the log.
    if (s->status() != QSettings::NoError)
        qCWarning(lcSettings, "could not write the setting %s to %s — check that the folder is writable", name,
                  qPrintable(s->fileName()));
}

void rememberExportFile(const QString &filePath)
{
    const QString folder = QFileInfo(filePath).absolutePath();
    if (!folder.isEmpty())
        setValue(kLastExportFolder, folder);
}

int exportDpi()
{
    const int dpi = value(kExportDpi);
    for (int choice : kExportDpiChoices)
        if (dpi == choice)
            return dpi;
    return kExportDpi.fallback;
}

} // namespace pgha::svc::settings

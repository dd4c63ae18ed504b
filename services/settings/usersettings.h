#pragma once

#include <QByteArray>
#include <QString>
#include <QVariant>

// What the console keeps between runs, over QSettings: every key is a named constant here with
// its type and its default, so no string key is written anywhere else. In services (Qt Core
// only) rather than app/, because the views keep their own (the window's geometry and splitters,
// the lag chart's window, the export folder) and views may include services, never app/.
//
// Where: $PGHA_SETTINGS_DIR/pgha-console.ini when that is set (tests point it at a temporary
// folder; a portable install can too), else the platform's place for the application's
// organisation and name (set by main). A process without an organisation name — a test or a
// tool that did not opt in — keeps nothing: reads give the defaults, writes are dropped, so it
// can never read or overwrite a person's real settings.
namespace pgha::svc::settings {

template <typename T>
struct Key {
    const char *name;
    T fallback;
};

// The main window: QWidget::saveGeometry / QMainWindow::saveState, and each splitter's saveState.
inline const Key<QByteArray> kWindowGeometry{"window/geometry", {}};
inline const Key<QByteArray> kWindowState{"window/state", {}};
inline const Key<QByteArray> kMainSplitter{"window/mainSplitter", {}};     // left | right
inline const Key<QByteArray> kLeftSplitter{"window/leftSplitter", {}};     // tabs over the timeline
inline const Key<QByteArray> kRightSplitter{"window/rightSplitter", {}};   // lab panel over details
// The profile watched last: "lab" or a profile's YAML file; used when --profile is not given.
inline const Key<QString> kLastProfile{"session/profile", QStringLiteral("lab")};
// How often every source is polled; used when --interval is not given.
inline const Key<int> kPollIntervalMs{"session/pollIntervalMs", 1000};
// The replication lag chart's time window (one of LagChart::kWindowsMs).
inline const Key<qint64> kLagChartWindowMs{"charts/lagWindowMs", 600'000};
// Where the last chart was saved or runs exported: the next save dialog opens there.
inline const Key<QString> kLastExportFolder{"export/lastFolder", {}};
// The resolution of a chart or figure saved as PNG: 150, 300 (print, the default) or 600 dpi.
inline const Key<int> kExportDpi{"export/dpi", 300};
inline constexpr int kExportDpiChoices[] = {150, 300, 600};
// The commands last given for your own chaos faults, per profile (its file, or "lab"):
// {profile: [inject, undo]}.
inline const Key<QVariantMap> kChaosCommands{"chaos/commands", {}};

// The environment variable that moves the settings file into a folder of its own.
inline constexpr const char *kDirVariable = "PGHA_SETTINGS_DIR";

// False when nothing is kept (see above).
bool isPersistent();
QVariant readRaw(const char *name);
void writeRaw(const char *name, const QVariant &value);
// The file the settings live in ("" when nothing is kept), for messages.
QString location();

// The stored value, or the key's default when it is missing or of another type.
template <typename T>
T value(const Key<T> &key)
{
    const QVariant v = readRaw(key.name);
    if (!v.isValid() || !v.canConvert<T>())
        return key.fallback;
    return v.value<T>();
}

template <typename T>
void setValue(const Key<T> &key, const T &v)
{
    writeRaw(key.name, QVariant::fromValue(v));
}

// The folder of a file just saved or exported becomes kLastExportFolder.
void rememberExportFile(const QString &filePath);
// kExportDpi, one of kExportDpiChoices whatever the file says.
int exportDpi();

} // namespace pgha::svc::settings

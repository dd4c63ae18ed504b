#include "lab/labdir.h"

#include "core/safefs.h"
#include "lab/dockerlabfiles.h"
#include "lab/labfiles.h"
#include "lab/labstandalone.h"
#include "lab/labstate.h"
#include "process/procutil.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

namespace pgha::svc {

namespace {

constexpr uint kWritableByOthers = 0022;
constexpr uint kLabDirMode = 0700;
constexpr uint kLabDirModeRoot = 0711;   // root: the members' account traverses, never lists
constexpr char kLockName[] = "lock";
// What a wipe moved aside for a background deletion: ours by name (".deleting-MSECS-PID").
constexpr char kDeletingPrefix[] = ".deleting-";

bool isDeletion(const QString &entry)
{
    static const QRegularExpression name(QStringLiteral(R"(^\.deleting-\d+-\d+$)"));
    return name.match(entry).hasMatch();
}

QStringList entriesOf(const QString &labDir)
{
    return QDir(labDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System);
}

// The lab's own entries: a deletion still running (or left by one that was killed) counts as
// nothing, so that the directory stays "empty" or "a lab's" rather than foreign.
QStringList ownEntriesOf(const QString &labDir)
{
    QStringList entries = entriesOf(labDir);
    entries.removeIf(isDeletion);
    return entries;
}

Error notALabDir(const QString &labDir)
{
    return makeError(QStringLiteral("%1 is not a lab directory: it holds other files and no lab state, so pgha will "
                                    "neither write into it nor delete anything in it").arg(labDir),
                     QStringLiteral("point PGHA_LAB_DIR at a new or empty directory (pgha creates it)"));
}

} // namespace

Result<bool> checkLabDirTrusted(const QString &labDir)
{
    const fs::PathInfo info = fs::inspectPath(labDir);
    if (!info.exists)
        return true;
    if (info.isSymlink)
        return makeError(QStringLiteral("the lab directory %1 is a symbolic link: refused (a link can point the lab's "
                                        "writes and deletes anywhere)").arg(labDir),
                         QStringLiteral("set PGHA_LAB_DIR to the real directory (%1)").arg(QFileInfo(labDir).canonicalFilePath()));
    if (!info.isDir)
        return makeError(QStringLiteral("the lab directory %1 is not a directory").arg(labDir),
                         QStringLiteral("move it away or set PGHA_LAB_DIR to another path"));
#ifdef Q_OS_UNIX
    if (info.ownerUid != fs::effectiveUid())
        return makeError(QStringLiteral("the lab directory %1 belongs to uid %2, not to this user (uid %3): its files "
                                        "cannot be trusted").arg(labDir).arg(info.ownerUid).arg(fs::effectiveUid()),
                         QStringLiteral("use a lab directory of your own (PGHA_LAB_DIR), or run as its owner"));
    if (info.mode & kWritableByOthers)
        return makeError(QStringLiteral("the lab directory %1 can be written by other accounts (mode %2): refused")
                                 .arg(labDir, QString::number(info.mode, 8)),
                         QStringLiteral("`chmod go-w %1`, or use a new directory").arg(labDir));
#endif
    return true;
}

LabDirKind classifyLabDir(const QString &labDir)
{
    const fs::PathInfo info = fs::inspectPath(labDir);
    if (!info.exists)
        return LabDirKind::Missing;
    if (LabState::exists(labDir) && LabState::load(labDir).ok())
        return LabDirKind::Lab;
    QStringList entries = ownEntriesOf(labDir);
    entries.removeAll(QLatin1String(kLockName));
    return entries.isEmpty() ? LabDirKind::Empty : LabDirKind::Foreign;
}

Result<bool> claimLabDir(const QString &labDir, bool rootStarts, bool *created)
{
    *created = false;
    if (auto trusted = checkLabDirTrusted(labDir); !trusted)
        return trusted;
    const uint mode = rootStarts ? kLabDirModeRoot : kLabDirMode;
    switch (classifyLabDir(labDir)) {
    case LabDirKind::Missing:
        if (!QDir().mkpath(labDir))
            return makeError(QStringLiteral("cannot create the lab directory %1").arg(labDir),
                             QStringLiteral("set PGHA_LAB_DIR to a writable directory"));
        *created = true;
        break;
    case LabDirKind::Foreign: {
        // A damaged state file makes a lab directory look foreign: say that instead.
        if (LabState::exists(labDir))
            if (auto state = LabState::load(labDir); !state)
                return state.error();
        return notALabDir(labDir);
    }
    case LabDirKind::Empty:
    case LabDirKind::Lab:
        break;
    }
    return fs::makeDir(labDir, mode);
}

QStringList flavourEntries(const QString &labDir, const QString &flavor, const LabConfig &config)
{
    if (flavor == u"docker")
        return {LabState::fileName(flavor), QFileInfo(dockerlab::projectDir(labDir)).fileName()};
    // The standalone baseline is the native lab's, but only while stopped: its data never goes
    // from under a running server (a lab started afresh beside it makes it again when next used).
    return LabLayout(labDir).nativeEntries(config) + standaloneWipeEntries(labDir);
}

namespace {
// Whether a wipe of `labDir` goes on; when not, `answer` is what to return (nothing there:
// done; a directory that is not ours: refused).
bool wipeGoesOn(const QString &labDir, Result<bool> &answer)
{
    if (auto trusted = checkLabDirTrusted(labDir); !trusted) {
        answer = trusted;
        return false;
    }
    const LabDirKind kind = classifyLabDir(labDir);
    if (kind == LabDirKind::Foreign)
        answer = notALabDir(labDir);
    return kind != LabDirKind::Missing && kind != LabDirKind::Foreign;
}
} // namespace

Result<bool> wipeFlavour(const QString &labDir, const QString &flavor, const LabConfig &config)
{
    Result<bool> answer = true;
    if (!wipeGoesOn(labDir, answer))
        return answer;
    for (const QString &name : flavourEntries(labDir, flavor, config))
        if (auto removed = fs::removeTree(labDir + QLatin1Char('/') + name); !removed)
            return removed;
    return true;
}

Result<bool> wipeFlavourInBackground(const QString &labDir, const QString &flavor, const LabConfig &config)
{
    Result<bool> answer = true;
    if (!wipeGoesOn(labDir, answer))
        return answer;
    QStringList doomed;
    for (const QString &name : flavourEntries(labDir, flavor, config))
        if (fs::inspectPath(labDir + QLatin1Char('/') + name).exists)
            doomed << name;
    for (const QString &name : entriesOf(labDir))
        if (isDeletion(name))
            doomed << name;   // an earlier deletion that did not finish
    if (doomed.isEmpty())
        return true;
    const QString trash = labDir + QLatin1Char('/') + QLatin1String(kDeletingPrefix)
            + QStringLiteral("%1-%2").arg(QDateTime::currentMSecsSinceEpoch()).arg(QCoreApplication::applicationPid());
    const QString rm = QStandardPaths::findExecutable(QStringLiteral("rm"));
    if (rm.isEmpty() || !fs::makeDir(trash, fs::kOwnerOnlyDir))
        return wipeFlavour(labDir, flavor, config);
    for (const QString &name : std::as_const(doomed)) {
        const QString from = labDir + QLatin1Char('/') + name;
        // rename(2) moves a symlink itself, never its target; what cannot move is deleted here.
        if (!QDir().rename(from, trash + QLatin1Char('/') + name))
            if (auto removed = fs::removeTree(from); !removed)
                return removed;
    }
    // rm never follows a symlink it deletes (it walks physically), as fs::removeTree does.
    QProcess deleter;
    deleter.setProgram(rm);
    deleter.setArguments({QStringLiteral("-rf"), QStringLiteral("--"), trash});
    deleter.setStandardInputFile(QProcess::nullDevice());
    deleter.setStandardOutputFile(QProcess::nullDevice());
    deleter.setStandardErrorFile(QProcess::nullDevice());
    proc::markDescriptorsCloseOnExec();   // it may outlive us: it gets no descriptor of ours
    if (!deleter.startDetached())
        return fs::removeTree(trash);
    return true;
}

bool removeLabDirIfEmpty(const QString &labDir)
{
    QStringList entries = entriesOf(labDir);
    entries.removeAll(QLatin1String(kLockName));
    if (!entries.isEmpty() || !fs::inspectPath(labDir).isDir)
        return false;
    QFile::remove(labDir + QLatin1Char('/') + QLatin1String(kLockName));
    return QDir().rmdir(labDir);
}

} // namespace pgha::svc

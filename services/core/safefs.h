#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

#include <optional>

// Files and directories that a program running as root may write next to directories another
// account owns. Nothing here follows a symbolic link in the last component of a path: a link
// planted where a file or directory is expected is refused (or, for a file being replaced,
// replaced itself), never written through. Owner and mode are set on the open descriptor.
namespace pgha::svc::fs {

// uid/gid to give a file or directory (root only); nullopt keeps the creator's.
struct Owner {
    uint uid = 0;
    uint gid = 0;
};

// Permission bits, spelled once.
inline constexpr uint kOwnerOnlyFile = 0600;
inline constexpr uint kGroupReadFile = 0640;   // root-owned configuration a daemon's group reads
inline constexpr uint kOwnerOnlyDir = 0700;
inline constexpr uint kGroupReadDir = 0750;

// Writes `data` to a new temporary file beside `path` (O_CREAT|O_EXCL|O_NOFOLLOW), sets mode and
// owner on the descriptor before any byte is written, syncs it and renames it over `path`. A
// symlink at `path` is replaced by the file, never followed. Readers see the old or the new file.
Result<bool> writeFileAtomic(const QString &path, const QByteArray &data, uint mode,
                             std::optional<Owner> owner = std::nullopt);

// Creates `path` (its parents with mkpath, mode 0755 or as umask allows) unless it exists, then
// opens it without following a symlink and sets mode and owner on the descriptor. A symlink or a
// non-directory at `path` is refused with a message naming it.
Result<bool> makeDir(const QString &path, uint mode, std::optional<Owner> owner = std::nullopt);

// Sets mode and owner of an existing regular file, opened without following a symlink.
Result<bool> setFileMode(const QString &path, uint mode, std::optional<Owner> owner = std::nullopt);

// Deletes `path` and everything below it without following any symlink (a link is removed, its
// target left alone), walking with descriptors so an entry swapped for a link mid-walk is not
// followed either. A missing `path` is fine.
Result<bool> removeTree(const QString &path);

// Reads at most `maxBytes` of a regular file, refusing a symlink in the last component.
Result<QByteArray> readFileNoFollow(const QString &path, qint64 maxBytes);

// What lstat says of a path, without following a final symlink.
struct PathInfo {
    bool exists = false;
    bool isSymlink = false;
    bool isDir = false;
    uint ownerUid = 0;
    uint mode = 0;   // permission bits only
};
PathInfo inspectPath(const QString &path);

// The effective uid of this process (0 on Windows).
uint effectiveUid();

} // namespace pgha::svc::fs

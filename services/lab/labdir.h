#pragma once

#include "core/result.h"
#include "lab/labconfig.h"

#include <QString>
#include <QStringList>

// The lab directory as a thing that can be trusted and deleted: who owns it, whether it is a lab
// directory at all, and which entries belong to which flavour. A directory that is not a lab's is
// never written into or deleted (PGHA_LAB_DIR may name any directory on the machine).
namespace pgha::svc {

// Refuses a lab directory that is a symlink, belongs to another account, or can be written by
// others (its state file names processes to signal and passwords to use). A missing directory
// passes: a start creates it.
Result<bool> checkLabDirTrusted(const QString &labDir);

enum class LabDirKind {
    Missing,   // does not exist
    Empty,     // nothing in it but a lab lock
    Lab,       // holds a lab state file of either flavour
    Foreign,   // holds other things and no lab state: not ours
};
LabDirKind classifyLabDir(const QString &labDir);

// Before a start: the directory is created if missing (`*created` then true), otherwise checked
// to be trusted and a lab's (or empty). Only then is its mode set (root: traversable by the
// account running the members, never listable). The error names the directory and what to do.
Result<bool> claimLabDir(const QString &labDir, bool rootStarts, bool *created);

// The top-level entries a flavour makes in the lab directory (the lock is shared and not listed).
QStringList flavourEntries(const QString &labDir, const QString &flavor, const LabConfig &config);

// Deletes one flavour's entries (its state file, data, configs, logs) and nothing else; refused
// unless the directory is a lab's or empty. Symlinks inside are removed, never followed.
Result<bool> wipeFlavour(const QString &labDir, const QString &flavor, const LabConfig &config);

// The same for a start from nothing, without waiting for the disk: the entries are renamed into
// one hidden directory inside the lab directory (instant, same filesystem) that a detached
// `rm -rf` deletes while the lab starts; what such a deletion left (it was killed) goes with the
// next one. Falls back to deleting in place when renaming or starting `rm` fails.
Result<bool> wipeFlavourInBackground(const QString &labDir, const QString &flavor, const LabConfig &config);

// After a wipe: deletes the directory itself when nothing but the lock is left in it.
// Returns whether it was deleted.
bool removeLabDirIfEmpty(const QString &labDir);

} // namespace pgha::svc

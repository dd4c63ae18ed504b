#include "core/safefs.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSaveFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace pgha::svc::fs {

namespace {

constexpr int kMaxTreeDepth = 64;   // a lab directory is a few levels deep; deeper is not ours

Error writeError(const QString &path, const QString &why)
{
    return makeError(QStringLiteral("cannot write %1: %2").arg(path, why),
                     QStringLiteral("check the permissions and free space of its directory"));
}

#ifdef Q_OS_UNIX
QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

// Closes a descriptor when it goes out of scope.
struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

Result<bool> setOwnerAndMode(int fd, const QString &path, uint mode, std::optional<Owner> owner)
{
    if (owner && ::fchown(fd, owner->uid, owner->gid) != 0)
        return writeError(path, QStringLiteral("chown to %1:%2 failed (%3)").arg(owner->uid).arg(owner->gid).arg(errnoText()));
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0)
        return writeError(path, QStringLiteral("chmod failed (%1)").arg(errnoText()));
    return true;
}

bool writeAll(int fd, const QByteArray &data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, static_cast<size_t>(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += n;
    }
    return true;
}

// Removes every entry of the open directory `dirFd`, depth-first, never following a link.
bool clearDir(int dirFd, int depth, QString *failure)
{
    if (depth > kMaxTreeDepth) {
        *failure = QStringLiteral("deeper than %1 levels").arg(kMaxTreeDepth);
        return false;
    }
    const int listFd = ::dup(dirFd);
    if (listFd < 0)
        return false;
    DIR *dir = ::fdopendir(listFd);
    if (!dir) {
        ::close(listFd);
        return false;
    }
    bool ok = true;
    while (dirent *e = ::readdir(dir)) {
        const char *name = e->d_name;
        if (std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0)
            continue;
        struct stat st {};
        if (::fstatat(dirFd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;   // gone meanwhile
        if (S_ISDIR(st.st_mode)) {
            const int sub = ::openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0) {
                Fd guard(sub);
                ok = clearDir(sub, depth + 1, failure) && ok;
            }
            if (::unlinkat(dirFd, name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
                *failure = QStringLiteral("%1 (%2)").arg(QString::fromLocal8Bit(name), errnoText());
                ok = false;
            }
        } else if (::unlinkat(dirFd, name, 0) != 0 && errno != ENOENT) {
            *failure = QStringLiteral("%1 (%2)").arg(QString::fromLocal8Bit(name), errnoText());
            ok = false;
        }
    }
    ::closedir(dir);
    return ok;
}
#endif

} // namespace

uint effectiveUid()
{
#ifdef Q_OS_UNIX
    return ::geteuid();
#else
    return 0;
#endif
}

PathInfo inspectPath(const QString &path)
{
    PathInfo info;
#ifdef Q_OS_UNIX
    struct stat st {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return info;
    info.exists = true;
    info.isSymlink = S_ISLNK(st.st_mode);
    info.isDir = S_ISDIR(st.st_mode);
    info.ownerUid = st.st_uid;
    info.mode = st.st_mode & 07777;
#else
    const QFileInfo fi(path);
    info.exists = fi.exists() || fi.isSymLink();
    info.isSymlink = fi.isSymLink();
    info.isDir = fi.isDir() && !fi.isSymLink();
#endif
    return info;
}

Result<bool> writeFileAtomic(const QString &path, const QByteArray &data, uint mode, std::optional<Owner> owner)
{
#ifdef Q_OS_UNIX
    const QFileInfo target(path);
    const QByteArray dirPath = QFile::encodeName(target.absolutePath());
    const QByteArray name = QFile::encodeName(target.fileName());
    const Fd dir(::open(dirPath.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.fd < 0)
        return writeError(path, QStringLiteral("its directory cannot be opened (%1)").arg(errnoText()));
    const QByteArray tmpName = "." + name + ".tmp-" + QByteArray::number(QRandomGenerator::system()->generate(), 16);
    const Fd file(::openat(dir.fd, tmpName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (file.fd < 0)
        return writeError(path, QStringLiteral("cannot create a temporary file (%1)").arg(errnoText()));
    auto fail = [&](const Error &e) {
        ::unlinkat(dir.fd, tmpName.constData(), 0);
        return e;
    };
    if (auto set = setOwnerAndMode(file.fd, path, mode, owner); !set)
        return fail(set.error());
    if (!writeAll(file.fd, data) || ::fsync(file.fd) != 0)
        return fail(writeError(path, errnoText()));
    // renameat replaces whatever `name` is, a symlink included, without following it.
    if (::renameat(dir.fd, tmpName.constData(), dir.fd, name.constData()) != 0)
        return fail(writeError(path, QStringLiteral("rename failed (%1)").arg(errnoText())));
    return true;
#else
    Q_UNUSED(owner)
    QSaveFile f(path);
    f.setDirectWriteFallback(false);
    if (!f.open(QIODevice::WriteOnly))
        return writeError(path, f.errorString());
    f.setPermissions(QFileDevice::Permissions(mode & 0600 ? QFileDevice::ReadOwner | QFileDevice::WriteOwner : 0));
    f.write(data);
    if (!f.commit())
        return writeError(path, f.errorString());
    return true;
#endif
}

Result<bool> makeDir(const QString &path, uint mode, std::optional<Owner> owner)
{
    PathInfo info = inspectPath(path);
    if (!info.exists) {
        if (!QDir().mkpath(path))
            return writeError(path, QStringLiteral("mkdir failed"));
        info = inspectPath(path);
    }
    if (info.isSymlink)
        return makeError(ErrorKind::Permission, QStringLiteral("%1 is a symbolic link, not a directory: refused").arg(path),
                         QStringLiteral("remove the link (it was not made by pgha) and start again"));
    if (!info.isDir)
        return makeError(QStringLiteral("%1 exists and is not a directory").arg(path),
                         QStringLiteral("move it away and start again"));
#ifdef Q_OS_UNIX
    const Fd dir(::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (dir.fd < 0)
        return writeError(path, QStringLiteral("cannot open it (%1)").arg(errnoText()));
    return setOwnerAndMode(dir.fd, path, mode, owner);
#else
    Q_UNUSED(mode) Q_UNUSED(owner)
    return true;
#endif
}

Result<bool> setFileMode(const QString &path, uint mode, std::optional<Owner> owner)
{
#ifdef Q_OS_UNIX
    const Fd file(::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (file.fd < 0)
        return writeError(path, errno == ELOOP ? QStringLiteral("it is a symbolic link: refused") : errnoText());
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode))
        return writeError(path, QStringLiteral("not a regular file"));
    return setOwnerAndMode(file.fd, path, mode, owner);
#else
    Q_UNUSED(owner)
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    Q_UNUSED(mode)
    return true;
#endif
}

Result<bool> removeTree(const QString &path)
{
    const PathInfo info = inspectPath(path);
    if (!info.exists)
        return true;
    auto cannot = [&](const QString &why) {
        return makeError(QStringLiteral("cannot delete %1: %2").arg(path, why),
                         QStringLiteral("check its permissions, or delete it by hand"));
    };
    if (!info.isDir) {
        if (!QFile::remove(path))
            return cannot(QStringLiteral("remove failed"));
        return true;
    }
#ifdef Q_OS_UNIX
    {
        const Fd dir(::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (dir.fd < 0)
            return cannot(errnoText());
        QString failure;
        if (!clearDir(dir.fd, 0, &failure))
            return cannot(failure.isEmpty() ? QStringLiteral("an entry could not be removed") : failure);
    }
    if (::rmdir(QFile::encodeName(path).constData()) != 0)
        return cannot(errnoText());
    return true;
#else
    if (!QDir(path).removeRecursively())
        return cannot(QStringLiteral("remove failed"));
    return true;
#endif
}

Result<QByteArray> readFileNoFollow(const QString &path, qint64 maxBytes)
{
#ifdef Q_OS_UNIX
    const Fd file(::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (file.fd < 0)
        return makeError(QStringLiteral("cannot read %1 (%2)").arg(path, errno == ELOOP ? QStringLiteral("it is a symbolic link")
                                                                                         : errnoText()));
    struct stat st {};
    if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode))
        return makeError(QStringLiteral("cannot read %1: not a regular file").arg(path));
    QByteArray out;
    char buf[8192];
    while (out.size() < maxBytes) {
        const ssize_t n = ::read(file.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.append(buf, static_cast<qsizetype>(n));
    }
    if (out.size() > maxBytes)
        out.truncate(static_cast<qsizetype>(maxBytes));
    return out;
#else
    QFile f(path);
    if (QFileInfo(path).isSymLink() || !f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read %1").arg(path));
    return f.read(maxBytes);
#endif
}

} // namespace pgha::svc::fs

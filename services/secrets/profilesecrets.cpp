#include "profilesecrets.h"

#include "secrets/secretstore.h"

#include <QFileInfo>
#include <QPointer>

#include <memory>
#include <tuple>

namespace pgha::svc {

namespace {
QString canonicalProfilePath(const QString &file)
{
    const QFileInfo info(file);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

QString slotText(const SecretSlot &slot)
{
    if (slot.origin.isEmpty())
        return QStringLiteral("%1 password of \"%2\"").arg(slot.purpose, slot.user);
    return QStringLiteral("%1 password of \"%2\" for %3").arg(slot.purpose, slot.user, originKey(slot.origin));
}

void store(ProfilePasswords &passwords, const SecretSlot &slot, const QString &value)
{
    if (slot.purpose == QLatin1String(kPatroniRestSecret))
        passwords.patroniRest.insert(originKey(slot.origin), value);
    else if (slot.purpose == QLatin1String(kEtcdSecret))
        passwords.etcd.insert(originKey(slot.origin), value);
    else if (slot.purpose == QLatin1String(kHaproxyStatsSecret))
        passwords.haproxyStats = value;
    else if (slot.purpose == QLatin1String(kPostgresSecret))
        passwords.postgres = value;
    else if (slot.purpose == QLatin1String(kPgBouncerSecret))
        passwords.pgbouncer = value;
    else if (slot.purpose == QLatin1String(kPgpoolSecret))
        passwords.pgpool = value;
}
} // namespace

QString secretKey(const QString &purpose, const QUrl &origin, const QString &profileFile)
{
    return QStringLiteral("%1 %2 %3").arg(purpose, originKey(origin), canonicalProfilePath(profileFile));
}

QString pgSecretKey(const QString &profileFile, const QString &purpose)
{
    return QStringLiteral("%1/%2").arg(canonicalProfilePath(profileFile), purpose);
}

QList<SecretSlot> secretSlots(const Profile &profile)
{
    QList<SecretSlot> out;
    if (profile.isBuiltInLab() || profile.sourceFile.isEmpty())
        return out;
    auto add = [&](const char *purpose, const QUrl &url, const QString &user) {
        if (user.isEmpty() || !url.isValid())
            return;
        const QString key = secretKey(QLatin1String(purpose), url, profile.sourceFile);
        for (const auto &s : std::as_const(out))
            if (s.key == key)
                return;
        out.append({QLatin1String(purpose), url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment), user, key});
    };
    for (const auto &e : profile.patroni)
        add(kPatroniRestSecret, e.url, profile.patroniRest.username);
    for (const auto &e : profile.etcd)
        add(kEtcdSecret, e.url, profile.etcdAuth.username);
    add(kHaproxyStatsSecret, profile.haproxyStats, profile.haproxyStatsAuth.username);
    // One login each for PostgreSQL, PgBouncer and Pgpool-II, where the profile has endpoints.
    const QString file = canonicalProfilePath(profile.sourceFile);
    for (const auto &[purpose, user, used] :
         {std::tuple{kPostgresSecret, profile.readWrite.user, true},
          std::tuple{kPgBouncerSecret, profile.pgbouncerLogin(), !profile.pgbouncers.isEmpty()},
          std::tuple{kPgpoolSecret, profile.pgpoolLogin(), !profile.pgpools.isEmpty()}})
        if (used && !user.isEmpty())
            out.append({QLatin1String(purpose), QUrl(), user, pgSecretKey(file, QLatin1String(purpose)), true});
    return out;
}

void readProfileSecrets(SecretStore *secrets, const Profile &profile, QObject *context,
                        std::function<void(const ProfileSecretsRead &)> done)
{
    const QList<SecretSlot> wanted = secretSlots(profile);
    auto result = std::make_shared<ProfileSecretsRead>();
    auto pending = std::make_shared<qsizetype>(wanted.size());
    if (wanted.isEmpty()) {
        // Still asynchronous, like every store call.
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(secrets, [guard, done = std::move(done), result] {
            if (guard)
                done(*result);
        }, Qt::QueuedConnection);
        return;
    }
    auto finish = std::make_shared<std::function<void(const ProfileSecretsRead &)>>(std::move(done));
    for (const SecretSlot &slot : wanted) {
        secrets->read(slot.key, context, [slot, result, pending, finish](const Result<QString> &r) {
            if (r)
                store(result->passwords, slot, r.value());
            else if (!SecretStore::isNotFound(r.error()))
                result->failed.append(QStringLiteral("%1: %2").arg(slotText(slot), r.error().toString()));
            else if (!slot.optional)   // an optional one: libpq's own password or service file may have it
                result->missing.append(QStringLiteral("no %1 in the keychain").arg(slotText(slot)));
            if (--*pending == 0)
                (*finish)(*result);
        });
    }
}

void writeProfileSecret(SecretStore *secrets, const Profile &profile, const QString &purpose, const QString &password,
                        QObject *context, std::function<void(const Result<bool> &)> done)
{
    QList<SecretSlot> wanted;
    for (const auto &s : secretSlots(profile))
        if (s.purpose == purpose)
            wanted.append(s);
    if (wanted.isEmpty()) {
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(secrets, [guard, done = std::move(done), purpose] {
            if (guard)
                done(makeError(QStringLiteral("the profile names no user for %1, so no password is needed").arg(purpose),
                               QStringLiteral("set the user name first (e.g. patroni_rest: {username: …})")));
        }, Qt::QueuedConnection);
        return;
    }
    auto pending = std::make_shared<qsizetype>(wanted.size());
    auto errors = std::make_shared<QStringList>();
    auto finish = std::make_shared<std::function<void(const Result<bool> &)>>(std::move(done));
    for (const SecretSlot &slot : wanted) {
        secrets->write(slot.key, password, context, [pending, errors, finish](const Result<bool> &r) {
            if (!r)
                errors->append(r.error().toString());
            if (--*pending > 0)
                return;
            if (errors->isEmpty())
                (*finish)(true);
            else
                (*finish)(makeError(errors->join(QStringLiteral("; "))));
        });
    }
}

void fillPurpose(ProfilePasswords &passwords, const Profile &profile, const QString &purpose, const QString &password)
{
    for (const auto &s : secretSlots(profile))
        if (s.purpose == purpose)
            store(passwords, s, password);
}

} // namespace pgha::svc

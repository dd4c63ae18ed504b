#include "credentials.h"

#include "lab/labprofile.h"
#include "secrets/secretstore.h"

#include <QPointer>

namespace pgha::svc {

void resolveCredentials(SecretStore *store, const Profile &profile, QObject *context,
                        std::function<void(const ProfileSecretsRead &)> done)
{
    if (profile.isBuiltInLab()) {
        ProfileSecretsRead read;
        read.passwords = labPasswords(profile);   // none before the lab's first start: nothing to log in to either
        // Asynchronous like the keychain's answer, so callers have one shape.
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(context, [guard, done = std::move(done), read] {
            if (guard)
                done(read);
        }, Qt::QueuedConnection);
        return;
    }
    readProfileSecrets(store, profile, context, [profile, done = std::move(done)](ProfileSecretsRead read) {
        read.passwords.source = QStringLiteral("the system keychain");
        // One user everywhere (the usual case): PgBouncer and Pgpool-II take PostgreSQL's password
        // unless one of their own was stored.
        auto &pw = read.passwords;
        if (pw.pgbouncer.isEmpty() && profile.pgbouncerLogin() == profile.readWrite.user)
            pw.pgbouncer = pw.postgres;
        if (pw.pgpool.isEmpty() && profile.pgpoolLogin() == profile.readWrite.user)
            pw.pgpool = pw.postgres;
        done(read);
    });
}

QString pgPasswordHint(const Profile &profile, const QString &purpose)
{
    if (profile.isBuiltInLab())
        return QStringLiteral("the lab's password comes from its state file in %1; restart the lab (`pgha lab start`) if it was "
                              "replaced").arg(profile.labDir);
    const QString user = purpose == QLatin1String(kPgBouncerSecret) ? profile.pgbouncerLogin()
            : purpose == QLatin1String(kPgpoolSecret)               ? profile.pgpoolLogin()
                                                                     : profile.readWrite.user;
    const QString where = profile.sourceFile.isEmpty()
            ? QString()
            : QStringLiteral("in the keychain for this profile (File → Profiles…, key \"%1\"), or ")
                      .arg(pgSecretKey(profile.sourceFile, purpose));
    return QStringLiteral("put the %1 password of \"%2\" %3in libpq's password file (PGPASSFILE, else ~/.pgpass: a line "
                          "HOST:PORT:*:%2:PASSWORD, mode 0600)")
            .arg(purpose, user, where);
}

} // namespace pgha::svc

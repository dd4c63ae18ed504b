#pragma once

#include "core/result.h"
#include "profile/profile.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace pgha::svc {

class SecretStore;

// The keychain key of one password: "PURPOSE ORIGIN PROFILE-FILE" (PostgreSQL, PgBouncer and
// Pgpool-II logins: "PROFILE-FILE/postgres", "…/pgbouncer", "…/pgpool"), e.g.
//   patroni-rest https://10.0.0.1:8008 /home/ana/.config/pgha/profiles/staging.yaml
// A profile names itself whatever it likes, so the name is no key: a password belongs to one
// profile file (its canonical path) and one origin it is sent to. Another file, or this file
// edited to point at another host, finds nothing to send.
QString secretKey(const QString &purpose, const QUrl &origin, const QString &profileFile);
QString pgSecretKey(const QString &profileFile, const QString &purpose);

// One password a profile needs: what for, where it is sent, for which user, under which key.
struct SecretSlot {
    QString purpose;    // kPatroniRestSecret, kEtcdSecret, kHaproxyStatsSecret, kPostgresSecret …
    QUrl origin;        // empty for the PostgreSQL-protocol logins (one per profile)
    QString user;
    QString key;
    bool optional = false;   // libpq may find it elsewhere: not reported as missing
};
// Every password `profile` names a user for; none for the built-in lab (its state file has them)
// or a profile without a file.
QList<SecretSlot> secretSlots(const Profile &profile);

struct ProfileSecretsRead {
    ProfilePasswords passwords;
    QStringList missing;    // one sentence per slot without a password, naming user and origin
    QStringList failed;     // keychain errors other than "not stored"
};

// Reads every slot of `profile` from `store`; `done` runs once, asynchronously, unless `context`
// is destroyed first.
void readProfileSecrets(SecretStore *store, const Profile &profile, QObject *context,
                        std::function<void(const ProfileSecretsRead &)> done);
// Stores `password` under every slot of `purpose` (one per origin). `done` runs once.
void writeProfileSecret(SecretStore *store, const Profile &profile, const QString &purpose, const QString &password,
                        QObject *context, std::function<void(const Result<bool> &)> done);
// Puts one password (typed at a prompt) into every slot of `purpose` of `passwords`.
void fillPurpose(ProfilePasswords &passwords, const Profile &profile, const QString &purpose, const QString &password);

} // namespace pgha::svc

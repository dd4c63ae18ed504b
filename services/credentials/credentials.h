#pragma once

#include "profile/profile.h"
#include "secrets/profilesecrets.h"
#include "secrets/secretstore.h"

#include <QObject>
#include <QString>

#include <functional>

namespace pgha::svc {

class SecretStore;

// The one answer to "which passwords does this profile use, and where are they from", for the
// console and the CLI alike:
//   1. the built-in lab: its 0600 state file (every login);
//   2. any other profile: the system keychain (REST, etcd and HAProxy stats per origin; one
//      PostgreSQL, PgBouncer and Pgpool-II login per profile file: "FILE/postgres" …);
//   3. what neither has is left to libpq, which reads PGPASSFILE or ~/.pgpass and service
//      files itself: an empty PostgreSQL-side password means exactly that.
// `done` runs once, asynchronously, unless `context` is destroyed first.
void resolveCredentials(SecretStore *store, const Profile &profile, QObject *context,
                        std::function<void(const ProfileSecretsRead &)> done);

// What to do when a server refused the login (no password supplied, a wrong one) of `purpose`
// (kPostgresSecret, kPgBouncerSecret, kPgpoolSecret) for this profile: one sentence naming the
// places a password is taken from, in order.
QString pgPasswordHint(const Profile &profile, const QString &purpose);

} // namespace pgha::svc

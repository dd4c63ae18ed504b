// Secrets: the in-memory store, keys by purpose, origin and profile file (hardening item 9), keychain error handling (item 12), and the keychain store's session-only fallback
// (this machine has no D-Bus secret service, so the fallback is what runs here).
#include "credentials/credentials.h"
#include "lab/labconfig.h"
#include "lab/labprofile.h"
#include "secrets/profilesecrets.h"
#include "secrets/secretstore.h"

#include <qt6keychain/keychain.h>

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QDirIterator>
#include <QSignalSpy>
#include <QTest>

using namespace pgha::svc;

namespace {
constexpr int kKeychainWaitMs = 30000;   // a missing D-Bus service can take a while to say so

struct Sync {
    // Runs one store call to completion on the event loop.
    static Result<QString> read(SecretStore &s, const QString &key)
    {
        std::optional<Result<QString>> out;
        s.read(key, &s, [&](const Result<QString> &r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, kKeychainWaitMs))
            return makeError(QStringLiteral("timed out"));
        return *out;
    }
    static Result<bool> write(SecretStore &s, const QString &key, const QString &value)
    {
        std::optional<Result<bool>> out;
        s.write(key, value, &s, [&](const Result<bool> &r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, kKeychainWaitMs))
            return makeError(QStringLiteral("timed out"));
        return *out;
    }
    static Result<bool> remove(SecretStore &s, const QString &key)
    {
        std::optional<Result<bool>> out;
        s.remove(key, &s, [&](const Result<bool> &r) { out = r; });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, kKeychainWaitMs))
            return makeError(QStringLiteral("timed out"));
        return *out;
    }
};

bool treeContains(const QString &dir, const QByteArray &needle)
{
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.size() < 1024 * 1024 && f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
            return true;
    }
    return false;
}
} // namespace

class TestSecrets : public QObject {
    Q_OBJECT
private slots:
    void keysArePurposeOriginAndProfileFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("staging.yaml"));
        QVERIFY(QFile(file).open(QIODevice::WriteOnly));
        QCOMPARE(secretKey(QLatin1String(kPatroniRestSecret), QUrl(QStringLiteral("https://DB1:8008/cluster")), file),
                 QStringLiteral("patroni-rest https://db1:8008 ") + QFileInfo(file).canonicalFilePath());
        // A link to the file is the same file: the same key.
        const QString link = dir.filePath(QStringLiteral("link.yaml"));
        QVERIFY(QFile::link(file, link));
        QCOMPARE(secretKey(QLatin1String(kEtcdSecret), QUrl(QStringLiteral("http://e:2379")), link),
                 secretKey(QLatin1String(kEtcdSecret), QUrl(QStringLiteral("http://e:2379")), file));
    }

    // Item 9: a profile that names itself like another finds none of its passwords, and a profile
    // edited to point at another host finds none either.
    void passwordsBelongToOneFileAndOrigin()
    {
        QTemporaryDir dir;
        const QByteArray yaml = "name: prod\nkind: production\npatroni: [\"https://10.0.0.1:8008\", \"https://10.0.0.2:8008\"]\n"
                                "patroni_rest: {username: ops}\netcd: [\"https://10.0.0.1:2379\"]\netcd_auth: {username: root}\n";
        const QString realFile = dir.filePath(QStringLiteral("prod.yaml"));
        const QString impostorFile = dir.filePath(QStringLiteral("downloaded.yaml"));
        auto real = parseProfile(yaml, realFile);
        QVERIFY(real);
        Profile impostor = real.value();
        impostor.sourceFile = impostorFile;   // same name "prod", same hosts, another file
        // Two Patroni origins, one etcd, and the PostgreSQL login (one per profile file, optional).
        QCOMPARE(secretSlots(real.value()).size(), 4);

        MemorySecretStore store;
        std::optional<Result<bool>> wrote;
        writeProfileSecret(&store, real.value(), QLatin1String(kPatroniRestSecret), QStringLiteral("prod-pw"), &store,
                           [&](const Result<bool> &r) { wrote = r; });
        QTRY_VERIFY(wrote.has_value());
        QVERIFY(wrote->ok());
        QCOMPARE(store.values().size(), 2);   // one per Patroni origin

        auto readAll = [&](const Profile &p) {
            std::optional<ProfileSecretsRead> out;
            readProfileSecrets(&store, p, &store, [&](const ProfileSecretsRead &r) { out = r; });
            [&] { QTRY_VERIFY(out.has_value()); }();
            return out.value_or(ProfileSecretsRead{});
        };
        const auto mine = readAll(real.value());
        QCOMPARE(mine.passwords.patroniRest.value(QStringLiteral("https://10.0.0.1:8008")), QStringLiteral("prod-pw"));
        QCOMPARE(mine.passwords.patroniRest.value(QStringLiteral("https://10.0.0.2:8008")), QStringLiteral("prod-pw"));
        QCOMPARE(mine.missing.size(), 1);   // etcd's password was never stored
        QVERIFY2(mine.missing[0].contains(u"etcd password of \"root\" for https://10.0.0.1:2379"), qPrintable(mine.missing[0]));

        QVERIFY(readAll(impostor).passwords.patroniRest.isEmpty());

        Profile moved = real.value();
        moved.patroni[1].url = QUrl(QStringLiteral("https://attacker.example:8008"));
        const auto afterEdit = readAll(moved);
        QCOMPARE(afterEdit.passwords.patroniRest.size(), 1);
        QVERIFY(!afterEdit.passwords.patroniRest.contains(QStringLiteral("https://attacker.example:8008")));
        // …and what httpSecurityForProfile hands the HTTP client for that host has no password.
        for (const auto &o : httpSecurityForProfile(moved, afterEdit.passwords))
            if (o.origin.host() == u"attacker.example")
                QVERIFY(o.security.password.isEmpty());

        // The built-in lab has no slots: its passwords come from its state file.
        LabConfig lab;
        lab.labDir = dir.path();
        lab.restAuth = true;
        QVERIFY(labProfile(lab).isBuiltInLab());
        QVERIFY(secretSlots(labProfile(lab)).isEmpty());
    }

    // Item 12: a removal the keychain did not confirm is never reported as done.
    // PostgreSQL, PgBouncer and Pgpool-II logins: one keychain key each per profile file
    // ("FILE/postgres" …), optional (libpq's own password file answers when they are absent),
    // read into the passwords the observer logs in with; another file finds none of them.
    void postgresLoginsPerProfileFile()
    {
        QTemporaryDir dir;
        const QByteArray yaml = "name: staging\nkind: staging\npatroni: [\"http://10.0.0.1:8008\"]\n"
                                "pgbouncers: [\"postgresql://10.0.0.1:6432\"]\npgbouncer_user: monitor\n"
                                "read_write: {host: 10.0.0.9, port: 5000, user: app}\n";
        const QString file = dir.filePath(QStringLiteral("staging.yaml"));
        auto profile = parseProfile(yaml, file);
        QVERIFY(profile);
        QStringList purposes;
        for (const auto &slot : secretSlots(profile.value())) {
            purposes.append(slot.purpose + QLatin1Char(':') + slot.user);
            QVERIFY(slot.optional);
            QVERIFY(slot.key.endsWith(QLatin1Char('/') + slot.purpose));
        }
        QCOMPARE(purposes, (QStringList{QStringLiteral("postgres:app"), QStringLiteral("pgbouncer:monitor")}));   // no Pgpool listed
        MemorySecretStore store;
        auto read = [&](const Profile &p) {
            std::optional<ProfileSecretsRead> out;
            readProfileSecrets(&store, p, &store, [&](const ProfileSecretsRead &r) { out = r; });
            [&] { QTRY_VERIFY(out.has_value()); }();
            return out.value_or(ProfileSecretsRead{});
        };
        const auto none = read(profile.value());
        QVERIFY(none.missing.isEmpty());   // not stored is fine: libpq's password file may have it
        QVERIFY(none.passwords.pgbouncer.isEmpty());
        std::optional<Result<bool>> wrote;
        writeProfileSecret(&store, profile.value(), QLatin1String(kPgBouncerSecret), QStringLiteral("bouncer-pw"), &store,
                           [&](const Result<bool> &r) { wrote = r; });
        QTRY_VERIFY(wrote.has_value() && wrote->ok());
        QCOMPARE(read(profile.value()).passwords.pgbouncer, QStringLiteral("bouncer-pw"));
        Profile other = profile.value();
        other.sourceFile = dir.filePath(QStringLiteral("other.yaml"));
        QVERIFY(read(other).passwords.pgbouncer.isEmpty());
        // Where a refused login's password goes, said after the error.
        const QString hint = pgPasswordHint(profile.value(), QLatin1String(kPgBouncerSecret));
        QVERIFY2(hint.contains(u"\"monitor\"") && hint.contains(u"~/.pgpass") && hint.contains(u"PGPASSFILE")
                         && hint.contains(pgSecretKey(file, QLatin1String(kPgBouncerSecret))),
                 qPrintable(hint));
    }

    void keychainErrorsAreNotSwallowed()
    {
        using A = KeychainErrorAction;
        using O = KeychainOperation;
        QCOMPARE(keychainErrorAction(QKeychain::NoError, O::Remove), A::Success);
        QCOMPARE(keychainErrorAction(QKeychain::EntryNotFound, O::Remove), A::Success);
        QCOMPARE(keychainErrorAction(QKeychain::EntryNotFound, O::Read), A::NotFound);
        QCOMPARE(keychainErrorAction(QKeychain::OtherError, O::Remove), A::Fail);
        QCOMPARE(keychainErrorAction(QKeychain::AccessDenied, O::Remove), A::Fail);
        QCOMPARE(keychainErrorAction(QKeychain::CouldNotDeleteEntry, O::Remove), A::Fail);
        QCOMPARE(keychainErrorAction(QKeychain::AccessDeniedByUser, O::Write), A::Fail);
        QCOMPARE(keychainErrorAction(QKeychain::NoBackendAvailable, O::Remove), A::FallBackToSession);
        QCOMPARE(keychainErrorAction(QKeychain::OtherError, O::Read), A::FallBackToSession);   // no D-Bus secret service
    }

    void memoryRoundTrip()
    {
        MemorySecretStore store;
        const QString key = QStringLiteral("patroni-rest https://t:8008 /t.yaml");
        const auto missing = Sync::read(store, key);
        QVERIFY(!missing.ok());
        QVERIFY(SecretStore::isNotFound(missing.error()));
        QVERIFY(Sync::write(store, key, QStringLiteral("s3cret")).ok());
        QCOMPARE(Sync::read(store, key).value(), QStringLiteral("s3cret"));
        QVERIFY(Sync::remove(store, key).ok());
        QVERIFY(!Sync::read(store, key).ok());
    }

    void callbacksAreAsynchronousAndGuarded()
    {
        MemorySecretStore store;
        bool called = false;
        store.write(QStringLiteral("k"), QStringLiteral("v"), &store, [&](const Result<bool> &) { called = true; });
        QVERIFY(!called);   // never inside the call
        QTRY_VERIFY(called);
        auto *context = new QObject;
        bool late = false;
        store.read(QStringLiteral("k"), context, [&](const Result<QString> &) { late = true; });
        delete context;
        QTest::qWait(50);
        QVERIFY(!late);
    }

    void keychainFallsBackToSessionOnly()
    {
        // Keep whatever QtKeychain might touch inside a scratch HOME, and look there afterwards.
        QTemporaryDir home;
        qputenv("HOME", home.path().toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", (home.path() + QStringLiteral("/config")).toLocal8Bit());
        qputenv("XDG_DATA_HOME", (home.path() + QStringLiteral("/data")).toLocal8Bit());
        KeychainSecretStore store;
        QSignalSpy notice(&store, &SecretStore::sessionOnlyChanged);
        const QString key = QStringLiteral("pgha-test-%1").arg(QCoreApplication::applicationPid());
        const QString secret = QStringLiteral("not-written-anywhere-%1").arg(QCoreApplication::applicationPid());
        const auto written = Sync::write(store, key, secret);
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error().toString()));
        if (!store.sessionOnly())
            QSKIP("a real keychain answered here; the fallback is not what runs");
        QCOMPARE(notice.count(), 1);
        QVERIFY(notice.at(0).at(0).toString().contains(u"this session only"));
        QCOMPARE(Sync::read(store, key).value(), secret);   // still round-trips within the process
        QVERIFY(Sync::remove(store, key).ok());
        QVERIFY(!Sync::read(store, key).ok());
        QCOMPARE(notice.count(), 1);   // said once
        QVERIFY2(!treeContains(home.path(), secret.toUtf8()), "the secret was written to a file");
    }
};

QTEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"

// Secrets: the in-memory store, key naming, and the keychain store's session-only fallback
// (this machine has no D-Bus secret service, so the fallback is what runs here).
#include "secrets/secretstore.h"

#include <QDir>
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
    void keyNaming()
    {
        QCOMPARE(secretKey(QStringLiteral("staging"), QLatin1String(kPatroniRestSecret)), QStringLiteral("staging/patroni-rest"));
        QCOMPARE(secretKey(QStringLiteral("prod"), QLatin1String(kEtcdSecret)), QStringLiteral("prod/etcd"));
    }

    void memoryRoundTrip()
    {
        MemorySecretStore store;
        const QString key = secretKey(QStringLiteral("t"), QLatin1String(kPatroniRestSecret));
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
        const QString key = secretKey(QStringLiteral("pgha-test-%1").arg(QCoreApplication::applicationPid()),
                                      QLatin1String(kPatroniRestSecret));
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

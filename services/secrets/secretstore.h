#pragma once

#include "core/result.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace pgha::svc {

// What a password is for: the first word of its keychain key (see profilesecrets.h).
inline constexpr char kPatroniRestSecret[] = "patroni-rest";
inline constexpr char kEtcdSecret[] = "etcd";
inline constexpr char kHaproxyStatsSecret[] = "haproxy-stats";
// PostgreSQL-protocol logins, one per profile (keys "PROFILE-FILE/postgres" …): optional, since
// libpq's own password file (PGPASSFILE, ~/.pgpass) and service files answer when they are absent.
inline constexpr char kPostgresSecret[] = "postgres";
inline constexpr char kPgBouncerSecret[] = "pgbouncer";
inline constexpr char kPgpoolSecret[] = "pgpool";

// What the keychain store does with a QtKeychain error code (QKeychain::Error, as an int so this
// header needs no QtKeychain): no backend at all means session-only memory. OtherError — what
// QtKeychain answers when the session has no D-Bus secret service — falls back for a read or a
// write, but a removal that met it failed: it is reported, never claimed as done.
enum class KeychainErrorAction { Success, NotFound, FallBackToSession, Fail };
enum class KeychainOperation { Read, Write, Remove };
KeychainErrorAction keychainErrorAction(int qkeychainError, KeychainOperation operation);

// Where passwords live: never in a profile, never in a plaintext file. Every call completes
// exactly once, asynchronously, through its callback — unless `context` was destroyed first.
class SecretStore : public QObject {
    Q_OBJECT
public:
    using ReadCallback = std::function<void(const Result<QString> &)>;
    using WriteCallback = std::function<void(const Result<bool> &)>;

    explicit SecretStore(QObject *parent = nullptr) : QObject(parent) {}

    // A key with no secret yields an error for which isNotFound() is true.
    virtual void read(const QString &key, QObject *context, ReadCallback callback) = 0;
    virtual void write(const QString &key, const QString &value, QObject *context, WriteCallback callback) = 0;
    virtual void remove(const QString &key, QObject *context, WriteCallback callback) = 0;
    // True when secrets are kept in this process's memory only (lost when it exits).
    virtual bool sessionOnly() const = 0;

    static bool isNotFound(const Error &error);
    static Error notFound(const QString &key);

signals:
    // The store fell back to keeping secrets for this session only; `reason` says why.
    void sessionOnlyChanged(const QString &reason);
};

// Secrets in memory: for tests, and the fallback of KeychainSecretStore.
class MemorySecretStore : public SecretStore {
    Q_OBJECT
public:
    explicit MemorySecretStore(QObject *parent = nullptr) : SecretStore(parent) {}

    void read(const QString &key, QObject *context, ReadCallback callback) override;
    void write(const QString &key, const QString &value, QObject *context, WriteCallback callback) override;
    void remove(const QString &key, QObject *context, WriteCallback callback) override;
    bool sessionOnly() const override { return true; }

    // Synchronous access for the keychain fallback.
    QHash<QString, QString> &values() { return m_values; }

private:
    QHash<QString, QString> m_values;
};

// The system keychain through QtKeychain (service "pgha"): Secret Service/KWallet on Linux,
// Keychain on macOS, Credential Manager on Windows. When no backend answers (a headless
// machine without a D-Bus secret service), secrets are kept for the session only and
// sessionOnlyChanged() says so once — never a plaintext file.
class KeychainSecretStore : public SecretStore {
    Q_OBJECT
public:
    static constexpr char kService[] = "pgha";

    explicit KeychainSecretStore(QObject *parent = nullptr);

    void read(const QString &key, QObject *context, ReadCallback callback) override;
    void write(const QString &key, const QString &value, QObject *context, WriteCallback callback) override;
    void remove(const QString &key, QObject *context, WriteCallback callback) override;
    bool sessionOnly() const override { return !m_fallbackReason.isEmpty(); }
    QString sessionOnlyReason() const { return m_fallbackReason; }

private:
    void fallBack(const QString &reason);

    MemorySecretStore m_memory;
    QString m_fallbackReason;
};

} // namespace pgha::svc

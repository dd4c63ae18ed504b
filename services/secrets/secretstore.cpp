#include "secretstore.h"

#include "core/logging.h"

#include <QPointer>
#include <QTimer>

#include <qt6keychain/keychain.h>

namespace pgha::svc {

namespace {
const QString kNotFoundHint = QStringLiteral("no secret stored");

// Completes `fn` on the next event-loop turn unless `context` died meanwhile.
template <typename Fn>
void later(QObject *owner, QObject *context, Fn fn)
{
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    QTimer::singleShot(0, owner, [guard, guarded, fn = std::move(fn)]() mutable {
        if (!guarded || !guard.isNull())
            fn();
    });
}

} // namespace

KeychainErrorAction keychainErrorAction(int qkeychainError, KeychainOperation operation)
{
    switch (static_cast<QKeychain::Error>(qkeychainError)) {
    case QKeychain::NoError:
        return KeychainErrorAction::Success;
    case QKeychain::EntryNotFound:
        return operation == KeychainOperation::Read ? KeychainErrorAction::NotFound : KeychainErrorAction::Success;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return KeychainErrorAction::FallBackToSession;
    case QKeychain::OtherError:
        return operation == KeychainOperation::Remove ? KeychainErrorAction::Fail : KeychainErrorAction::FallBackToSession;
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
    case QKeychain::CouldNotDeleteEntry:
        return KeychainErrorAction::Fail;
    }
    return KeychainErrorAction::Fail;
}

bool SecretStore::isNotFound(const Error &error)
{
    return error.is(ErrorKind::NotFound);
}

Error SecretStore::notFound(const QString &key)
{
    return makeError(ErrorKind::NotFound, QStringLiteral("no password stored for %1").arg(key), kNotFoundHint);
}

void MemorySecretStore::read(const QString &key, QObject *context, ReadCallback callback)
{
    auto it = m_values.constFind(key);
    Result<QString> r = it != m_values.constEnd() ? Result<QString>(*it) : Result<QString>(notFound(key));
    later(this, context, [r = std::move(r), cb = std::move(callback)] { cb(r); });
}

void MemorySecretStore::write(const QString &key, const QString &value, QObject *context, WriteCallback callback)
{
    m_values.insert(key, value);
    later(this, context, [cb = std::move(callback)] { cb(true); });
}

void MemorySecretStore::remove(const QString &key, QObject *context, WriteCallback callback)
{
    m_values.remove(key);
    later(this, context, [cb = std::move(callback)] { cb(true); });
}

KeychainSecretStore::KeychainSecretStore(QObject *parent) : SecretStore(parent) {}

void KeychainSecretStore::fallBack(const QString &reason)
{
    if (!m_fallbackReason.isEmpty())
        return;
    m_fallbackReason = QStringLiteral("no system keychain is available (QtKeychain: %1; on Linux a Secret Service "
                                     "such as GNOME Keyring or KWallet must run on the session D-Bus); passwords are kept for this session "
                                     "only and must be entered again next time")
                               .arg(reason);
    qCWarning(lcProfile).noquote() << m_fallbackReason;
    emit sessionOnlyChanged(m_fallbackReason);
}

void KeychainSecretStore::read(const QString &key, QObject *context, ReadCallback callback)
{
    if (sessionOnly())
        return m_memory.read(key, context, std::move(callback));
    auto *job = new QKeychain::ReadPasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);   // never a plaintext file
    job->setKey(key);
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    connect(job, &QKeychain::Job::finished, this, [this, job, key, guard, guarded, cb = std::move(callback)] {
        if (guarded && guard.isNull())
            return;
        switch (keychainErrorAction(job->error(), KeychainOperation::Read)) {
        case KeychainErrorAction::Success:
            return cb(job->textData());
        case KeychainErrorAction::NotFound:
            return cb(notFound(key));
        case KeychainErrorAction::FallBackToSession:
            fallBack(job->errorString());
            return m_memory.read(key, guard.data(), std::move(cb));
        case KeychainErrorAction::Fail:
            break;
        }
        cb(makeError(ErrorKind::Unavailable, QStringLiteral("cannot read %1 from the system keychain: %2").arg(key, job->errorString()),
                     QStringLiteral("unlock the keychain, or allow pgha to use it")));
    });
    job->start();
}

void KeychainSecretStore::write(const QString &key, const QString &value, QObject *context, WriteCallback callback)
{
    if (sessionOnly())
        return m_memory.write(key, value, context, std::move(callback));
    auto *job = new QKeychain::WritePasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(value);
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    connect(job, &QKeychain::Job::finished, this, [this, job, key, value, guard, guarded, cb = std::move(callback)] {
        const KeychainErrorAction action = keychainErrorAction(job->error(), KeychainOperation::Write);
        if (action == KeychainErrorAction::Success) {
            if (!guarded || !guard.isNull())
                cb(true);
            return;
        }
        if (action == KeychainErrorAction::FallBackToSession) {
            fallBack(job->errorString());
            return m_memory.write(key, value, guarded ? guard.data() : nullptr, std::move(cb));
        }
        if (!guarded || !guard.isNull())
            cb(makeError(ErrorKind::Unavailable, QStringLiteral("cannot store %1 in the system keychain: %2").arg(key, job->errorString()),
                         QStringLiteral("unlock the keychain, or allow pgha to use it")));
    });
    job->start();
}

void KeychainSecretStore::remove(const QString &key, QObject *context, WriteCallback callback)
{
    m_memory.values().remove(key);
    if (sessionOnly())
        return m_memory.remove(key, context, std::move(callback));
    auto *job = new QKeychain::DeletePasswordJob(QLatin1String(kService), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    connect(job, &QKeychain::Job::finished, this, [this, job, key, guard, guarded, cb = std::move(callback)] {
        if (guarded && guard.isNull())
            return;
        switch (keychainErrorAction(job->error(), KeychainOperation::Remove)) {
        case KeychainErrorAction::Success:
            return cb(true);
        case KeychainErrorAction::FallBackToSession:
            // No keychain exists here, so nothing was ever stored in one: the session copy is all.
            fallBack(job->errorString());
            return cb(true);
        case KeychainErrorAction::NotFound:
        case KeychainErrorAction::Fail:
            break;
        }
        cb(makeError(ErrorKind::Unavailable, QStringLiteral("cannot remove %1 from the system keychain: %2 — it may still be stored there")
                             .arg(key, job->errorString()),
                     QStringLiteral("unlock the keychain and try again, or remove the entry with the keychain's own tool "
                                    "(service \"pgha\")")));
    });
    job->start();
}

} // namespace pgha::svc

#pragma once

#include "core/result.h"
#include "core/safefs.h"
#include "http/httpsecurity.h"
#include "lab/labconfig.h"
#include "lab/labstate.h"
#include "process/procutil.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace pgha::svc {

// The user of the lab's Patroni REST Basic auth (LabConfig::restAuth); its password is
// LabState::Secrets::restApi.
inline constexpr char kLabRestUser[] = "pgha";

// <labDir>/tls: the lab's own CA (ca.crt, ca.key) and the certificate every member serves
// (server.crt, server.key, for the lab's host and localhost).
QString labTlsDir(const QString &labDir);
QString labTlsCaFile(const QString &labDir);
QString labTlsCaKeyFile(const QString &labDir);
QString labTlsCertFile(const QString &labDir);
QString labTlsKeyFile(const QString &labDir);
bool labTlsFilesExist(const QString &labDir);

// How a client talks to the lab's Patroni REST API: the lab CA and, with restAuth, the
// lab user and its password. Empty when the lab uses neither.
HttpSecurity labRestSecurity(const LabConfig &config, const LabState::Secrets &secrets);
// The same for every REST origin of the lab (what an HttpClient needs to poll it).
QList<OriginSecurity> labHttpSecurity(const LabConfig &config, const LabState::Secrets &secrets);
// From the lab directory's state file: what `pgha status` and the console need for the lab.
QList<OriginSecurity> labHttpSecurity(const QString &labDir);

// Makes the lab's CA and server certificate with the `openssl` program, one step after another,
// asynchronously (QProcess signals; nothing waits). Keys are 0600; with `runAs` (started as
// root) the files the members read stay root's and become readable by that account's group. Emits finished() exactly once.
class LabTlsMaker : public QObject {
    Q_OBJECT
public:
    LabTlsMaker(const LabConfig &config, const QString &openssl, const proc::Account *runAs, QObject *parent = nullptr);
    void start();

signals:
    void finished(const QString &error);   // empty on success

private:
    void runStep();
    void fail(const QString &error);
    QString finishFiles();
    std::optional<fs::Owner> groupOwner() const;

    LabConfig m_config;
    QString m_openssl;
    std::optional<proc::Account> m_runAs;
    QList<QStringList> m_steps;
    qsizetype m_step = 0;
};

} // namespace pgha::svc

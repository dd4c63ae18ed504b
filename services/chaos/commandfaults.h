#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>

namespace pgha::svc {

// The faults a user injects into a cluster the console did not build: their own command
// (`docker kill`, `systemctl stop`, `virsh suspend`, an iptables rule over ssh …), run as a
// child process without blocking, with the target in its environment —
//   PGHA_TARGET            the member's name as /cluster reports it
//   PGHA_TARGET_HOST/PORT  its PostgreSQL address
//   PGHA_TARGET_API        its REST API base URL
//   PGHA_SCOPE             the cluster's scope
// — in its own process group, killed with that group after kTimeoutMs. No password is in
// that environment. The console only measures what the command does; it never guesses it.
class CommandFaults : public QObject {
    Q_OBJECT
public:
    static constexpr int kTimeoutMs = 60000;
    // How much of what the command printed goes into the timeline's sentence.
    static constexpr int kQuotedChars = 200;
    using Done = std::function<void(const QString &sentence, bool ok)>;

    explicit CommandFaults(QObject *parent = nullptr);

    // Runs `command` with the shell (sh -c; cmd /c on Windows). `what` names the step
    // ("inject", "undo") in the sentence.
    void run(const QString &what, const QString &command, const QHash<QString, QString> &environment, Done done);
    // The environment variables for one target (see above).
    static QHash<QString, QString> targetEnvironment(const QString &member, const QString &host, int port,
                                                     const QString &api, const QString &scope);
};

} // namespace pgha::svc

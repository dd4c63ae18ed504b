#include "chaos/commandfaults.h"

#include "process/processrunner.h"

#include <QElapsedTimer>

#include <memory>

namespace pgha::svc {

CommandFaults::CommandFaults(QObject *parent) : QObject(parent) {}

QHash<QString, QString> CommandFaults::targetEnvironment(const QString &member, const QString &host, int port,
                                                         const QString &api, const QString &scope)
{
    return {{QStringLiteral("PGHA_TARGET"), member},
            {QStringLiteral("PGHA_TARGET_HOST"), host},
            {QStringLiteral("PGHA_TARGET_PORT"), QString::number(port)},
            {QStringLiteral("PGHA_TARGET_API"), api},
            {QStringLiteral("PGHA_SCOPE"), scope}};
}

void CommandFaults::run(const QString &what, const QString &command, const QHash<QString, QString> &environment, Done done)
{
    proc::RunSpec spec;
#ifdef Q_OS_WIN
    spec.program = QStringLiteral("cmd");
    spec.arguments = {QStringLiteral("/c"), command};
#else
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), command};
#endif
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        spec.environment.insert(it.key(), it.value());
    // Variables that carry a password are not the command's business.
    spec.environment.remove(QStringLiteral("PGPASSWORD"));
    spec.timeoutMs = kTimeoutMs;
    spec.mergeChannels = true;
    spec.ownProcessGroup = true;
    spec.missingHint = QStringLiteral("the fault commands run with /bin/sh");
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    proc::run(spec, this, [what, command, done, clock](const proc::ProcessResult &r) {
        QString said = QString::fromLocal8Bit(r.out).trimmed().replace(u'\n', QStringLiteral(" / "));
        if (said.size() > kQuotedChars)
            said = said.left(kQuotedChars) + QStringLiteral("…");
        const QString took = QStringLiteral("%1 ms").arg(clock->elapsed());
        if (r.ok()) {
            done(QStringLiteral("%1: `%2` done in %3%4").arg(what, command, took, said.isEmpty() ? QString() : QStringLiteral(" (") + said + u')'),
                 true);
            return;
        }
        QString why;
        if (r.timedOut)
            why = QStringLiteral("did not finish within %1 s and was killed").arg(kTimeoutMs / 1000);
        else if (!r.started)
            why = QStringLiteral("could not start: %1").arg(QString::fromLocal8Bit(r.err).trimmed());
        else if (r.crashed)
            why = QStringLiteral("ended by signal %1").arg(r.crashSignal);
        else
            why = QStringLiteral("exited with status %1").arg(r.exitCode);
        done(QStringLiteral("%1: `%2` %3 after %4%5").arg(what, command, why, took, said.isEmpty() ? QString() : QStringLiteral(": ") + said),
             false);
    });
}

} // namespace pgha::svc

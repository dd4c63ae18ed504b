#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>

namespace pgha::svc {
class HttpClient;
struct Profile;
struct ProfilePasswords;
} // namespace pgha::svc

namespace pgha::cli {

// Exit codes of every pgha command.
enum ExitCode { Ok = 0, Failed = 1, Usage = 2 };

struct CliContext {
    QTextStream out;
    QTextStream err;
    CliContext();
};

// Subcommands: each parses its own arguments (args[0] is its name) and returns an exit code.
int runLabCommand(CliContext &ctx, const QStringList &args);
// lab standalone start | stop | status (args[0] is start, stop or status).
int runLabStandaloneCommand(CliContext &ctx, const QStringList &args);
int runStatusCommand(CliContext &ctx, const QStringList &args);
int runWatchCommand(CliContext &ctx, const QStringList &args);
// switchover, failover, restart, reinit, reload, pause, resume, config, journal (args[0] is the command).
int runActionCommand(CliContext &ctx, const QString &command, const QStringList &args);

// chaos list | runs | FAULT (args[0] is "chaos").
int runChaosCommand(CliContext &ctx, const QStringList &args);

// experiment run | show | list (args[0] is "experiment").
int runExperimentCommand(CliContext &ctx, const QStringList &args);

// report --experiment NAME | --chaos-run ID… --out FILE (args are its options).
int runReportCommand(CliContext &ctx, const QStringList &args);

// bench init | run | runs (args[0] is "bench").
int runBenchCommand(CliContext &ctx, const QStringList &args);

// Sets `http`'s credentials and TLS trust for `profile` (the lab's state file, the keychain, or
// the Patroni REST password asked for once on a terminal or read from a piped stdin within
// `timeoutMs`), then calls `ready` with every password found (PostgreSQL's "" = libpq's own).
void withSecurity(CliContext &ctx, svc::HttpClient &http, const svc::Profile &profile, int timeoutMs,
                  std::function<void(const svc::ProfilePasswords &)> ready);

// For tables in a terminal.
QString padRight(const QString &s, int width);

} // namespace pgha::cli

// pgha: the command-line twin of the console. Links the services, models and reports only —
// never Qt Widgets — which proves the core is GUI-free.
#include "clicontext.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <memory>

#include <cstdio>

using namespace pgha::cli;

namespace {
const char kUsage[] = R"USAGE(Usage: pgha <command> [options]

Commands:
  lab start     start the bundled lab and wait until it is healthy
  lab stop      stop the lab (no process left behind, every port freed)
  lab status    the lab's processes and ports (containers for the Docker lab)
  lab logs      a component's log: pgha lab logs pg1 [--follow]
  lab env       shell variables for psql/pgbench: eval "$(pgha lab env)"
  lab standalone start|stop|status  the benchmarks' baseline: a plain PostgreSQL like the members
  status        the cluster's members as Patroni reports them, with etcd and HAProxy (--json)
  watch         stream the event timeline until interrupted (--json: one object per line)

Operator actions (pre-flight in words, confirmation, outcome followed to convergence, journal):
  switchover    [--candidate NAME] [--at TIME] [--cancel]
  failover      --candidate NAME (only when there is no healthy leader)
  restart       MEMBER…|--all [--pending] [--at TIME] [--cancel]
  reinit        MEMBER
  reload        [MEMBER…]
  pause|resume  maintenance mode on/off
  config        show | set KEY=VALUE…
  journal       show | export FILE
Actions ask on a terminal and refuse without one unless --yes; --json prints the journal entry.

Chaos faults (lab profiles only), measured as a client sees them:
  chaos list    every fault and whether it can run here
  chaos FAULT   [--iterations N] [--report FILE] [--json] [--sync on|off]  e.g. chaos crash-primary
  chaos runs    the kept runs: summary, or --export FILE.csv|FILE.jsonl
A fault's exit status is 1 when a run fails its expectations.

Experiments (a fault, under load or not, over a grid of settings, repeated; docs/experiment-plan.md):
  experiment run FILE.yaml [--resume]  each run recorded as it ends; --resume makes the missing
  experiment show NAME [--json] [--csv FILE]  per cell: median, p95, min/max, mean's 95 % CI
  experiment list  the experiments kept
  report        --experiment NAME | --chaos-run ID… --out FILE.html|FILE.pdf
                method, environment, tables and figures, ready to print

Benchmarks (pgbench, figures per second, exact percentiles, every run kept):
  bench init    [--scale N] [--target T]
  bench run     [--target rw|ro|pgpool|direct|standalone|member:NAME[,…]] [--builtin NAME | --file F[@W]…]
                [-c N|1,2,4,8] [-j N] [-T S] [-R TPS] [-L MS] [-M MODE] [--repeat N] [--warmup S] [--cold]
                [--sampling-rate R] [--label TEXT] [--report FILE.md|.json] [--json]
  bench runs    [--label L] [--series ID] [--summary] [--export FILE.csv|FILE.jsonl] [--json]
  bench compare  RUN_ID|SERIES_ID… [--json]

Every command takes --help. Exit status: 0 success, 1 failure, 2 usage error.
)USAGE";
}

CliContext::CliContext() : out(stdout), err(stderr) {}

QString pgha::cli::padRight(const QString &s, int width)
{
    return s.leftJustified(width, QLatin1Char(' '));
}

int main(int argc, char *argv[])
{
    // `pgha report` draws figures and PDFs (fonts, QPainter): Qt Gui without a window, offscreen
    // unless told otherwise. Every other command stays Qt Core only.
    const bool drawing = argc > 1 && qstrcmp(argv[1], "report") == 0;
    if (drawing && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application =
            drawing ? std::make_unique<QGuiApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("pgha"));
    QCoreApplication::setOrganizationName(QStringLiteral("pgha"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PGHA_VERSION));

    CliContext ctx;
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.front() == u"--help" || args.front() == u"-h" || args.front() == u"help") {
        (args.isEmpty() ? ctx.err : ctx.out) << kUsage;
        return args.isEmpty() ? Usage : Ok;
    }
    if (args.front() == u"--version") {
        ctx.out << "pgha " << PGHA_VERSION << Qt::endl;
        return Ok;
    }
    const QString command = args.takeFirst();
    if (command == u"lab")
        return runLabCommand(ctx, args);
    if (command == u"status")
        return runStatusCommand(ctx, QStringList{command} + args);
    if (command == u"chaos")
        return runChaosCommand(ctx, QStringList{command} + args);
    if (command == u"report")
        return runReportCommand(ctx, QStringList{QStringLiteral("pgha report")} + args);
    if (command == u"experiment")
        return runExperimentCommand(ctx, QStringList{command} + args);
    if (command == u"bench")
        return runBenchCommand(ctx, QStringList{command} + args);
    if (command == u"watch")
        return runWatchCommand(ctx, QStringList{command} + args);
    for (const char *action : {"switchover", "failover", "restart", "reinit", "reload", "pause", "resume", "config", "journal"})
        if (command == QLatin1String(action))
            return runActionCommand(ctx, command, QStringList{command} + args);
    ctx.err << "pgha: unknown command \"" << command << "\"\n\n" << kUsage;
    return Usage;
}

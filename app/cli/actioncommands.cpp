// `pgha switchover|failover|restart|reinit|reload|pause|resume|config|journal`: operator actions
// over the same ActionRunner the console uses — pre-flight in words, a confirmation (typed on a
// terminal, refused without one unless --yes), then the outcome followed to convergence.
#include "clicontext.h"
#include "sourcedeadline.h"
#include "terminalinput.h"

#include "actions/actiontarget.h"
#include "actions/configpatch.h"
#include "actions/journal.h"
#include "http/httpclient.h"
#include "lab/labconfig.h"
#include "credentials/credentials.h"
#include "lab/labprofile.h"
#include "patroni/patroniclient.h"
#include "profile/profile.h"
#include "secrets/profilesecrets.h"
#include "secrets/secretstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

using namespace pgha::svc;

namespace pgha::cli {

namespace {

struct Options {
    QCommandLineParser parser;
    Options(const QString &description)
    {
        parser.setApplicationDescription(description);
        parser.addHelpOption();
        parser.addOptions({
            {QStringLiteral("profile"), QStringLiteral("Profile name or YAML file (default: the built-in lab profile)."), QStringLiteral("name")},
            {QStringLiteral("yes"), QStringLiteral("Do not ask: confirm (needed when stdin is not a terminal).")},
            {QStringLiteral("json"), QStringLiteral("Print the outcome as JSON (the journal entry).")},
            {QStringLiteral("reason"), QStringLiteral("Why, in your words: kept in the operator journal."), QStringLiteral("text")},
            {QStringLiteral("journal"), QStringLiteral("Journal file (default: %1).").arg(Journal::defaultPath()), QStringLiteral("file")},
            {QStringLiteral("no-probe"), QStringLiteral("Do not write through the read-write entry point to measure the write gap.")},
            {QStringLiteral("probe"), QStringLiteral("Measure the write gap on a staging/production profile too (creates table pgha_probe).")},
            timeoutOption(),
        });
    }
};

QDateTime parseAt(const QString &text, QString *error)
{
    QDateTime at = QDateTime::fromString(text, Qt::ISODate);
    if (!at.isValid()) {
        // "HH:MM" today (tomorrow when past), local time.
        const QTime t = QTime::fromString(text, QStringLiteral("HH:mm"));
        if (t.isValid()) {
            at = QDateTime(QDate::currentDate(), t);
            if (at < QDateTime::currentDateTime())
                at = at.addDays(1);
        }
    }
    if (!at.isValid())
        *error = QStringLiteral("--at \"%1\" is not a time: use ISO 8601 (2026-11-22T21:30:00+01:00) or HH:MM").arg(text);
    return at;
}

// --at TIME, when given, into the request.
Result<ActionRequest> withSchedule(const QCommandLineParser &parser, ActionRequest r)
{
    if (!parser.isSet(QStringLiteral("at")))
        return r;
    QString error;
    r.scheduledAt = parseAt(parser.value(QStringLiteral("at")), &error);
    if (!error.isEmpty())
        return makeError(error);
    return r;
}

void printPreflight(CliContext &ctx, const ActionRequest &r, const Preflight &p, const ClusterSnapshot &c)
{
    ctx.out << "cluster " << p.confirmText << " now:";
    for (const auto &m : c.members)
        ctx.out << "  " << m.name << " " << roleName(m.role) << "/" << m.state
                << (m.timeline ? QStringLiteral(" TL%1").arg(*m.timeline) : QString());
    ctx.out << (c.paused ? "  [paused]" : "") << "\n";
    if (!p.candidates.isEmpty() && (r.kind == ActionKind::Switchover || r.kind == ActionKind::Failover)) {
        ctx.out << "candidates:\n";
        for (const auto &v : p.candidates)
            ctx.out << "  " << padRight(v.name, 8) << (v.eligible ? QStringLiteral("eligible") : QStringLiteral("not eligible: ") + v.reasons.join(QStringLiteral("; ")))
                    << "\n";
    }
    for (const auto &w : p.warnings)
        ctx.out << "warning: " << w << "\n";
    if (!p.expected.isEmpty())
        ctx.out << "expected: " << p.expected << "\n";
    for (const auto &b : p.blockers)
        ctx.err << "pgha: refused before sending: " << b << "\n";
    ctx.out.flush();
    ctx.err.flush();
}

// What a fresh read that ran out of time was waiting for: the keychain, or every REST API.
QString freshReadTimeout(const ActionTarget &target, bool securityReady, int timeoutMs, const QString &reading)
{
    if (!securityReady)
        return QStringLiteral("the keychain did not answer within %1 s (--timeout) when asked for the Patroni REST password — "
                              "is a Secret Service (e.g. gnome-keyring) running for this session?")
                .arg(timeoutMs / 1000);
    QStringList apis;
    for (const auto &a : target.apis)
        apis.append(QStringLiteral("%1 (%2)").arg(a.name, a.base.toString()));
    return QStringLiteral("no Patroni REST API answered %1 within %2 s (--timeout); asked: %3 — check that Patroni runs and "
                          "the profile's patroni: URLs")
            .arg(reading).arg(timeoutMs / 1000).arg(apis.isEmpty() ? QStringLiteral("none in the profile") : apis.join(QStringLiteral(", ")));
}

QString ms(qint64 v)
{
    return v < 0 ? QStringLiteral("—") : QStringLiteral("%1 s").arg(double(v) / 1000.0, 0, 'f', 2);
}

int runAction(CliContext &ctx, Options &o, const QStringList &args, std::function<Result<ActionRequest>(const QStringList &)> makeRequest)
{
    o.parser.process(args);
    const auto timeoutMs = timeoutMsFrom(o.parser, ctx);
    if (!timeoutMs)
        return Usage;
    auto request = makeRequest(o.parser.positionalArguments());
    if (!request) {
        ctx.err << "pgha: " << request.error().toString() << "\n";
        return Usage;
    }
    request.value().reason = o.parser.value(QStringLiteral("reason"));
    auto profile = resolveProfile(o.parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << "\n";
        return Failed;
    }
    const bool json = o.parser.isSet(QStringLiteral("json"));
    const bool yes = o.parser.isSet(QStringLiteral("yes"));
    const Journal journal(o.parser.isSet(QStringLiteral("journal")) ? o.parser.value(QStringLiteral("journal")) : Journal::defaultPath());

    HttpClient http;
    const bool probe = o.parser.isSet(QStringLiteral("probe"))
                       || (profile.value().kind == Profile::Kind::Lab && !o.parser.isSet(QStringLiteral("no-probe")));
    ActionTarget target = actionTargetFor(profile.value(), probe);
    ActionRunner runner(&http, target);
    int exitCode = Failed;
    const JournalContext jctx = journalContextFor(profile.value());

    auto record = [&] {
        const QJsonObject entry = journalEntry(runner, jctx);
        if (auto w = journal.append(entry); !w)
            ctx.err << "pgha: " << w.error().toString() << "\n";
        return entry;
    };

    // The fresh read (keychain, then GET /cluster and /config) has a deadline; what follows the
    // action to convergence has its own.
    QTimer freshRead;
    freshRead.setSingleShot(true);
    bool securityReady = false;
    QObject::connect(&freshRead, &QTimer::timeout, [&] {
        ctx.err << "pgha: " << freshReadTimeout(target, securityReady, *timeoutMs, QStringLiteral("GET /cluster and /config"))
                << "; nothing sent\n";
        QCoreApplication::exit(Failed);
    });
    QObject::connect(&runner, &ActionRunner::prepareFailed, [&](const QString &error) {
        freshRead.stop();
        ctx.err << "pgha: " << error << "\n";
        QCoreApplication::exit(Failed);
    });
    // A verdict to act on: the first read, or the fresh one taken after a confirmation when it
    // asks more than the operator confirmed.
    auto decide = [&](const Preflight &p) {
        if (!json)
            printPreflight(ctx, runner.request(), p, runner.before());
        if (!json && !p.allowed)
            ctx.out << "nothing sent.\n";
        if (!p.allowed) {
            runner.execute();   // records the refusal as an outcome, sends nothing
            return;
        }
        if (yes) {
            runner.execute();   // read just now: nothing to compare against
            return;
        }
        if (!stdinIsTerminal()) {
            ctx.err << "pgha: stdin is not a terminal, so nobody can confirm — pass --yes to send the "
                    << actionName(runner.request().kind) << "\n";
            QCoreApplication::exit(Usage);
            return;
        }
        bool confirmed = false;
        if (p.typedConfirmation) {
            ctx.out << "Type the cluster name (" << p.confirmText << ") to confirm"
                    << (p.confirmReasons.isEmpty() ? QString() : QStringLiteral(" — ") + p.confirmReasons.join(QStringLiteral("; ")))
                    << ": " << Qt::flush;
            confirmed = readAnswerLine() == p.confirmText;
        } else {
            ctx.out << "Send the " << actionName(runner.request().kind) << "? [y/N] " << Qt::flush;
            confirmed = readAnswerLine().compare(u"y", Qt::CaseInsensitive) == 0;
        }
        if (!confirmed) {
            ctx.err << "pgha: not confirmed; nothing sent\n";
            QCoreApplication::exit(Failed);
            return;
        }
        // The answer may have taken minutes: read the cluster again and send only what was confirmed.
        runner.sendConfirmed(request.value());
    };
    QObject::connect(&runner, &ActionRunner::prepared, [&](const Preflight &p) {
        if (!freshRead.isActive())
            return;   // too late: the deadline already ended the command
        freshRead.stop();
        decide(p);
    });
    QObject::connect(&runner, &ActionRunner::confirmationOutdated, [&](const Preflight &fresh, const QStringList &changes) {
        ctx.err << "pgha: nothing sent — the cluster changed after you confirmed:\n";
        for (const auto &c : changes)
            ctx.err << "  " << c << "\n";
        ctx.err.flush();
        decide(fresh);
    });
    QObject::connect(&runner, &ActionRunner::stepsChanged, [&](const QList<ActionStep> &steps) {
        if (json)
            return;
        static QHash<QString, ActionStep::State> printed;
        for (const auto &s : steps) {
            if (s.state == ActionStep::State::Pending || printed.value(s.title, ActionStep::State::Pending) == s.state)
                continue;
            printed.insert(s.title, s.state);
            ctx.out << "  [" << padRight(stepStateName(s.state), 7) << "] " << s.title
                    << (s.elapsedMs >= 0 ? QStringLiteral(" (+%1)").arg(ms(s.elapsedMs)) : QString())
                    << (s.detail.isEmpty() ? QString() : QStringLiteral(" — ") + s.detail) << "\n";
        }
        ctx.out.flush();
    });
    QObject::connect(&runner, &ActionRunner::finished, [&](const ActionOutcome &out) {
        const QJsonObject entry = record();
        if (json) {
            ctx.out << QJsonDocument(entry).toJson(QJsonDocument::Indented);
        } else {
            ctx.out << actionName(runner.request().kind) << " " << ActionOutcome::resultName(out.result) << ": " << out.summary << "\n";
            if (out.requestMs >= 0)
                ctx.out << "  REST call " << ms(out.requestMs)
                        << (out.timeToNewLeaderMs >= 0 ? QStringLiteral(" · new leader after ") + ms(out.timeToNewLeaderMs) : QString())
                        << " · converged after " << ms(out.convergedMs) << "\n";
            if (out.writeGapMs >= 0)
                ctx.out << "  write gap through the read-write entry point " << ms(out.writeGapMs) << " (" << out.writesAcknowledged
                        << " writes acknowledged, " << out.writesFailed << " failed)\n";
            ctx.out << "  journal: " << journal.path() << "\n";
        }
        ctx.out.flush();
        QCoreApplication::exit(out.ok() ? Ok : Failed);
    });

    freshRead.start(*timeoutMs);
    withSecurity(ctx, http, profile.value(), *timeoutMs, [&](const ProfilePasswords &) {
        securityReady = true;
        freshRead.start(*timeoutMs);   // anew: a password typed at the prompt took its own time
        runner.prepare(request.value());
    });
    exitCode = QCoreApplication::exec();
    return exitCode;
}

Result<QStringList> members(const QStringList &positional, bool all, const QString &what)
{
    if (all)
        return QStringList{};
    if (positional.isEmpty())
        return makeError(QStringLiteral("name the member to %1 (or --all)").arg(what));
    return positional;
}

int runConfigShow(CliContext &ctx, const QStringList &args)
{
    Options o(QStringLiteral("Show Patroni's dynamic configuration (GET /config)."));
    o.parser.process(args);
    const auto timeoutMs = timeoutMsFrom(o.parser, ctx);
    if (!timeoutMs)
        return Usage;
    auto profile = resolveProfile(o.parser.value(QStringLiteral("profile")), LabConfig::defaultLabDir());
    if (!profile) {
        ctx.err << "pgha: " << profile.error().toString() << "\n";
        return Failed;
    }
    HttpClient http;
    const ActionTarget target = actionTargetFor(profile.value());
    int code = Failed;
    QTimer deadline;
    deadline.setSingleShot(true);
    bool securityReady = false;
    QObject::connect(&deadline, &QTimer::timeout, [&] {
        ctx.err << "pgha: " << freshReadTimeout(target, securityReady, *timeoutMs, QStringLiteral("GET /config")) << "\n";
        QCoreApplication::exit(Failed);
    });
    deadline.start(*timeoutMs);
    withSecurity(ctx, http, profile.value(), *timeoutMs, [&](const ProfilePasswords &) {
        securityReady = true;
        deadline.start(*timeoutMs);
        auto tryApi = std::make_shared<std::function<void(int)>>();
        *tryApi = [&, tryApi](int i) {
            if (i >= target.apis.size()) {
                ctx.err << "pgha: no Patroni REST API answered GET /config — check that Patroni runs\n";
                QCoreApplication::exit(Failed);
                return;
            }
            PatroniClient(&http).config(target.apis[i], ActionRunner::kRestTimeoutMs, &http,
                                        [&, tryApi, i](const PatroniReply<PatroniDynamicConfig> &reply) {
                if (!deadline.isActive())
                    return;   // the deadline already ended the command
                const auto &config = reply.result;
                if (!config) {
                    (*tryApi)(i + 1);
                    return;
                }
                if (o.parser.isSet(QStringLiteral("json"))) {
                    ctx.out << QJsonDocument(config.value().raw).toJson(QJsonDocument::Indented);
                } else {
                    const auto &c = config.value();
                    QString preset;
                    if (c.ttl && c.loopWait && c.retryTimeout)
                        preset = LabTimings::presetMatching(*c.ttl, *c.loopWait, *c.retryTimeout);
                    ctx.out << "from " << target.apis[i].name << " · " << c.describeTimings()
                            << (preset.isEmpty() ? QString() : QStringLiteral(" (preset %1)").arg(preset)) << "\n";
                    for (const auto &ch : diffConfig(QJsonObject{}, c.raw))
                        ctx.out << "  " << padRight(ch.key, 40) << describeValue(ch.after) << "\n";
                    for (const auto &e : checkConfig(c.raw).errors)
                        ctx.out << "  problem: " << e << "\n";
                }
                ctx.out.flush();
                QCoreApplication::exit(Ok);
            });
        };
        (*tryApi)(0);
    });
    code = QCoreApplication::exec();
    return code;
}

int runJournal(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("The operator journal: show it, or export it as JSONL."));
    p.addHelpOption();
    p.addOption({QStringLiteral("journal"), QStringLiteral("Journal file."), QStringLiteral("file")});
    p.addPositionalArgument(QStringLiteral("show|export"), QStringLiteral("show (default) or export FILE"));
    p.process(args);
    const Journal journal(p.isSet(QStringLiteral("journal")) ? p.value(QStringLiteral("journal")) : Journal::defaultPath());
    const QStringList pos = p.positionalArguments();
    if (pos.value(0) == u"export") {
        if (pos.size() < 2) {
            ctx.err << "pgha: journal export needs a FILE\n";
            return Usage;
        }
        if (auto r = journal.exportTo(pos[1]); !r) {
            ctx.err << "pgha: " << r.error().toString() << "\n";
            return Failed;
        }
        ctx.out << "exported to " << pos[1] << "\n";
        return Ok;
    }
    int damaged = 0;
    auto entries = journal.read(&damaged);
    if (!entries) {
        ctx.err << "pgha: " << entries.error().toString() << "\n";
        return Failed;
    }
    for (const auto &e : entries.value()) {
        const auto out = e.value(u"outcome").toObject();
        ctx.out << e.value(u"time").toString() << "  " << padRight(e.value(u"profile").toString(), 10) << padRight(e.value(u"action").toString(), 18)
                << padRight(out.value(u"result").toString(), 10) << out.value(u"summary").toString() << "\n";
    }
    if (damaged)
        ctx.err << "pgha: " << damaged << " damaged line(s) in " << journal.path() << " skipped\n";
    return Ok;
}

} // namespace

int runActionCommand(CliContext &ctx, const QString &command, const QStringList &args)
{
    if (command == u"switchover") {
        Options o(QStringLiteral("Hand the leader role to another member (POST /switchover), now or at a time; --cancel removes a scheduled one."));
        o.parser.addOptions({{QStringLiteral("candidate"), QStringLiteral("Member to lead (default: Patroni picks)."), QStringLiteral("name")},
                             {QStringLiteral("at"), QStringLiteral("When (ISO 8601 or HH:MM)."), QStringLiteral("time")},
                             {QStringLiteral("cancel"), QStringLiteral("Cancel the scheduled switchover.")}});
        return runAction(ctx, o, args, [&](const QStringList &) -> Result<ActionRequest> {
            ActionRequest r;
            if (o.parser.isSet(QStringLiteral("cancel"))) {
                r.kind = ActionKind::CancelSwitchover;
                return r;
            }
            r.kind = ActionKind::Switchover;
            r.candidate = o.parser.value(QStringLiteral("candidate"));
            return withSchedule(o.parser, r);
        });
    }
    if (command == u"failover") {
        Options o(QStringLiteral("Promote a member when the cluster has no healthy leader (POST /failover)."));
        o.parser.addOption({QStringLiteral("candidate"), QStringLiteral("Member to promote (required)."), QStringLiteral("name")});
        return runAction(ctx, o, args, [&](const QStringList &) -> Result<ActionRequest> {
            if (!o.parser.isSet(QStringLiteral("candidate")))
                return makeError(QStringLiteral("failover needs --candidate NAME"));
            ActionRequest r;
            r.kind = ActionKind::Failover;
            r.candidate = o.parser.value(QStringLiteral("candidate"));
            return r;
        });
    }
    if (command == u"restart") {
        Options o(QStringLiteral("Restart PostgreSQL on a member or on all (POST /restart); --cancel removes a scheduled restart."));
        o.parser.addPositionalArgument(QStringLiteral("member"), QStringLiteral("Member(s) to restart."));
        o.parser.addOptions({{QStringLiteral("all"), QStringLiteral("Every member.")},
                             {QStringLiteral("pending"), QStringLiteral("Only members with a pending restart.")},
                             {QStringLiteral("at"), QStringLiteral("When (ISO 8601 or HH:MM)."), QStringLiteral("time")},
                             {QStringLiteral("cancel"), QStringLiteral("Cancel scheduled restarts.")}});
        return runAction(ctx, o, args, [&](const QStringList &pos) -> Result<ActionRequest> {
            auto m = members(pos, o.parser.isSet(QStringLiteral("all")), QStringLiteral("restart"));
            if (!m)
                return m.error();
            ActionRequest r;
            r.kind = o.parser.isSet(QStringLiteral("cancel")) ? ActionKind::CancelRestart : ActionKind::Restart;
            r.members = m.value();
            r.pendingOnly = o.parser.isSet(QStringLiteral("pending"));
            return withSchedule(o.parser, r);
        });
    }
    if (command == u"reinit") {
        Options o(QStringLiteral("Rebuild a replica from the leader (POST /reinitialize): its data directory is wiped."));
        o.parser.addPositionalArgument(QStringLiteral("member"), QStringLiteral("The replica."));
        return runAction(ctx, o, args, [](const QStringList &pos) -> Result<ActionRequest> {
            if (pos.size() != 1)
                return makeError(QStringLiteral("reinit needs exactly one MEMBER"));
            ActionRequest r;
            r.kind = ActionKind::Reinit;
            r.members = pos;
            return r;
        });
    }
    if (command == u"reload" || command == u"pause" || command == u"resume") {
        Options o(command == u"reload" ? QStringLiteral("Reload Patroni's and PostgreSQL's configuration (POST /reload) on every member, or the named ones.")
                  : command == u"pause" ? QStringLiteral("Maintenance mode: Patroni stops managing PostgreSQL (no automatic failover).")
                                        : QStringLiteral("Leave maintenance mode."));
        if (command == u"reload")
            o.parser.addPositionalArgument(QStringLiteral("member"), QStringLiteral("Member(s) (default: all)."));
        return runAction(ctx, o, args, [&](const QStringList &pos) -> Result<ActionRequest> {
            ActionRequest r;
            r.kind = command == u"reload" ? ActionKind::Reload : command == u"pause" ? ActionKind::Pause : ActionKind::Resume;
            if (command == u"reload")
                r.members = pos;
            return r;
        });
    }
    if (command == u"config") {
        const QString sub = args.value(1);
        if (sub == u"show" || sub.isEmpty() || sub.startsWith(u"--"))
            return runConfigShow(ctx, sub == u"show" ? QStringList{args.front()} + args.mid(2) : args);
        if (sub != u"set") {
            ctx.err << "pgha: config show | config set KEY=VALUE…\n";
            return Usage;
        }
        Options o(QStringLiteral("Change Patroni's dynamic configuration (PATCH /config) after a diff and validation."));
        o.parser.addPositionalArgument(QStringLiteral("KEY=VALUE"), QStringLiteral("ttl=20, synchronous_mode=on, postgresql.parameters.work_mem=8MB, KEY=null removes"));
        return runAction(ctx, o, QStringList{args.front()} + args.mid(2), [](const QStringList &pos) -> Result<ActionRequest> {
            if (pos.isEmpty())
                return makeError(QStringLiteral("config set needs KEY=VALUE"));
            ActionRequest r;
            r.kind = ActionKind::ConfigPatch;
            for (const auto &a : pos)
                if (auto ok = addAssignment(r.configPatch, a); !ok)
                    return ok.error();
            return r;
        });
    }
    if (command == u"journal")
        return runJournal(ctx, args);
    return Usage;
}

// Sets the HTTP client's credentials and TLS trust for the profile, reading the REST password
// from the lab's state file or the keychain (or asking on a terminal, or reading the first line
// of stdin when it is a pipe, within `timeoutMs`); then calls `ready` with the passwords found.
void withSecurity(CliContext &ctx, svc::HttpClient &http, const svc::Profile &profile, int timeoutMs,
                  std::function<void(const svc::ProfilePasswords &)> ready)
{
    auto apply = [&http, profile, ready](const ProfilePasswords &pw) {
        for (const auto &o : httpSecurityForProfile(profile, pw))
            http.setSecurity(o.origin, o.security);
        http.setDefaultSecurity(patroniTlsDefault(profile));
        ready(pw);
    };
    if (!profile.isBuiltInLab())
        for (const QString &w : plainHttpCredentialWarnings(profile))
            ctx.err << "pgha: " << w << "\n";
    auto *store = new KeychainSecretStore(&http);
    resolveCredentials(store, profile, &http, [&ctx, apply, profile, timeoutMs](const ProfileSecretsRead &r) {
        ProfilePasswords pw = r.passwords;
        for (const QString &f : r.failed)
            ctx.err << "pgha: " << f << "\n";
        // The one password actions need: the Patroni REST API's, asked for once when the keychain
        // has none for any member (the same user everywhere).
        const bool needPatroni = !profile.patroniRest.username.isEmpty() && pw.patroniRest.isEmpty();
        if (needPatroni) {
            QString typed;
            if (stdinIsTerminal()) {
                ctx.out << "Patroni REST password for " << profile.patroniRest.username << " (not in the keychain for this "
                        << "profile file and these hosts): " << Qt::flush;
                typed = readSecretLine();
            } else {
                bool got = false;
                typed = readSecretLine(&got, timeoutMs);
                if (!got || typed.isEmpty())
                    ctx.err << "pgha: no Patroni REST password for " << profile.patroniRest.username << " in the keychain ("
                            << r.missing.join(QStringLiteral("; ")) << "), and stdin (not a terminal) gave no line within "
                            << timeoutMs / 1000
                            << " s — store it with the console's profile editor, or pipe it in; unsafe REST calls will get 401\n";
            }
            if (!typed.isEmpty())
                fillPurpose(pw, profile, QString::fromLatin1(kPatroniRestSecret), typed);
        }
        apply(pw);
    });
}


} // namespace pgha::cli

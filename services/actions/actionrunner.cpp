#include "actionrunner.h"

#include "actions/configpatch.h"
#include "core/logging.h"
#include "pg/writeprobe.h"


#include <memory>

namespace pgha::svc {

namespace {

constexpr int kFollowSwitchoverMs = 90000;
constexpr int kFollowRestartMs = 180000;
constexpr int kFollowReinitMs = 600000;
constexpr int kFollowOtherMs = 30000;

QString seconds(qint64 ms)
{
    return QStringLiteral("%1 s").arg(double(ms) / 1000.0, 0, 'f', 2);
}

QString bodyText(const HttpResult &r)
{
    return QString::fromUtf8(r.body).trimmed().left(300);
}

// Every replica follows `leader` on its timeline.
bool replicasFollow(const ClusterSnapshot &c, const PatroniMember &leader, QStringList *lagging)
{
    bool all = true;
    for (const auto &m : c.members) {
        if (m.name == leader.name)
            continue;
        const bool ok = m.state == u"streaming" || (m.state == u"running" && m.lag.kind == MemberLag::Kind::Bytes);
        const bool sameTl = !leader.timeline || !m.timeline || *m.timeline == *leader.timeline;
        if (!ok || !sameTl) {
            all = false;
            if (lagging)
                lagging->append(QStringLiteral("%1 (%2%3)").arg(m.name, m.state,
                                                                 m.timeline ? QStringLiteral(", timeline %1").arg(*m.timeline) : QString()));
        }
    }
    return all;
}

} // namespace

ActionRunner::ActionRunner(HttpClient *http, ActionTarget target, QObject *parent)
    : QObject(parent), m_patroni(http), m_target(std::move(target))
{
    m_followTimer.setInterval(kPollIntervalMs);
    connect(&m_followTimer, &QTimer::timeout, this, &ActionRunner::follow);
    m_warmup.setSingleShot(true);
    connect(&m_warmup, &QTimer::timeout, this, &ActionRunner::beginOnce);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        QStringList open;
        for (const auto &s : m_steps)
            if (s.state == ActionStep::State::Pending || s.state == ActionStep::State::Running)
                open << s.title;
        finish(ActionOutcome::Result::TimedOut, QStringLiteral("the cluster did not converge within %1 (still open: %2)")
                                                    .arg(seconds(followDeadlineMs()), open.join(QStringLiteral("; "))));
    });
}

ActionRunner::~ActionRunner()
{
    if (m_probe)
        m_probe->stop();
}

QString ActionRunner::who(const QString &member) const
{
    return member.isEmpty() ? QStringLiteral("the REST API") : member + QStringLiteral("'s REST API");
}

void ActionRunner::fetchCluster(std::function<void(std::optional<ClusterSnapshot>, QString)> done, int attempt)
{
    if (m_target.apis.isEmpty()) {
        done(std::nullopt, QStringLiteral("no Patroni REST API in the profile"));
        return;
    }
    const int index = (m_preferredApi + attempt) % int(m_target.apis.size());
    m_patroni.cluster(m_target.apis[index], kRestTimeoutMs, this,
                      [this, done, attempt, index](const PatroniReply<ClusterSnapshot> &reply) {
        const HttpResult &r = reply.http;
        QString why = r.transportOk() ? QStringLiteral("HTTP %1 from %2").arg(r.status).arg(r.url.toString()) : r.error;
        if (reply.ok()) {
            m_preferredApi = index;
            done(reply.result.value(), {});
            return;
        }
        if (r.isSuccess())
            why = QStringLiteral("%1 answered, but: %2").arg(r.url.toString(), reply.result.error().toString());
        if (attempt + 1 < m_target.apis.size()) {
            fetchCluster(done, attempt + 1);
            return;
        }
        done(std::nullopt, why);
    });
}

void ActionRunner::fetchConfig(std::function<void(std::optional<PatroniDynamicConfig>)> done, int attempt)
{
    const int index = (m_preferredApi + attempt) % int(m_target.apis.size());
    m_patroni.config(m_target.apis[index], kRestTimeoutMs, this,
                     [this, done, attempt](const PatroniReply<PatroniDynamicConfig> &reply) {
        if (reply.ok()) {
            done(reply.result.value());
            return;
        }
        if (attempt + 1 < m_target.apis.size())
            fetchConfig(done, attempt + 1);
        else
            done(std::nullopt);
    });
}

void ActionRunner::fetchMember(const QString &member, std::function<void(std::optional<MemberProbe>)> done)
{
    for (const auto &a : m_target.apis)
        if (a.name == member) {
            m_patroni.member(a, kRestTimeoutMs, this, [done](const PatroniReply<PatroniNodeStatus> &reply) {
                if (!reply.ok()) {
                    done(std::nullopt);
                    return;
                }
                done(MemberProbe{reply.result.value().postmasterStartTime, reply.result.value().state});
            });
            return;
        }
    done(std::nullopt);
}

void ActionRunner::readFresh(const ActionRequest &request, std::function<void(const QString &error)> done)
{
    m_request = request;
    const quint64 generation = ++m_readGeneration;
    fetchCluster([this, generation, done](std::optional<ClusterSnapshot> c, QString error) {
        if (generation != m_readGeneration)
            return;
        if (!c) {
            done(QStringLiteral("could not read the cluster from any Patroni REST API: %1 — check that Patroni "
                                "runs and the profile's patroni: URLs")
                     .arg(error));
            return;
        }
        m_before = *c;
        fetchConfig([this, generation, done](std::optional<PatroniDynamicConfig> config) {
            if (generation != m_readGeneration)
                return;
            m_config = config;
            m_request = completeRequest(m_request, m_before);
            PreflightContext ctx{m_before, m_config, m_target.clusterName, m_target.production, m_target.actionsEnabled};
            m_preflight = runPreflight(m_request, ctx);
            done({});
        });
    });
}

void ActionRunner::prepare(const ActionRequest &request)
{
    readFresh(request, [this](const QString &error) {
        if (error.isEmpty())
            emit prepared(m_preflight);
        else
            emit prepareFailed(error);
    });
}

void ActionRunner::sendConfirmed(const ActionRequest &request)
{
    // What the operator saw: the last verdict and the calls it would have sent.
    const Preflight confirmed = m_preflight;
    const auto confirmedCalls = buildCalls(m_request, m_before, m_target.apis);
    readFresh(request, [this, confirmed, confirmedCalls](const QString &error) {
        if (!error.isEmpty()) {
            refuse(QStringLiteral("the cluster could not be read right before sending, so what was confirmed could "
                                  "not be checked (%1)").arg(error));
            return;
        }
        const auto freshCalls = buildCalls(m_request, m_before, m_target.apis);
        const QStringList changes = newRequirements(confirmed, m_preflight, confirmedCalls ? confirmedCalls.value() : QList<PatroniCall>{},
                                                    freshCalls ? freshCalls.value() : QList<PatroniCall>{});
        if (!changes.isEmpty()) {
            emit confirmationOutdated(m_preflight, changes);
            return;
        }
        execute();
    });
}

void ActionRunner::refuse(const QString &why)
{
    m_startedAt = QDateTime::currentDateTimeUtc();
    m_outcome.steps = m_steps;
    finish(ActionOutcome::Result::Refused, QStringLiteral("not sent: %1").arg(why));
}

bool ActionRunner::needsProbe() const
{
    switch (m_request.kind) {
    case ActionKind::Switchover:
    case ActionKind::Failover:
    case ActionKind::Restart:
        return !m_request.isScheduled() && m_target.readWrite.has_value();
    default:
        return false;
    }
}

int ActionRunner::followDeadlineMs() const
{
    switch (m_request.kind) {
    case ActionKind::Switchover:
    case ActionKind::Failover: return m_request.isScheduled() ? kFollowOtherMs : kFollowSwitchoverMs;
    case ActionKind::Restart: return m_request.isScheduled() ? kFollowOtherMs : kFollowRestartMs * int(std::max<qsizetype>(1, m_calls.size()));
    case ActionKind::Reinit: return kFollowReinitMs;
    default: return kFollowOtherMs;
    }
}

void ActionRunner::execute(bool overrideBlockers)
{
    m_startedAt = QDateTime::currentDateTimeUtc();
    if (!m_preflight.allowed && !overrideBlockers) {
        refuse(m_preflight.blockers.join(QStringLiteral("; ")));
        return;
    }
    auto calls = buildCalls(m_request, m_before, m_target.apis);
    if (!calls) {
        finish(ActionOutcome::Result::Refused, calls.error().toString());
        return;
    }
    m_calls = calls.value();

    // Restart and reinit are verified by the postmaster's start time changing: read it first.
    auto afterMembers = [this] {
        if (!needsProbe()) {
            begin();
            return;
        }
        m_probe = new WriteProbe(*m_target.readWrite, this);
        connect(m_probe, &WriteProbe::acknowledged, this, &ActionRunner::beginOnce);
        m_probe->start();
        m_warmup.start(kProbeWarmupMs);
    };
    const bool verifyStart = (m_request.kind == ActionKind::Restart || m_request.kind == ActionKind::Reinit) && !m_request.isScheduled();
    if (!verifyStart) {
        afterMembers();
        return;
    }
    auto pending = std::make_shared<int>(int(m_calls.size()));
    for (const auto &call : m_calls)
        fetchMember(call.member, [this, member = call.member, pending, afterMembers](std::optional<MemberProbe> p) {
            if (p)
                m_memberBefore.insert(member, *p);
            if (--*pending == 0)
                afterMembers();
        });
}

int ActionRunner::addStep(const QString &title)
{
    m_steps.append({title, ActionStep::State::Pending, {}, -1});
    return int(m_steps.size()) - 1;
}

void ActionRunner::setStep(int index, ActionStep::State state, const QString &detail)
{
    if (index < 0 || index >= m_steps.size())
        return;
    auto &s = m_steps[index];
    if (s.state == state && s.detail == detail)
        return;
    s.state = state;
    // A finished step keeps its own words, not the last "waiting for …".
    if (!detail.isEmpty() || state != ActionStep::State::Running)
        s.detail = detail;
    if (state == ActionStep::State::Done || state == ActionStep::State::Failed || state == ActionStep::State::Skipped)
        s.elapsedMs = sinceSendMs();
    emit stepsChanged(m_steps);
}

// The request goes out at the probe's first acknowledged write, or after the warm-up when the
// probe cannot write (then the write gap is not measured, and the outcome says why).
void ActionRunner::beginOnce()
{
    if (m_begun)
        return;
    m_begun = true;
    m_warmup.stop();
    begin();
}

void ActionRunner::begin()
{
    const auto &r = m_request;
    const QString verbs = [&] {
        QStringList v;
        for (const auto &c : m_calls)
            v << QStringLiteral("%1 %2 to %3").arg(QString::fromLatin1(c.verb), c.url.path(), c.member);
        return v.join(QStringLiteral(", "));
    }();
    if (m_probe && m_probe->acknowledgedCount() == 0)
        m_outcome.summary = QStringLiteral("write probe could not write before the action: %1").arg(m_probe->lastError());
    m_stepSend = addStep(QStringLiteral("Send %1").arg(verbs));
    switch (r.kind) {
    case ActionKind::Switchover:
    case ActionKind::Failover:
        if (r.isScheduled()) {
            m_stepVerify = addStep(QStringLiteral("Scheduled switchover appears in /cluster"));
            break;
        }
        m_stepLeader = addStep(r.candidate.isEmpty() ? QStringLiteral("A new leader holds the leader key")
                                                     : QStringLiteral("%1 holds the leader key").arg(r.candidate));
        if (m_probe)
            m_stepWrites = addStep(QStringLiteral("Writes are acknowledged through %1:%2")
                                       .arg(m_target.readWrite->host).arg(m_target.readWrite->port));
        m_stepReplicas = addStep(QStringLiteral("Every replica streams from the new leader on its timeline"));
        break;
    case ActionKind::Restart:
        m_stepVerify = addStep(r.isScheduled() ? QStringLiteral("Scheduled restart appears in /cluster")
                                               : QStringLiteral("PostgreSQL restarted on every target (new postmaster start time)"));
        if (!r.isScheduled())
            m_stepReplicas = addStep(QStringLiteral("Every replica streams again"));
        break;
    case ActionKind::Reinit:
        m_stepVerify = addStep(QStringLiteral("%1 rebuilt and running (new postmaster start time)").arg(r.members.join(QStringLiteral(", "))));
        m_stepReplicas = addStep(QStringLiteral("%1 streams from the leader").arg(r.members.join(QStringLiteral(", "))));
        break;
    case ActionKind::Pause:
    case ActionKind::Resume:
        m_stepVerify = addStep(r.kind == ActionKind::Pause ? QStringLiteral("/cluster reports the cluster paused")
                                                           : QStringLiteral("/cluster reports the cluster managed again"));
        break;
    case ActionKind::ConfigPatch:
        m_stepVerify = addStep(QStringLiteral("GET /config shows the new values"));
        break;
    case ActionKind::CancelSwitchover:
        m_stepVerify = addStep(QStringLiteral("No switchover scheduled in /cluster"));
        break;
    case ActionKind::CancelRestart:
        m_stepVerify = addStep(QStringLiteral("No restart scheduled on the targets in /cluster"));
        break;
    case ActionKind::Reload:
        m_stepVerify = addStep(QStringLiteral("Members read back (pending restarts)"));
        break;
    }
    emit stepsChanged(m_steps);
    m_sendClock.start();
    if (m_probe)
        m_probeSendMs = m_probe->nowMs();
    m_deadline.start(followDeadlineMs());
    setStep(m_stepSend, ActionStep::State::Running);
    // Switchover and failover: Patroni answers only when it is over, so follow meanwhile.
    if (r.kind == ActionKind::Switchover || r.kind == ActionKind::Failover)
        m_followTimer.start();
    sendNextCall();
}

void ActionRunner::sendNextCall()
{
    if (m_done)
        return;
    if (m_nextCall >= m_calls.size()) {
        m_callsDone = true;
        if (m_steps.value(m_stepSend).state == ActionStep::State::Running)
            setStep(m_stepSend, ActionStep::State::Done, m_sendNote);
        if (!m_followTimer.isActive())
            m_followTimer.start();
        follow();
        return;
    }
    const PatroniCall call = m_calls[m_nextCall++];
    const bool blocking = !m_request.isScheduled()
                          && (m_request.kind == ActionKind::Switchover || m_request.kind == ActionKind::Failover
                              || m_request.kind == ActionKind::Restart);
    qCDebug(lcActions) << "sending" << call.verb << call.url.toString();
    m_patroni.send(call.member, PatroniRequest{call.verb, call.url, call.body},
                   blocking ? kBlockingCallTimeoutMs : kRestTimeoutMs, this,
                   [this, call](const PatroniReply<PatroniAnswer> &reply) { onCallDone(call, reply.http); });
}

void ActionRunner::onCallDone(const PatroniCall &call, const HttpResult &r)
{
    if (m_done)
        return;
    m_responses.append(r);
    m_outcome.httpStatus = r.status;
    m_outcome.httpBody = bodyText(r);
    if (m_outcome.requestMs < 0)
        m_outcome.requestMs = r.elapsedMs;
    else
        m_outcome.requestMs += r.elapsedMs;
    const QString body = bodyText(r);
    const auto kind = m_request.kind;
    const bool leaderChange = kind == ActionKind::Switchover || kind == ActionKind::Failover;

    if (!r.transportOk()) {
        // Nothing reached Patroni (refused, unreachable), or the call is one Patroni may get twice
        // (PATCH /config, DELETE /switchover) — a member killed that instant accepts the
        // connection and closes it unanswered: another member's API serves a cluster-wide call.
        const bool nothingSent = r.failure == HttpResult::Failure::Refused || r.failure == HttpResult::Failure::Unreachable;
        const bool repeatable = !leaderChange;
        m_unanswered.insert(call.member);
        if (nothingSent || repeatable)
            if (const auto next = fallbackCall(kind, call, m_before, m_target.apis, m_unanswered)) {
                m_sendNote += QStringLiteral("%1 did not answer (%2); sent to %3 instead. ")
                                      .arg(who(call.member), r.error, who(next->member));
                m_calls.insert(m_nextCall, *next);
                setStep(m_stepSend, ActionStep::State::Running, m_sendNote.trimmed());
                sendNextCall();
                return;
            }
        if (leaderChange && !m_request.isScheduled()) {
            // The call may have reached Patroni: the cluster tells what happened.
            m_ambiguous = true;
            setStep(m_stepSend, ActionStep::State::Done,
                    QStringLiteral("no answer from %1 (%2); following the cluster for the real outcome").arg(who(call.member), r.error));
            sendNextCall();
            return;
        }
        finish(ActionOutcome::Result::Failed, QStringLiteral("%1 failed: %2 — check that %3 is reachable")
                                                  .arg(QString::fromLatin1(call.verb) + QLatin1Char(' ') + call.url.path(), r.error, who(call.member)));
        return;
    }
    if (r.status == 401 || r.status == 403) {
        finish(ActionOutcome::Result::Failed,
               QStringLiteral("%1 from %2 — check the Patroni REST credentials (user and password) of the profile")
                   .arg(r.status).arg(who(call.member)));
        return;
    }
    if (leaderChange) {
        if (r.status == 200 || r.status == 202) {
            setStep(m_stepSend, ActionStep::State::Done, m_sendNote + QStringLiteral("%1 %2").arg(r.status).arg(body));
        } else if (r.status == 503) {
            // "status unknown" (Patroni stopped waiting) and even "failed" (the failover key is
            // gone) say nothing certain about who leads: the cluster decides.
            m_ambiguous = true;
            m_patroniAnswer = QStringLiteral("503 \"%1\"").arg(body);
            setStep(m_stepSend, ActionStep::State::Done,
                    QStringLiteral("%1: following the cluster for the real outcome").arg(m_patroniAnswer));
        } else {
            setStep(m_stepSend, ActionStep::State::Failed, QStringLiteral("%1 %2").arg(r.status).arg(body));
            finish(r.status == 503 ? ActionOutcome::Result::Failed : ActionOutcome::Result::Refused,
                   QStringLiteral("Patroni answered %1: %2").arg(r.status).arg(body));
            return;
        }
    } else if (kind == ActionKind::Restart && r.status == 503 && body.contains(u"conditions are not satisfied")) {
        m_skipped.insert(call.member, QStringLiteral("no pending restart"));
    } else if ((kind == ActionKind::CancelRestart || kind == ActionKind::CancelSwitchover) && r.status == 404) {
        m_skipped.insert(call.member, body);
    } else if (kind == ActionKind::ConfigPatch && r.status == 409) {
        finish(ActionOutcome::Result::Failed, QStringLiteral("409: the configuration changed in the DCS meanwhile — read it again and retry"));
        return;
    } else if (r.status < 200 || r.status >= 300) {
        setStep(m_stepSend, ActionStep::State::Failed, QStringLiteral("%1 %2").arg(r.status).arg(body));
        finish(r.status >= 500 ? ActionOutcome::Result::Failed : ActionOutcome::Result::Refused,
               QStringLiteral("%1 answered %2: %3").arg(who(call.member)).arg(r.status).arg(body));
        return;
    }
    sendNextCall();
}

void ActionRunner::follow()
{
    if (m_done || m_fetching)
        return;
    m_fetching = true;
    fetchCluster([this](std::optional<ClusterSnapshot> c, QString) {
        m_fetching = false;
        if (c && !m_done)
            onFollowSnapshot(*c);
    });
}

void ActionRunner::onFollowSnapshot(const ClusterSnapshot &c)
{
    m_after = c;
    const auto &r = m_request;
    const auto *leader = c.leader();
    if (leader) {
        m_outcome.newLeader = leader->name;
        m_outcome.newTimeline = leader->timeline.value_or(-1);
    }

    switch (r.kind) {
    case ActionKind::Switchover:
    case ActionKind::Failover: {
        if (r.isScheduled()) {
            if (m_callsDone && c.scheduledSwitchover) {
                setStep(m_stepVerify, ActionStep::State::Done, QStringLiteral("at %1").arg(c.scheduledSwitchover->at));
                finish(ActionOutcome::Result::Succeeded, QStringLiteral("switchover scheduled at %1 (cancel with pgha switchover --cancel)")
                                                             .arg(c.scheduledSwitchover->at));
            }
            return;
        }
        const QString oldLeader = m_before.leader() ? m_before.leader()->name : QString();
        const bool newLeader = leader && leader->name != oldLeader && leader->isRunning();
        if (newLeader && m_outcome.timeToNewLeaderMs < 0) {
            m_outcome.timeToNewLeaderMs = sinceSendMs();
            setStep(m_stepLeader, ActionStep::State::Done, QStringLiteral("%1 holds the leader key").arg(leader->name));
        }
        if (m_probe && newLeader && m_steps[m_stepWrites].state != ActionStep::State::Done
            && m_probe->lastAckMs() > m_probeSendMs + m_outcome.timeToNewLeaderMs - kPollIntervalMs) {
            setStep(m_stepWrites, ActionStep::State::Done,
                    QStringLiteral("write gap %1").arg(seconds(m_probe->longestGapMs(m_probeSendMs))));
        }
        QStringList lagging;
        // Converged only on a new timeline: /cluster shows the promoted leader's old timeline for a moment.
        qint64 oldTimeline = -1;
        for (const auto &m : m_before.members)
            oldTimeline = std::max(oldTimeline, m.timeline.value_or(-1));
        const bool promoted = newLeader && (!leader->timeline || *leader->timeline > oldTimeline);
        if (newLeader && !promoted)
            lagging << QStringLiteral("%1 to report timeline %2").arg(leader->name).arg(oldTimeline + 1);
        if (promoted && replicasFollow(c, *leader, &lagging))
            setStep(m_stepReplicas, ActionStep::State::Done);
        else if (newLeader)
            setStep(m_stepReplicas, ActionStep::State::Running, QStringLiteral("waiting for %1").arg(lagging.join(QStringLiteral(", "))));
        const bool writesOk = !m_probe || m_steps[m_stepWrites].state == ActionStep::State::Done;
        if (newLeader && writesOk && m_steps[m_stepReplicas].state == ActionStep::State::Done && m_callsDone) {
            QString summary = QStringLiteral("%1 is the leader on timeline %2; new leader after %3")
                                  .arg(leader->name).arg(leader->timeline.value_or(0)).arg(seconds(m_outcome.timeToNewLeaderMs));
            if (!r.candidate.isEmpty() && leader->name != r.candidate)
                summary += QStringLiteral(" (Patroni chose it instead of %1)").arg(r.candidate);
            if (m_ambiguous)
                summary += QStringLiteral("; Patroni's own answer (%1) was ambiguous, the cluster shows it succeeded").arg(m_patroniAnswer);
            finish(ActionOutcome::Result::Succeeded, summary);
            return;
        }
        // After an ambiguous answer, the old leader still leading for a while is the real outcome.
        const bool oldStillLeads = leader && leader->name == oldLeader && leader->isRunning();
        if (m_ambiguous && m_callsDone && oldStillLeads) {
            if (m_unchangedSinceMs < 0)
                m_unchangedSinceMs = sinceSendMs();
            if (sinceSendMs() - m_unchangedSinceMs >= kConfirmUnchangedMs)
                finish(ActionOutcome::Result::Failed, QStringLiteral("Patroni answered %1, and the cluster shows %2 still leads after %3")
                                                          .arg(m_patroniAnswer, oldLeader, seconds(kConfirmUnchangedMs)));
        } else {
            m_unchangedSinceMs = -1;
        }
        return;
    }
    case ActionKind::CancelSwitchover:
        if (!c.scheduledSwitchover) {
            setStep(m_stepVerify, ActionStep::State::Done);
            finish(ActionOutcome::Result::Succeeded, m_skipped.isEmpty() ? QStringLiteral("scheduled switchover cancelled")
                                                                         : QStringLiteral("nothing was scheduled"));
        }
        return;
    case ActionKind::Pause:
    case ActionKind::Resume:
        if (c.paused == (r.kind == ActionKind::Pause)) {
            setStep(m_stepVerify, ActionStep::State::Done);
            finish(ActionOutcome::Result::Succeeded, r.kind == ActionKind::Pause ? QStringLiteral("cluster paused: no automatic failover until resumed")
                                                                                  : QStringLiteral("cluster resumed: Patroni manages PostgreSQL again"));
        }
        return;
    case ActionKind::Reload: {
        QStringList pending;
        for (const auto &m : c.members)
            if (m.pendingRestart)
                pending << m.name;
        setStep(m_stepVerify, ActionStep::State::Done, pending.isEmpty() ? QStringLiteral("no member needs a restart")
                                                                          : QStringLiteral("pending restart: %1").arg(pending.join(QStringLiteral(", "))));
        finish(ActionOutcome::Result::Succeeded, pending.isEmpty() ? QStringLiteral("configuration reloaded")
                                                                   : QStringLiteral("configuration reloaded; %1 need a restart to apply it")
                                                                         .arg(pending.join(QStringLiteral(", "))));
        return;
    }
    case ActionKind::ConfigPatch:
        fetchConfig([this](std::optional<PatroniDynamicConfig> config) {
            if (m_done || !config)
                return;
            const auto remaining = diffConfig(config->raw, m_request.configPatch);
            if (remaining.isEmpty()) {
                setStep(m_stepVerify, ActionStep::State::Done);
                finish(ActionOutcome::Result::Succeeded, QStringLiteral("configuration changed in the DCS"));
            }
        });
        return;
    case ActionKind::CancelRestart: {
        bool any = false;
        for (const auto &call : m_calls)
            if (const auto *m = c.member(call.member); m && !m->scheduledRestart.isEmpty())
                any = true;
        if (!any) {
            setStep(m_stepVerify, ActionStep::State::Done);
            finish(ActionOutcome::Result::Succeeded, QStringLiteral("no restart scheduled on %1").arg(r.members.isEmpty() ? QStringLiteral("any member") : r.members.join(QStringLiteral(", "))));
        }
        return;
    }
    case ActionKind::Restart:
    case ActionKind::Reinit: {
        if (!m_callsDone)
            return;
        if (r.isScheduled()) {
            bool all = true;
            for (const auto &call : m_calls)
                if (const auto *m = c.member(call.member); !m || m->scheduledRestart.isEmpty())
                    all = false;
            if (all) {
                setStep(m_stepVerify, ActionStep::State::Done);
                finish(ActionOutcome::Result::Succeeded, QStringLiteral("restart scheduled at %1").arg(scheduleText(r.scheduledAt)));
            }
            return;
        }
        // Ask each target's /patroni for its postmaster start time.
        auto pending = std::make_shared<int>(0);
        auto restarted = std::make_shared<QStringList>();
        auto waiting = std::make_shared<QStringList>();
        QList<PatroniCall> targets;
        for (const auto &call : m_calls)
            if (!m_skipped.contains(call.member))
                targets.append(call);
        if (targets.isEmpty()) {
            setStep(m_stepVerify, ActionStep::State::Skipped, QStringLiteral("no member needed a restart"));
            setStep(m_stepReplicas, ActionStep::State::Skipped);
            finish(ActionOutcome::Result::Succeeded, QStringLiteral("nothing restarted: no target had a pending restart"));
            return;
        }
        *pending = int(targets.size());
        const ClusterSnapshot snap = c;
        for (const auto &call : targets)
            fetchMember(call.member, [this, member = call.member, pending, restarted, waiting, snap](std::optional<MemberProbe> p) {
                const auto before = m_memberBefore.value(member);
                const auto *m = snap.member(member);
                if (p && p->postmasterStart != before.postmasterStart && !p->postmasterStart.isEmpty() && p->state == u"running"
                    && m && m->isRunning())
                    restarted->append(member);
                else
                    waiting->append(member);
                if (--*pending > 0 || m_done)
                    return;
                if (!waiting->isEmpty()) {
                    setStep(m_stepVerify, ActionStep::State::Running, QStringLiteral("waiting for %1").arg(waiting->join(QStringLiteral(", "))));
                    return;
                }
                setStep(m_stepVerify, ActionStep::State::Done, restarted->join(QStringLiteral(", ")));
                const auto *snapLeader = snap.leader();
                QStringList lagging;
                if (!snapLeader || !replicasFollow(snap, *snapLeader, &lagging)) {
                    setStep(m_stepReplicas, ActionStep::State::Running, QStringLiteral("waiting for %1").arg(lagging.join(QStringLiteral(", "))));
                    return;
                }
                setStep(m_stepReplicas, ActionStep::State::Done);
                QString summary = QStringLiteral("%1 %2 after %3").arg(restarted->join(QStringLiteral(", ")),
                                                                     m_request.kind == ActionKind::Reinit ? QStringLiteral("rebuilt and streaming")
                                                                                                          : QStringLiteral("restarted"),
                                                                     seconds(sinceSendMs()));
                if (!m_skipped.isEmpty())
                    summary += QStringLiteral("; skipped %1 (no pending restart)").arg(QStringList(m_skipped.keys()).join(QStringLiteral(", ")));
                finish(ActionOutcome::Result::Succeeded, summary);
            });
        return;
    }
    }
}

void ActionRunner::finish(ActionOutcome::Result result, const QString &summary)
{
    if (m_done)
        return;
    m_done = true;
    m_followTimer.stop();
    m_deadline.stop();
    m_outcome.result = result;
    m_outcome.summary = m_outcome.summary.isEmpty() ? summary : summary + QStringLiteral(" (") + m_outcome.summary + QLatin1Char(')');
    if (m_sendClock.isValid())
        m_outcome.convergedMs = result == ActionOutcome::Result::Succeeded ? sinceSendMs() : -1;
    for (auto &s : m_steps)
        if (s.state == ActionStep::State::Pending || s.state == ActionStep::State::Running)
            s.state = result == ActionOutcome::Result::Succeeded ? ActionStep::State::Skipped : ActionStep::State::Failed;
    m_outcome.steps = m_steps;
    emit stepsChanged(m_steps);
    auto report = [this] {
        if (m_probe) {
            m_outcome.writeGapMs = m_probe->longestGapMs(m_probeSendMs);
            m_outcome.writesAcknowledged = m_probe->acknowledgedCount();
            m_outcome.writesFailed = m_probe->failedCount();
            m_probe->stop();
        }
        emit finished(m_outcome);
    };
    // Let the probe write once more after convergence, so the gap it saw is closed by an ack.
    if (m_probe && result == ActionOutcome::Result::Succeeded)
        QTimer::singleShot(kSettleAfterConvergeMs, this, report);
    else
        report();
}

void ActionRunner::abandon()
{
    finish(ActionOutcome::Result::Cancelled, QStringLiteral("stopped following; Patroni may still carry the action out"));
}

} // namespace pgha::svc

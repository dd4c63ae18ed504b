// While a fault runs: when it is over (a new leader took writes, or the hold ran out), every
// change the phase tracker and the probes saw as a line of the timeline, and the phases read
// off them at the end. The rest of the run is in chaosrunner.cpp.
#include "chaos/chaosrunner.h"

#include "chaos/measurement.h"

namespace pgha::svc {

void ChaosRunner::observe()
{
    const FaultKind kind = m_fault->kind;
    setStage(QStringLiteral("%1: following the cluster").arg(m_fault->title));
    const qint64 defaultHold = [&]() -> qint64 {
        switch (kind) {
        case FaultKind::LoseEtcdQuorum:
        case FaultKind::LoseEtcdQuorumFailsafe:
            // Long enough for Patroni to give up on etcd (or, with failsafe_mode, to prove it need not).
            return (m_report.ttl + m_report.loopWait) * 1000LL + 4000;
        case FaultKind::CrashHaproxy:
        case FaultKind::CrashPgbouncer:
            return 3000;
        default:
            return 5000;
        }
    }();
    const qint64 hold = m_options.holdMs > 0 ? m_options.holdMs : defaultHold;
    if (m_fault->expectsFailover && !m_report.paused) {
        // Done when a member other than the old leader holds the key and a write went through after it.
        const qint64 deadline = m_report.budgetMs.value_or(30000) * 2 + 5000;
        waitUntil(static_cast<int>(deadline), [this] {
            const auto *promoted = m_tracker->firstAfter(m_faultAtMs, [this](const PhaseTracker::Transition &t) {
                return t.source.endsWith(u" /primary") && t.value == u"200" && t.subject != m_report.oldLeader;
            });
            if (!promoted)
                return false;
            const auto *ack = m_write->firstAckFrom(promoted->atMs);
            return ack != nullptr;
        }, [this](bool ok) {
            if (!ok)
                addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("no new leader took writes before the deadline"));
            undo();
        });
        return;
    }
    if (kind == FaultKind::LoseEtcdQuorum && !m_report.paused) {
        // Undo 2 s after the primary stopped taking writes, or when the hold runs out.
        waitUntil(static_cast<int>(hold), [this] {
            return m_firstFailAfterFault >= 0 && clockMs() - m_firstFailAfterFault >= 2000;
        }, [this](bool) { undo(); });
        return;
    }
    const qint64 holdFor = m_fault->expectsFailover ? (m_report.ttl + m_report.loopWait) * 1000LL + 3000 : hold;
    waitUntil(static_cast<int>(holdFor), [] { return false; }, [this](bool) { undo(); });
}

void ChaosRunner::onTransition(const PhaseTracker::Transition &t)
{
    QString text;
    if (t.source == u"etcd leader key") {
        m_currentLeaderKey = t.value;
        text = t.value.isEmpty() ? QStringLiteral("leader key gone") : QStringLiteral("leader key held by %1").arg(t.value);
    } else if (t.source == u"etcd") {
        text = t.value == u"answers" ? QStringLiteral("etcd answers") : QStringLiteral("no etcd member answers (no quorum or all down)");
    } else if (t.source.endsWith(u" /primary")) {
        text = t.value == u"200" ? QStringLiteral("%1 answers 200 on /primary").arg(t.subject)
                                 : QStringLiteral("%1 /primary: %2").arg(t.subject, t.value);
    } else if (t.source == u"HAProxy") {
        text = t.value == u"answers" ? QStringLiteral("HAProxy stats answer") : QStringLiteral("HAProxy stats do not answer");
    } else {
        text = QStringLiteral("HAProxy marks %1 %2 for writes").arg(t.subject, t.value);
    }
    addEvent(t.atMs, t.source.section(u' ', 0, 0), text);
}

void ChaosRunner::onWrite(bool ok, qint64 atMs, const QString &error)
{
    if (!ok) {
        m_report.writes.lastError = error;
        if (m_faultAtMs >= 0 && m_firstFailAfterFault < 0 && atMs >= m_faultAtMs)
            m_firstFailAfterFault = atMs;
        if (!m_writesFailing)
            addEvent(atMs, QStringLiteral("probe"), QStringLiteral("writes fail: %1").arg(error.section(u'\n', 0, 0)));
        m_writesFailing = true;
        return;
    }
    if (m_writesFailing)
        addEvent(atMs, QStringLiteral("probe"), QStringLiteral("writes acknowledged again"));
    m_writesFailing = false;
}

void ChaosRunner::onRead(const ReadProbe::Answer &a)
{
    if (a.ok) {
        const QString who = memberAnswering(a.serverAddress, a.serverPort);
        if (!m_report.reads.answeredBy.contains(who))
            m_report.reads.answeredBy.append(who);
        if (m_readsFailing)
            addEvent(a.atMs, QStringLiteral("probe"), QStringLiteral("reads answered again (by %1)").arg(who));
        m_readsFailing = false;
        return;
    }
    if (!m_readsFailing)
        addEvent(a.atMs, QStringLiteral("probe"), QStringLiteral("reads fail: %1").arg(a.error.section(u'\n', 0, 0)));
    m_readsFailing = true;
}

void ChaosRunner::buildPhases()
{
    auto rel = [this](qint64 abs) { return std::optional<qint64>(abs - m_faultAtMs); };
    auto phase = [&](const QString &key, const QString &title, const PhaseTracker::Transition *t) {
        m_report.phases.append({key, title, t ? rel(t->atMs) : std::nullopt, t ? t->source : QString()});
    };
    const QString oldLeader = m_report.oldLeader;
    // The member that took over first (a thawed old primary may have taken the key back since).
    QString newLeader = m_report.newLeader;
    if (m_tracker)
        if (const auto *t = m_tracker->firstAfter(m_faultAtMs, [&](const auto &tr) {
                return tr.source == u"etcd leader key" && !tr.value.isEmpty() && tr.value != oldLeader;
            }))
            newLeader = t->value;
    if (m_tracker && m_fault->expectsFailover) {
        phase(QStringLiteral("haproxy_old_down"), QStringLiteral("HAProxy marks the old primary DOWN"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) { return t.source == QStringLiteral("HAProxy ") + oldLeader && t.value == u"DOWN"; }));
        phase(QStringLiteral("leader_key_gone"), QStringLiteral("leader key gone in etcd"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) { return t.source == u"etcd leader key" && t.value.isEmpty(); }));
        phase(QStringLiteral("new_leader_key"), QStringLiteral("new leader key written"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) {
                  return t.source == u"etcd leader key" && !t.value.isEmpty() && t.value != oldLeader;
              }));
        // Gone and taken again between two polls: the key was gone at the latest when the new
        // holder showed (and the tracker says so, rather than "not seen").
        ChaosReport::Phase &gone = m_report.phases[m_report.phases.size() - 2];
        const ChaosReport::Phase &taken = m_report.phases.back();
        if (!gone.atMs && taken.atMs) {
            gone.atMs = taken.atMs;
            gone.detail = QStringLiteral("gone and taken again within one poll (%1 ms): at the latest").arg(PhaseTracker::kTickMs);
        }
        phase(QStringLiteral("new_primary_200"), QStringLiteral("/primary answers 200 on the new leader"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) {
                  return t.source.endsWith(u" /primary") && t.value == u"200" && t.subject != oldLeader;
              }));
        phase(QStringLiteral("haproxy_new_up"), QStringLiteral("HAProxy marks the new primary UP"),
              newLeader.isEmpty() || newLeader == oldLeader
                      ? nullptr
                      : m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) { return t.source == QStringLiteral("HAProxy ") + newLeader && t.value == u"UP"; }));
    } else if (m_tracker) {
        // Not a failover, but a leader key that moves is worth a line of its own.
        phase(QStringLiteral("new_leader_key"), QStringLiteral("leader key moved"),
              m_tracker->firstAfter(m_faultAtMs, [&](const auto &t) {
                  return t.source == u"etcd leader key" && !t.value.isEmpty() && t.value != oldLeader;
              }));
    }
    m_report.phases.append({QStringLiteral("first_failed_write"), QStringLiteral("first failed write"),
                            m_firstFailAfterFault >= 0 ? rel(m_firstFailAfterFault) : std::nullopt, QString()});
    m_report.phases.append({QStringLiteral("undo"), QStringLiteral("fault undone"), m_undoAtMs >= 0 ? rel(m_undoAtMs) : std::nullopt,
                            m_fault->undo});
    // Whether the outage ended when the cluster came back or when the client tried again: the
    // write that ended it, when it was sent and how long it waited.
    QString firstWriteDetail;
    if (m_report.rtoMs)
        if (const WriteProbe::Ack *a = m_write->firstAckFrom(m_faultAtMs + *m_report.rtoMs))
            firstWriteDetail = QStringLiteral("sent at %1, answered %2 ms later")
                                       .arg(formatSeconds(a->sentMs - m_faultAtMs))
                                       .arg(a->atMs - a->sentMs);
    m_report.phases.append({QStringLiteral("first_write"), QStringLiteral("first acknowledged write after the outage"),
                            m_report.rtoMs, firstWriteDetail});
    // A pooler's own wait, named as such where a client met it.
    QList<std::tuple<qint64, QString, QString>> events;
    for (const auto &e : std::as_const(m_report.events))
        events.append({e.atMs, e.source, e.text});
    if (const auto plateau = findPoolerRetryPlateau(events))
        m_report.phases.append({QStringLiteral("pooler_login_retry"), QStringLiteral("PgBouncer server_login_retry plateau"),
                                plateau->firstMs, plateau->sentence()});
}

} // namespace pgha::svc

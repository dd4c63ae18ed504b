// The second half of a chaos run: undo the fault, wait for the rejoin (or say why there is
// none), heal what the fault left broken, put the configuration back, and read every
// acknowledged write back from the leader (RPO). The first half is in chaosrunner.cpp.
#include "chaos/chaosrunner.h"

#include "chaos/measurement.h"
#include "chaos/nativefaults.h"
#include "http/httpclient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace pgha::svc {

void ChaosRunner::undo()
{
    if (m_undone)
        return;
    m_undone = true;
    m_undoAtMs = clockMs();
    if (isExternalFault(m_fault->kind)) {
        undoByCommand([this](const QString &sentence) {
            addEvent(m_undoAtMs, QStringLiteral("chaos"), sentence);
            recover();
        });
        return;
    }
    if (m_containers) {
        undoContainers([this](const QStringList &done) {
            addEvent(m_undoAtMs, QStringLiteral("chaos"), QStringLiteral("undo: %1").arg(done.join(QStringLiteral("; "))));
            recover();
        });
        return;
    }
    QStringList done;
    if (!m_frozen.isEmpty())
        done << nativefaults::thaw(m_frozen);
    m_frozen.clear();
    const FaultKind kind = m_fault->kind;
    if (kind != FaultKind::FreezePrimary && kind != FaultKind::FreezeReplica) {
        for (const QString &v : std::as_const(m_victims))
            done << nativefaults::restart(m_labDir, v);
        if (auto reloaded = LabState::load(m_labDir))
            m_state = reloaded.value();
    }
    addEvent(m_undoAtMs, QStringLiteral("chaos"), QStringLiteral("undo: %1").arg(done.join(QStringLiteral("; "))));
    recover();
}

void ChaosRunner::recover()
{
    if (m_fault->expectsFailover && m_report.paused) {
        recoverPaused();
        return;
    }
    if (hitsPatroniMember(m_fault->kind)) {
        m_rejoinMember = m_victims.front();
        m_report.rejoin.member = m_rejoinMember;
        trackRejoin();
        return;
    }
    m_report.rejoin.state = QStringLiteral("not_applicable");
    // Writes must be back before the probes stop: the outage ends with the first acknowledged write.
    waitUntil(kHealthyTimeoutMs, [this] { return m_write->firstAckFrom(m_undoAtMs) && !m_writesFailing; },
              [this](bool) { finalHealth(); });
}

// In maintenance mode nobody took over, and the restarted Patroni does not start PostgreSQL on
// its own: ask it to (POST /restart) when its PostgreSQL is not running, then wait for writes.
void ChaosRunner::recoverPaused()
{
    m_rejoinMember = m_victims.front();
    m_report.rejoin.member = m_rejoinMember;
    setStage(QStringLiteral("paused: waiting for %1 to serve writes again").arg(m_rejoinMember));
    QTimer::singleShot(3000, this, [this] {
        const MemberApi api = m_cluster.api(m_rejoinMember);
        m_patroni.member(api, kRestStatusTimeoutMs, this, [this, api](const PatroniReply<PatroniNodeStatus> &reply) {
            if (reply.ok() && reply.result.value().state == u"running")
                return;
            addEvent(clockMs(), QStringLiteral("chaos"),
                     QStringLiteral("paused: Patroni does not start PostgreSQL in maintenance mode; POST /restart to %1").arg(m_rejoinMember));
            m_patroni.restart(api, {}, kRestRestartTimeoutMs, this, [this](const PatroniReply<PatroniAnswer> &restarted) {
                if (!restarted.ok())
                    addEvent(clockMs(), QStringLiteral("chaos"),
                             QStringLiteral("POST /restart failed: %1").arg(restarted.result.error().message));
            });
        });
    });
    waitUntil(kRejoinTimeoutMs, [this] { return m_write->firstAckFrom(m_undoAtMs) && !m_writesFailing; }, [this](bool ok) {
        m_report.rejoin.state = ok ? QStringLiteral("leader_again") : QStringLiteral("needs_reinit");
        m_report.rejoin.ms = ok ? std::optional<qint64>(clockMs() - m_undoAtMs) : std::nullopt;
        m_report.rejoin.note = ok ? QStringLiteral("paused: no failover; %1 leads again once its PostgreSQL runs").arg(m_rejoinMember)
                                  : QStringLiteral("paused: %1 did not serve writes %2 s after the undo").arg(m_rejoinMember).arg(kRejoinTimeoutMs / 1000);
        finalHealth();
    });
}

void ChaosRunner::trackRejoin()
{
    setStage(QStringLiteral("waiting for %1 to stream again").arg(m_rejoinMember));
    waitUntil(kRejoinTimeoutMs, [this] {
        if (m_rejoined)
            return true;
        // The member came back as the leader (a thawed primary that took its key back): it will
        // never stream as a replica, and that is the story to tell.
        if (m_currentLeaderKey == m_rejoinMember && m_undoAtMs >= 0 && clockMs() - m_undoAtMs > 3000
            && m_write->firstAckFrom(m_undoAtMs)) {
            m_report.rejoin.state = QStringLiteral("leader_again");
            m_report.rejoin.note = QStringLiteral("%1 holds the leader key again after the undo").arg(m_rejoinMember);
            return true;
        }
        if (!m_rejoinQueryBusy) {
            // Ask whoever holds the leader key now, directly (not through HAProxy).
            const QString leader = m_currentLeaderKey.isEmpty() ? m_report.oldLeader : m_currentLeaderKey;
            if (leader == m_rejoinMember)
                return false;
            m_rejoinQueryBusy = true;
            auto *q = new PgQuery(m_cluster.postgres(leader),
                                  QStringLiteral("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"), 1000, this);
            const quint64 generation = m_generation;
            connect(q, &PgQuery::finished, this, [this, q, generation](const PgResult &r) {
                q->deleteLater();
                if (generation != m_generation)
                    return;
                m_rejoinQueryBusy = false;
                if (!r.ok)
                    return;
                for (const auto &row : r.rows)
                    if (row.value(0) == m_rejoinMember && !m_rejoined) {
                        m_rejoined = true;
                        m_report.rejoin.ms = clockMs() - m_undoAtMs;
                        addEvent(clockMs(), QStringLiteral("pg_stat_replication"),
                                 QStringLiteral("%1 streams again").arg(m_rejoinMember));
                    }
            });
            q->start();
        }
        return false;
    }, [this](bool ok) {
        if (ok) {
            if (m_report.rejoin.state.isEmpty())
                m_report.rejoin.state = QStringLiteral("streaming");
            finalHealth();
            return;
        }
        // Not back: say what Patroni says about it, and reinitialise it so the lab is whole again
        // (the console's lab only: on a cluster it did not build, that is the operator's call).
        m_report.rejoin.state = QStringLiteral("needs_reinit");
        const MemberApi api = m_cluster.api(m_rejoinMember);
        m_patroni.member(api, kRestStatusTimeoutMs, this, [this, api](const PatroniReply<PatroniNodeStatus> &reply) {
            const QString said = reply.ok() ? reply.result.value().state : reply.http.error;
            if (!m_cluster.builtInLab) {
                m_report.rejoin.note = QStringLiteral("not streaming %1 s after the undo (Patroni: %2); the console does not "
                                                      "reinitialise a member of a cluster it did not build — `pgha reinit %3` does")
                                               .arg(kRejoinTimeoutMs / 1000).arg(said, m_rejoinMember);
                finalHealth();
                return;
            }
            m_report.rejoin.note = QStringLiteral("not streaming %1 s after the undo (Patroni: %2); the console reinitialised it")
                                           .arg(kRejoinTimeoutMs / 1000)
                                           .arg(said);
            m_patroni.reinitialize(api, true, kRestWriteTimeoutMs, this,
                                   [this](const PatroniReply<PatroniAnswer> &) { finalHealth(); });
        });
    });
}

void ChaosRunner::stopProbes()
{
    if (m_probesStoppedAtMs < 0)
        m_probesStoppedAtMs = clockMs();
    if (m_write)
        m_write->stop();
    if (m_read)
        m_read->stop();
    if (m_tracker)
        m_tracker->stop();
}

void ChaosRunner::finalHealth()
{
    setStage(QStringLiteral("waiting until %1 is healthy again").arg(m_cluster.builtInLab ? QStringLiteral("the lab") : m_cluster.description));
    // A second of writes on the recovered cluster, so the probes end on acknowledged writes.
    QTimer::singleShot(1000, this, [this] {
        stopProbes();
        checkHealthy(m_runClock.elapsed() + kSettleTimeoutMs, [this](const LabHealth &h) { afterRecovery(h); },
                     [this](const LabHealth &h) { heal(h); });
    });
}

// Replicas that do not stream from the leader after the settle time have diverged (seen after a
// thawed primary took its key back: both replicas ahead of it on the same timeline, which
// Patroni 3.0.2 does not rewind). Reinitialising them is the undo that brings the lab back.
void ChaosRunner::heal(const LabHealth &h)
{
    QStringList stuck;
    for (const auto &m : std::as_const(m_cluster.members))
        if (!h.leader.isEmpty() && m.name != h.leader && !h.streamingReplicas.contains(m.name))
            stuck << m.name;
    if (stuck.isEmpty() || !m_cluster.builtInLab) {
        m_report.error = QStringLiteral("%1 is not healthy after the run: %2%3")
                                 .arg(m_cluster.description, h.problems.join(QStringLiteral("; ")),
                                      stuck.isEmpty() ? QString()
                                                      : QStringLiteral(" (not streaming: %1; the console reinitialises members "
                                                                       "only in its own lab)").arg(stuck.join(QStringLiteral(", "))));
        afterRecovery(h);
        return;
    }
    setStage(QStringLiteral("reinitialising %1: not streaming from %2").arg(stuck.join(QStringLiteral(", ")), h.leader));
    for (const QString &name : std::as_const(stuck)) {
        m_report.reinitialised << name;
        addEvent(clockMs(), QStringLiteral("chaos"),
                 QStringLiteral("%1 does not stream from %2 %3 s after the undo: reinitialising it")
                         .arg(name, h.leader).arg(kSettleTimeoutMs / 1000));
        m_patroni.reinitialize(m_cluster.api(name), true, kRestWriteTimeoutMs, this,
                               [this, name](const PatroniReply<PatroniAnswer> &reply) {
                                   if (!reply.ok())
                                       addEvent(clockMs(), QStringLiteral("chaos"), QStringLiteral("reinitialising %1 failed: %2")
                                                                                           .arg(name, reply.result.error().message));
                               });
    }
    checkHealthy(m_runClock.elapsed() + kHealthyTimeoutMs, [this](const LabHealth &again) { afterRecovery(again); },
                 [this](const LabHealth &again) {
                     m_report.error = QStringLiteral("the lab is not healthy after the run, even after reinitialising %1: %2")
                                              .arg(m_report.reinitialised.join(QStringLiteral(", ")),
                                                   again.problems.join(QStringLiteral("; ")));
                     afterRecovery(again);
                 });
}

void ChaosRunner::afterRecovery(const LabHealth &h)
{
    m_report.newLeader = h.leader.isEmpty() ? m_currentLeaderKey : h.leader;
    if (const PatroniMember *l = h.cluster.leader())
        m_report.newTimeline = l->timeline;
    auto rest = [this] { restoreConfig([this] { checkRpo(); }); };
    if (!m_pgbench) {
        rest();
        return;
    }
    // The load goes on for its tail on the healthy cluster, so throughput recovery is seen.
    const int tailS = m_options.load->tailS;
    setStage(QStringLiteral("load: %1 s more on the healthy cluster").arg(tailS));
    QTimer::singleShot(tailS * 1000, this, [this, rest] { stopLoad(rest); });
}

void ChaosRunner::restoreConfig(std::function<void()> then)
{
    QJsonObject patch;
    if (m_restoreSync)
        patch.insert(QStringLiteral("synchronous_mode"), *m_restoreSync);
    if (m_restoreFailsafe)
        patch.insert(QStringLiteral("failsafe_mode"), *m_restoreFailsafe);
    if (patch.isEmpty()) {
        then();
        return;
    }
    putConfigBack(patch, m_runClock.elapsed() + kRestoreTimeoutMs, std::move(then));
}

// Right after etcd regains its quorum Patroni may refuse the PATCH for a moment: try again until
// the deadline, and make a configuration left changed an error of the run, never a silent one.
void ChaosRunner::putConfigBack(const QJsonObject &patch, qint64 deadlineMs, std::function<void()> then)
{
    const QByteArray body = QJsonDocument(patch).toJson(QJsonDocument::Compact);
    const QString leader = m_report.newLeader.isEmpty() ? m_report.oldLeader : m_report.newLeader;
    m_patroni.patchConfig(m_cluster.api(leader), patch, kRestWriteTimeoutMs, this,
                 [this, patch, body, deadlineMs, leader, then](const PatroniReply<PatroniAnswer> &reply) {
                     if (reply.ok()) {
                         verifyConfigBack(patch, leader, deadlineMs, then);
                         return;
                     }
                     const QString why = reply.result.error().message;
                     if (m_runClock.elapsed() < deadlineMs) {
                         QTimer::singleShot(1000, this, [this, patch, deadlineMs, then] { putConfigBack(patch, deadlineMs, then); });
                         return;
                     }
                     const QString error = QStringLiteral("could not put the configuration back (PATCH /config %1): %2; "
                                                          "set it by hand with `pgha config set %3`")
                                                   .arg(QString::fromUtf8(body), why,
                                                        patch.keys().join(QStringLiteral("=… ")) + QStringLiteral("=…"));
                     endConfigBack(error, then);
                 });
}

// The configuration is back (empty `error`) or the run gives up on it (an error of the run).
void ChaosRunner::endConfigBack(const QString &error, const std::function<void()> &then)
{
    if (!error.isEmpty()) {
        addEvent(clockMs(), QStringLiteral("chaos"), error);
        if (m_report.error.isEmpty())
            m_report.error = error;
    }
    m_restoreSync.reset();
    m_restoreFailsafe.reset();
    then();
}

// A 200 to the PATCH is not the end: read the configuration back from the same member until it
// shows what was put back, or the deadline passes (an error of the run).
void ChaosRunner::verifyConfigBack(const QJsonObject &patch, const QString &member, qint64 deadlineMs,
                                   std::function<void()> then)
{
    m_patroni.config(m_cluster.api(member), kRestConfigTimeoutMs, this,
                     [this, patch, member, deadlineMs, then](const PatroniReply<PatroniDynamicConfig> &reply) {
        const auto &config = reply.result;
        bool matches = config.ok();
        if (config && patch.contains(QStringLiteral("synchronous_mode")))
            matches = matches && config.value().synchronousMode == patch.value(QStringLiteral("synchronous_mode")).toBool();
        if (config && patch.contains(QStringLiteral("failsafe_mode")))
            matches = matches && config.value().failsafeMode == patch.value(QStringLiteral("failsafe_mode")).toBool();
        if (matches) {
            addEvent(clockMs(), QStringLiteral("chaos"),
                     QStringLiteral("configuration put back: %1").arg(QString::fromUtf8(QJsonDocument(patch).toJson(QJsonDocument::Compact))));
            endConfigBack(QString(), then);
            return;
        }
        if (m_runClock.elapsed() >= deadlineMs) {
            const QString error = QStringLiteral("the configuration was not put back: %1 still shows otherwise than %2 "
                                                 "after %3 s; check it with `pgha config show`")
                                          .arg(member, QString::fromUtf8(QJsonDocument(patch).toJson(QJsonDocument::Compact)))
                                          .arg(kRestoreTimeoutMs / 1000);
            endConfigBack(error, then);
            return;
        }
        QTimer::singleShot(1000, this, [this, patch, member, deadlineMs, then] { verifyConfigBack(patch, member, deadlineMs, then); });
    });
}

void ChaosRunner::checkRpo()
{
    // Under tpcb-like, the history rows on the new primary first (once).
    if (countsHistory() && m_loadResult && !m_historyAfter && !m_report.newLeader.isEmpty()) {
        setStage(QStringLiteral("counting pgbench_history on %1").arg(m_report.newLeader));
        // The new primary directly, in the benchmark's database, as the benchmark's user.
        PgEndpoint where = m_cluster.postgres(m_report.newLeader);
        where.database = m_options.load->target.endpoint.database;
        where.user = m_options.load->target.endpoint.user;
        countHistory(where, [this](std::optional<qint64> rows) {
            m_historyAfter = rows.value_or(-1);
            checkRpo();
        });
        return;
    }
    setStage(QStringLiteral("reading the acknowledged writes back from %1").arg(m_report.newLeader));
    QList<qint64> acked;
    for (const auto &a : m_write->acks())
        acked.append(a.id);
    m_report.rpo.acknowledged = static_cast<int>(acked.size());
    if (m_report.newLeader.isEmpty()) {
        m_report.rpo.note = QStringLiteral("no leader to read back from");
        finish();
        return;
    }
    if (acked.isEmpty()) {
        m_report.rpo.note = QStringLiteral("no write was acknowledged");
        checkHistory();
        return;
    }
    const qint64 lo = *std::min_element(acked.cbegin(), acked.cend());
    const qint64 hi = *std::max_element(acked.cbegin(), acked.cend());
    auto *q = new PgQuery(m_cluster.postgres(m_report.newLeader),
                          QStringLiteral("SELECT id FROM %1 WHERE id BETWEEN %2 AND %3").arg(QLatin1String(WriteProbe::kTable)).arg(lo).arg(hi),
                          10000, this);
    connect(q, &PgQuery::finished, this, [this, q, acked](const PgResult &r) {
        q->deleteLater();
        if (!r.ok) {
            m_report.rpo.note = QStringLiteral("reading back from %1 failed: %2").arg(m_report.newLeader, r.error);
        } else {
            QList<qint64> present;
            for (const auto &row : r.rows)
                present.append(row.value(0).toLongLong());
            const QList<qint64> missing = missingIds(acked, present);
            m_report.rpo.checked = true;
            m_report.rpo.checkedOn = m_report.newLeader;
            m_report.rpo.missing = static_cast<int>(missing.size());
            m_report.rpo.missingIds = missing.mid(0, 100);
        }
        checkHistory();
    });
    q->start();
}

void ChaosRunner::checkHistory()
{
    const bool switched = m_report.oldTimeline && m_report.newTimeline && *m_report.newTimeline > *m_report.oldTimeline;
    if (!switched || m_faultAtMs < 0) {
        finish();
        return;
    }
    m_patroni.history(m_cluster.api(m_report.newLeader), kRestConfigTimeoutMs, this,
                      [this](const PatroniReply<QList<TimelineSwitch>> &reply) {
        const auto &history = reply.result;
        const HttpResult &r = reply.http;
        const WriteProbe::Ack *last = m_write->lastAckBefore(m_faultAtMs + 1);
        if (history && last) {
            for (const auto &s : history.value())
                if (s.timeline == *m_report.oldTimeline)
                    if (const auto lsn = parseLsn(last->lsn))
                        m_report.rpo.lsnGapBytes = std::max<qint64>(0, *lsn - s.lsn);
        }
        if (!m_report.rpo.lsnGapBytes)
            m_report.rpo.note += (m_report.rpo.note.isEmpty() ? QString() : QStringLiteral("; "))
                                 + QStringLiteral("no WAL gap: GET /history %1").arg(history ? QStringLiteral("has no switch from timeline %1").arg(*m_report.oldTimeline) : r.error);
        finish();
    });
}

} // namespace pgha::svc

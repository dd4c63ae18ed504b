#pragma once

#include "actions/actiontypes.h"
#include "actions/patronicalls.h"
#include "actions/preflight.h"
#include "http/httpclient.h"
#include "patroni/patroniclient.h"
#include "patroni/patronitypes.h"
#include "pg/pgquery.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace pgha::svc {

class WriteProbe;

// Where an action goes: the members' REST APIs and the entry point a client writes through.
struct ActionTarget {
    QList<MemberApi> apis;
    std::optional<PgEndpoint> readWrite;   // the write probe's entry point (none: no write gap)
    QString clusterName;                   // typed to confirm
    bool production = false;
    bool actionsEnabled = true;
};

// Carries out one operator action: reads the cluster fresh (prepare → preflight), sends the REST
// call(s), then follows the cluster until it converges — step by step, with durations — and a
// write probe through the read-write entry point measures what clients saw. An ambiguous answer
// (Patroni's 503 "switchover status unknown") is followed to the real outcome.
class ActionRunner : public QObject {
    Q_OBJECT
public:
    static constexpr int kPollIntervalMs = 250;
    static constexpr int kRestTimeoutMs = 3000;
    static constexpr int kBlockingCallTimeoutMs = 60000;   // Patroni answers switchover/restart when done
    static constexpr int kProbeWarmupMs = 3000;            // wait this long for a first acknowledged write
    static constexpr int kSettleAfterConvergeMs = 300;     // probe keeps writing so the gap closes
    static constexpr int kConfirmUnchangedMs = 10000;      // after an ambiguous answer: the old leader kept this long = not switched

    ActionRunner(HttpClient *http, ActionTarget target, QObject *parent = nullptr);
    ~ActionRunner() override;

    // Reads /cluster and /config fresh, then emits prepared() with the pre-flight verdict. A
    // newer prepare() supersedes one still reading: only the latest verdict is emitted.
    void prepare(const ActionRequest &request);
    // Sends the prepared request (even when the pre-flight blocked it only if `overrideBlockers`).
    void execute(bool overrideBlockers = false);
    // What an operator's "send" does: reads the cluster once more and sends only when that fresh
    // pre-flight asks nothing beyond the last one prepared() emitted (the one they confirmed).
    // The read fails → refused and finished(), nothing sent. The fresh pre-flight asks more (a
    // blocker, a typed name, a new warning, another request) → confirmationOutdated(), nothing
    // sent, and the fresh verdict is the one to confirm next.
    void sendConfirmed(const ActionRequest &request);
    // Records a refusal with `why` (nothing is sent); finished() follows.
    void refuse(const QString &why);
    // Stop following; Patroni may still carry the action out.
    void abandon();

    const ActionRequest &request() const { return m_request; }
    const Preflight &preflight() const { return m_preflight; }
    const ClusterSnapshot &before() const { return m_before; }
    const ClusterSnapshot &after() const { return m_after; }
    const QList<PatroniCall> &calls() const { return m_calls; }
    const QList<HttpResult> &responses() const { return m_responses; }
    const QList<ActionStep> &steps() const { return m_steps; }
    const ActionOutcome &outcome() const { return m_outcome; }
    const ActionTarget &target() const { return m_target; }
    QDateTime startedAt() const { return m_startedAt; }

signals:
    void prepared(const pgha::svc::Preflight &preflight);
    void prepareFailed(const QString &error);
    void confirmationOutdated(const pgha::svc::Preflight &fresh, const QStringList &changes);
    void stepsChanged(const QList<pgha::svc::ActionStep> &steps);
    void finished(const pgha::svc::ActionOutcome &outcome);

private:
    struct MemberProbe {
        QString postmasterStart;   // /patroni's postmaster_start_time
        QString state;
    };
    void fetchCluster(std::function<void(std::optional<ClusterSnapshot>, QString)> done, int attempt = 0);
    void fetchConfig(std::function<void(std::optional<PatroniDynamicConfig>)> done, int attempt = 0);
    void fetchMember(const QString &member, std::function<void(std::optional<MemberProbe>)> done);
    // The fresh read behind prepare() and sendConfirmed(): `done` gets an empty error once
    // m_before, m_config, m_request and m_preflight are fresh; never called when superseded.
    void readFresh(const ActionRequest &request, std::function<void(const QString &error)> done);
    void beginOnce();
    void begin();
    void sendNextCall();
    void onCallDone(const PatroniCall &call, const HttpResult &r);
    void follow();
    void onFollowSnapshot(const ClusterSnapshot &c);
    void setStep(int index, ActionStep::State state, const QString &detail = {});
    int addStep(const QString &title);
    void finish(ActionOutcome::Result result, const QString &summary);
    qint64 sinceSendMs() const { return m_sendClock.isValid() ? m_sendClock.elapsed() : -1; }
    int followDeadlineMs() const;
    bool needsProbe() const;
    QString who(const QString &member) const;

    PatroniClient m_patroni;
    ActionTarget m_target;
    ActionRequest m_request;
    Preflight m_preflight;
    ClusterSnapshot m_before;
    ClusterSnapshot m_after;
    std::optional<PatroniDynamicConfig> m_config;
    QList<PatroniCall> m_calls;
    int m_nextCall = 0;
    QList<HttpResult> m_responses;
    QList<ActionStep> m_steps;
    ActionOutcome m_outcome;
    QDateTime m_startedAt;
    QElapsedTimer m_sendClock;
    QTimer m_followTimer;
    QTimer m_deadline;
    QTimer m_warmup;
    WriteProbe *m_probe = nullptr;
    qint64 m_probeSendMs = -1;        // the probe's clock when the request went out
    int m_preferredApi = 0;
    quint64 m_readGeneration = 0;     // the latest readFresh(); older answers are dropped
    bool m_following = false;
    bool m_fetching = false;
    bool m_done = false;
    bool m_begun = false;
    bool m_callsDone = false;
    bool m_ambiguous = false;
    QString m_patroniAnswer;                      // the ambiguous answer, quoted in the outcome
    qint64 m_unchangedSinceMs = -1;
    QHash<QString, MemberProbe> m_memberBefore;   // restart/reinit: each target's postmaster start
    QHash<QString, QString> m_skipped;            // member → why its call was skipped
    QSet<QString> m_unanswered;                   // members whose API did not answer a cluster-wide call
    QString m_sendNote;                           // how the call found a member that answers
    // Step indexes (−1: not used by this action).
    int m_stepSend = -1, m_stepLeader = -1, m_stepWrites = -1, m_stepReplicas = -1, m_stepVerify = -1;
};

} // namespace pgha::svc

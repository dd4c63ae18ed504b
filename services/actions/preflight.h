#pragma once

#include "actions/actiontypes.h"
#include "patroni/patronitypes.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pgha::svc {

// Whether one member could take over, and every reason why not — the words for Patroni's 412
// "no good candidates have been found", said before anything is sent.
struct CandidateVerdict {
    QString name;
    bool eligible = false;
    QStringList reasons;         // empty when eligible
};

// What the console knows before sending an action: whether it should be sent at all, who could
// lead, what will happen, and how hard the confirmation must be.
struct Preflight {
    bool allowed = false;
    QStringList blockers;        // each names the cause and the fix; non-empty → not allowed
    QStringList warnings;        // sendable, but worth reading first
    QList<CandidateVerdict> candidates;
    QString expected;            // the expected outcome in words
    bool typedConfirmation = false;   // the operator types the cluster name to confirm
    QString confirmText;              // … this name
    QStringList confirmReasons;       // … because of these ("pg1 is the leader: …")
};

struct PreflightContext {
    ClusterSnapshot cluster;
    std::optional<PatroniDynamicConfig> config;
    QString clusterName;         // the scope, typed to confirm dangerous actions
    bool production = false;     // profile kind production: typed name for all but reload
    bool actionsEnabled = true;  // the profile allows actions at all
};

// The current leader's name filled in, defaults applied: what the dialog and the CLI send.
ActionRequest completeRequest(ActionRequest request, const ClusterSnapshot &cluster);

Preflight runPreflight(const ActionRequest &request, const PreflightContext &context);

// What a pre-flight read right before sending asks beyond `confirmed`, the one the operator saw
// and agreed to: each new blocker, a typed name newly needed (and why) or another name to type,
// each new warning, and the calls when they differ from the ones shown. Empty: send as confirmed.
QStringList newRequirements(const Preflight &confirmed, const Preflight &fresh, const QList<PatroniCall> &confirmedCalls,
                            const QList<PatroniCall> &freshCalls);

// Eligibility of every non-leader member to lead after a switchover (`forSwitchover`) or a
// failover.
QList<CandidateVerdict> judgeCandidates(const PreflightContext &context, bool forSwitchover);

} // namespace pgha::svc

#pragma once

#include "actions/actiontypes.h"
#include "core/result.h"
#include "patroni/patronitypes.h"

#include <QList>
#include <QSet>
#include <QString>
#include <QUrl>

#include <optional>

namespace pgha::svc {

// The REST calls that carry out `request`, one per member where the action is per member
// (restart, reinit, reload); cluster-wide actions go to the leader's API, or to the first
// member that is up when there is no leader. Pure: no network.
Result<QList<PatroniCall>> buildCalls(const ActionRequest &request, const ClusterSnapshot &cluster,
                                      const QList<MemberApi> &apis);

// Cluster-wide actions write to the DCS, which any member's API does for the cluster; per-member
// ones (restart, reinit, reload) only the member's own.
bool anyMemberServes(ActionKind kind);

// The same cluster-wide call to another member, for when `failed.member` did not answer (a
// crashed leader whose key has not expired is still "the leader" in /cluster): members /cluster
// reports running first, then the others, in the profile's order; never one in `tried`.
// Nothing when the action is per member or no member is left.
std::optional<PatroniCall> fallbackCall(ActionKind kind, const PatroniCall &failed, const ClusterSnapshot &cluster,
                                        const QList<MemberApi> &apis, const QSet<QString> &tried);

// Copyable equivalents for the journal and the confirm dialog. Never carry a password: curl
// gets `-u USER` (it asks), patronictl reads its own config file.
QString curlCommand(const PatroniCall &call, const QString &username = {}, const QString &caFile = {});
QString patronictlCommand(const ActionRequest &request, const QString &scope);

// ISO 8601 with an offset, as Patroni's schedule parser insists on a time zone.
QString scheduleText(const QDateTime &at);

} // namespace pgha::svc

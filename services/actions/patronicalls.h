#pragma once

#include "actions/actiontypes.h"
#include "core/result.h"
#include "patroni/patronitypes.h"

#include <QList>
#include <QString>
#include <QUrl>

namespace pgha::svc {

// The REST calls that carry out `request`, one per member where the action is per member
// (restart, reinit, reload); cluster-wide actions go to the leader's API, or to the first
// member that is up when there is no leader. Pure: no network.
Result<QList<PatroniCall>> buildCalls(const ActionRequest &request, const ClusterSnapshot &cluster,
                                      const QList<MemberApi> &apis);

// Copyable equivalents for the journal and the confirm dialog. Never carry a password: curl
// gets `-u USER` (it asks), patronictl reads its own config file.
QString curlCommand(const PatroniCall &call, const QString &username = {}, const QString &caFile = {});
QString patronictlCommand(const ActionRequest &request, const QString &scope);

// ISO 8601 with an offset, as Patroni's schedule parser insists on a time zone.
QString scheduleText(const QDateTime &at);

} // namespace pgha::svc

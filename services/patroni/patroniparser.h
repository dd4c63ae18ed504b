#pragma once

#include "core/result.h"
#include "patroni/patronitypes.h"

#include <QByteArray>

namespace pgha::svc {

// Largest /cluster payload we accept; a real one for 3 members is ~1 KiB.
inline constexpr qsizetype kMaxClusterPayloadBytes = 4 * 1024 * 1024;

// Parses Patroni's GET /cluster answer (3.x and 4.x shapes). Pure: bytes in, value or error out.
Result<ClusterSnapshot> parsePatroniCluster(const QByteArray &payload);

// GET /patroni (the answering node's status; also the body of /primary, /replica, /health).
Result<PatroniNodeStatus> parsePatroniStatus(const QByteArray &payload);

// GET /history: [[timeline, lsn, reason, timestamp, new_leader], …]
Result<QList<TimelineSwitch>> parsePatroniHistory(const QByteArray &payload);

// GET /config: the dynamic configuration in the DCS.
Result<PatroniDynamicConfig> parsePatroniConfig(const QByteArray &payload);

} // namespace pgha::svc

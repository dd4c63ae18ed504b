#pragma once

#include "patroni/patronitypes.h"

#include <QJsonObject>
#include <QString>

namespace pgha::models {

// How a member's fields read for people — shared by the GUI table and `pgha status`, so both
// always show the same thing.
QString roleText(const svc::PatroniMember &m);
QString hostPortText(const svc::PatroniMember &m);
QString timelineText(const svc::PatroniMember &m);
QString lagText(const svc::PatroniMember &m);        // "0 B", "12.5 MiB", "unknown", "" (leader)
QString bytesText(qint64 bytes);
// The same for a byte count that arrived as a double (a /metrics sample, a chart's maximum):
// one no integer can hold (1e308, NaN) is shown as the number it is, never cast.
QString measuredBytesText(double bytes);

QJsonObject memberToJson(const svc::PatroniMember &m);

} // namespace pgha::models

#pragma once

#include "clicontext.h"

#include <QJsonObject>

namespace pgha::svc {
class LabService;
struct LabOutcome;
} // namespace pgha::svc

namespace pgha::cli {

// What `pgha lab start` says when a start ends. Healthy: where the lab runs and how to reach it
// on stdout, then (unless `quiet`) where the time to healthy went, stage by stage. Failed: the
// cause and the fix on stderr, then how far it got. `stamp` prefixes the lines on stderr.
void printLabStartOutcome(CliContext &ctx, const svc::LabOutcome &outcome, const svc::LabService &lab, bool quiet,
                          const QString &stamp);

// The same for `pgha lab start --json`: one object (ok, flavor, labDir, elapsedMs, health,
// error and hint when failed, breakdown).
QJsonObject labStartOutcomeJson(const svc::LabOutcome &outcome, const svc::LabService &lab);

} // namespace pgha::cli

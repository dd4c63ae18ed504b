#include "actiontypes.h"

#include <array>
#include <utility>

namespace pgha::svc {

namespace {
constexpr std::array<std::pair<ActionKind, const char *>, 10> kNames{{
    {ActionKind::Switchover, "switchover"},
    {ActionKind::CancelSwitchover, "cancel-switchover"},
    {ActionKind::Failover, "failover"},
    {ActionKind::Restart, "restart"},
    {ActionKind::CancelRestart, "cancel-restart"},
    {ActionKind::Reinit, "reinit"},
    {ActionKind::Reload, "reload"},
    {ActionKind::Pause, "pause"},
    {ActionKind::Resume, "resume"},
    {ActionKind::ConfigPatch, "config-set"},
}};
}

QString actionName(ActionKind kind)
{
    for (const auto &[k, n] : kNames)
        if (k == kind)
            return QString::fromLatin1(n);
    return {};
}

bool actionFromName(const QString &name, ActionKind *kind)
{
    for (const auto &[k, n] : kNames)
        if (name == QLatin1String(n)) {
            *kind = k;
            return true;
        }
    return false;
}

QString stepStateName(ActionStep::State s)
{
    switch (s) {
    case ActionStep::State::Pending: return QStringLiteral("pending");
    case ActionStep::State::Running: return QStringLiteral("running");
    case ActionStep::State::Done: return QStringLiteral("done");
    case ActionStep::State::Failed: return QStringLiteral("failed");
    case ActionStep::State::Skipped: return QStringLiteral("skipped");
    }
    return {};
}

QString ActionOutcome::resultName(Result r)
{
    switch (r) {
    case Result::Succeeded: return QStringLiteral("succeeded");
    case Result::Failed: return QStringLiteral("failed");
    case Result::Refused: return QStringLiteral("refused");
    case Result::TimedOut: return QStringLiteral("timed out");
    case Result::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

} // namespace pgha::svc

#pragma once

#include "patroni/patronitypes.h"

#include <QColor>

namespace pgha::views {

// Role colours chosen to stay distinct and readable on light and dark palettes: each badge
// draws its own background and white text, so it never depends on the theme.
inline QColor roleColor(svc::MemberRole role)
{
    switch (role) {
    case svc::MemberRole::Leader: return QColor(0x2e, 0x7d, 0x32);          // green
    case svc::MemberRole::StandbyLeader: return QColor(0x6a, 0x1b, 0x9a);   // purple
    case svc::MemberRole::SyncStandby: return QColor(0x15, 0x65, 0xc0);     // blue
    case svc::MemberRole::QuorumStandby: return QColor(0x00, 0x83, 0x8f);   // teal
    case svc::MemberRole::Replica: return QColor(0x54, 0x6e, 0x7a);         // slate
    case svc::MemberRole::Unknown: break;
    }
    return QColor(0x75, 0x75, 0x75);
}

inline QColor healthColor(bool ok) { return ok ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28); }
inline QColor pendingColor() { return QColor(0xef, 0x6c, 0x00); }

} // namespace pgha::views

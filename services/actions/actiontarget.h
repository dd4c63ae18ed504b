#pragma once

#include "actions/actionrunner.h"
#include "actions/journal.h"
#include "profile/profile.h"

namespace pgha::svc {

// Where a profile's actions go: each Patroni endpoint's API base, the read-write entry point for
// the write probe (the built-in lab's password from its 0600 state file; other profiles rely on
// libpq's ~/.pgpass), the scope to type, and the profile's kind and action switch.
// The write probe creates a table (pgha_probe) and inserts into it through the entry point: on
// by default for lab profiles only; staging and production ask for it explicitly.
ActionTarget actionTargetFor(const Profile &profile, bool withWriteProbe);
inline ActionTarget actionTargetFor(const Profile &profile)
{
    return actionTargetFor(profile, profile.kind == Profile::Kind::Lab);
}

// The journal's view of a profile (names and user, never a password).
JournalContext journalContextFor(const Profile &profile);

} // namespace pgha::svc

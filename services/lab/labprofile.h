#pragma once

#include "core/result.h"
#include "lab/labconfig.h"
#include "profile/profile.h"

namespace pgha::svc {

// The built-in lab seen as a profile: what the console watches when it watches the lab. The lab
// knows profiles; profiles know nothing of the lab.
Profile labProfile(const LabConfig &config);

// The built-in lab's passwords from its 0600 state file, for the lab profile's origins and its
// PostgreSQL superuser (empty when the lab has none).
ProfilePasswords labPasswords(const Profile &labProfile);

// "lab" (or empty) → the built-in lab profile for `labDir` (following the lab that exists: its
// ports may be offset); an existing file path → that file; otherwise NAME in profileDirectory().
Result<Profile> resolveProfile(const QString &nameOrFile, const QString &labDir);

} // namespace pgha::svc

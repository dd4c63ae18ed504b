#include "actiontarget.h"

#include "actions/journal.h"
#include "lab/labstate.h"

namespace pgha::svc {

ActionTarget actionTargetFor(const Profile &profile, bool withWriteProbe)
{
    ActionTarget t;
    for (const auto &e : profile.patroni) {
        QUrl base = e.url;
        base.setPath(QString());
        base.setQuery(QString());
        base.setUserInfo(QString());   // profiles refuse credentials in URLs; never send or print them anyway
        t.apis.append({e.name, base});
    }
    if (withWriteProbe && !profile.readWrite.host.isEmpty()) {
        PgEndpoint rw = profile.readWrite;
        if (profile.isBuiltInLab())
            if (const auto state = LabState::load(profile.labDir))
                rw.password = state.value().secrets.superuser;
        t.readWrite = rw;
    }
    t.clusterName = profile.scope.isEmpty() ? profile.name : profile.scope;
    t.production = profile.kind == Profile::Kind::Production;
    t.actionsEnabled = profile.actionsEnabled;
    return t;
}

JournalContext journalContextFor(const Profile &profile)
{
    return {profile.name, Profile::kindName(profile.kind), profile.scope, profile.patroniRest.username, profile.patroniRest.caFile};
}

} // namespace pgha::svc

#include "lab/labservice.h"

#include "lab/dockerlab.h"
#include "lab/labstate.h"
#include "lab/nativelab.h"

namespace pgha::svc {

QStringList labFlavors()
{
    return {QStringLiteral("native"), QStringLiteral("docker")};
}

QString recordedLabFlavor(const QString &labDir)
{
    if (!LabState::exists(labDir))
        return {};
    auto state = LabState::load(labDir);
    return state ? state.value().flavor : QString();
}

LabService *makeLabService(const QString &flavor, const LabConfig &config, HttpClient *http, QObject *parent)
{
    if (flavor == u"native")
        return new NativeLab(config, http, parent);
    if (flavor == u"docker")
        return new DockerLab(config, http, parent);
    return nullptr;
}

} // namespace pgha::svc

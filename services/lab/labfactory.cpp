#include "lab/labfactory.h"

#include "lab/dockerlab.h"
#include "lab/labstate.h"
#include "lab/nativelab.h"

namespace pgha::svc {

QString recordedLabFlavor(const QString &labDir)
{
    if (!LabState::exists(labDir))
        return {};
    auto state = LabState::load(labDir);
    return state ? state.value().flavor : QString();
}

LabFlavorChoice chooseLabFlavor(const QString &labDir, const QString &asked)
{
    const QString recorded = recordedLabFlavor(labDir);
    if (asked.isEmpty())
        return {recorded.isEmpty() ? QStringLiteral("native") : recorded, {}};
    if (recorded.isEmpty() || recorded == asked)
        return {asked, {}};
    const auto report = LabService::inspect(labDir);
    if (report.status == LabService::Status::Absent || report.status == LabService::Status::Stopped)
        return {asked, {}};
    return {recorded, report.summary};
}

QString labDockerProject(int portOffset)
{
    return portOffset == 0 ? QStringLiteral("pgha-lab") : QStringLiteral("pgha-lab-%1").arg(portOffset);
}

LabConfig labConfigForOffset(int portOffset)
{
    LabConfig config;
    config.labDir = LabConfig::defaultLabDir();
    config.ports = LabPorts().withOffset(portOffset);
    config.dockerProject = labDockerProject(portOffset);
    return config;
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

#pragma once

// Helpers shared by the integration tests: drive a NativeLab to completion and look for
// leftovers the way an operator would (process table, listening ports).
#include "lab/labconfig.h"
#include "lab/nativelab.h"
#include "process/procutil.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

namespace labtest {

// Tests run under ctest get PGHA_LAB_DIR from it; run by hand they must still never touch the
// user's real lab, so pin the test lab directory here too.
inline void useTestLabDir()
{
    if (qEnvironmentVariableIsEmpty("PGHA_LAB_DIR"))
        qputenv("PGHA_LAB_DIR", PGHA_TEST_LAB_DIR);
}

inline pgha::svc::LabOutcome waitFor(QSignalSpy &spy, int timeoutMs)
{
    if (spy.isEmpty() && !spy.wait(timeoutMs))
        return pgha::svc::LabOutcome::failure(pgha::svc::makeError(QStringLiteral("test timed out waiting")));
    return spy.takeFirst().at(0).value<pgha::svc::LabOutcome>();
}

// PIDs of live (non-zombie) processes whose command line mentions `needle`.
inline QList<qint64> processesMentioning(const QString &needle)
{
    QList<qint64> out;
    const auto entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const auto &e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok || !pgha::svc::proc::isAlive(pid))
            continue;
        QFile f(QStringLiteral("/proc/%1/cmdline").arg(pid));
        if (f.open(QIODevice::ReadOnly) && QString::fromLocal8Bit(f.readAll().replace('\0', ' ')).contains(needle))
            out.append(pid);
    }
    return out;
}

// A lab of a test's own, started from nothing (its directory removed first).
inline pgha::svc::LabOutcome startFreshLab(const pgha::svc::LabConfig &config, pgha::svc::HttpClient *http)
{
    QDir(config.labDir).removeRecursively();
    pgha::svc::NativeLab lab(config, http);
    QSignalSpy finished(&lab, &pgha::svc::NativeLab::startFinished);
    lab.start({});
    return waitFor(finished, pgha::svc::NativeLab::kStartTimeoutMs);
}

// Stops a test's own lab, checks that no process of it is left, and removes its directory.
inline void stopAndRemoveLab(const pgha::svc::LabConfig &config, pgha::svc::HttpClient *http)
{
    pgha::svc::NativeLab lab(config, http);
    QSignalSpy stopped(&lab, &pgha::svc::NativeLab::stopFinished);
    lab.stop();
    waitFor(stopped, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(processesMentioning(config.labDir).isEmpty(), 15000);
    QDir(config.labDir).removeRecursively();
}

inline QStringList busyPorts(const pgha::svc::LabConfig &config)
{
    QStringList busy;
    for (const auto &c : config.components())
        for (const auto &p : c.ports)
            if (pgha::svc::proc::isPortInUse(config.host, p.port))
                busy.append(QStringLiteral("%1 (%2)").arg(p.port).arg(p.role));
    return busy;
}

} // namespace labtest

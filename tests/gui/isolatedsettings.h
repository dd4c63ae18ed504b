#pragma once

// Included by every GUI test: the console's settings (settings/usersettings.h) go to a folder
// of the test's own that lives as long as the test process, set before anything reads them. A
// test never reads or overwrites a person's real settings, and every run starts from the
// defaults. (Without this, a test process has no organisation name and keeps nothing at all.)
#include "settings/usersettings.h"

#include <QCoreApplication>
#include <QTemporaryDir>

namespace pgha::testsettings {

inline QTemporaryDir &folder()
{
    static QTemporaryDir dir;
    return dir;
}

inline void isolate()
{
    if (!folder().isValid())
        qFatal("no temporary folder for the test's settings: %s", qPrintable(folder().errorString()));
    qputenv(svc::settings::kDirVariable, folder().path().toUtf8());
}

} // namespace pgha::testsettings

// The macro wants an unqualified name.
static void pghaIsolateTestSettings()
{
    pgha::testsettings::isolate();
}
Q_COREAPP_STARTUP_FUNCTION(pghaIsolateTestSettings)

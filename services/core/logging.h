#pragma once

#include <QLoggingCategory>

// One category per area; enable with QT_LOGGING_RULES="pgha.*.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcPatroni)
Q_DECLARE_LOGGING_CATEGORY(lcPg)
Q_DECLARE_LOGGING_CATEGORY(lcLab)
Q_DECLARE_LOGGING_CATEGORY(lcProfile)
Q_DECLARE_LOGGING_CATEGORY(lcActions)

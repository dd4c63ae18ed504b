#pragma once

#include "core/result.h"
#include "patroni/patronitypes.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace pgha::svc {

// Editing Patroni's dynamic configuration (PATCH /config is a JSON merge patch: null removes).

// "ttl=20", "synchronous_mode=on", "postgresql.parameters.work_mem=8MB", "maximum_lag_on_failover=null"
// → merged into `patch`. Known keys are type-checked (ttl must be a whole number …).
Result<bool> addAssignment(QJsonObject &patch, const QString &assignment);

struct ConfigChange {
    QString key;                 // dotted path
    QJsonValue before;           // Undefined when absent
    QJsonValue after;            // Null when removed
};

// What `patch` would change in `current` (keys whose value stays the same are left out).
QList<ConfigChange> diffConfig(const QJsonObject &current, const QJsonObject &patch);
QString describeValue(const QJsonValue &v);

// `current` with the merge patch applied.
QJsonObject applyMergePatch(QJsonObject current, const QJsonObject &patch);

// Rules the merged configuration must keep. Errors block sending; warnings are shown.
struct ConfigCheck {
    QStringList errors;
    QStringList warnings;
};
ConfigCheck checkConfig(const QJsonObject &merged);

} // namespace pgha::svc

#include "benchstore.h"

#include <QStandardPaths>

namespace pgha::svc {

QString benchStorePath()
{
    const QString env = qEnvironmentVariable("PGHA_BENCH_STORE");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/pgha/bench-runs.jsonl");
}

} // namespace pgha::svc

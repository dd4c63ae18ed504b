#pragma once

#include <QMetaType>
#include <QString>
#include <QUrl>

namespace pgha::svc {

// What one data source (a Patroni REST API, etcd, HAProxy stats …) last did.
struct SourceHealth {
    QString id;            // stable key, e.g. "patroni:pg1"
    QString label;         // for people, e.g. "pg1 REST"
    QUrl url;
    bool reachable = false;
    bool everPolled = false;
    qint64 latencyMs = -1;
    qint64 lastSuccessMs = 0;   // ms since epoch; 0 = never
    int intervalMs = 0;
    int consecutiveFailures = 0;
    QString lastError;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::SourceHealth)

#pragma once

#include "lab/labconfig.h"
#include "lab/labstate.h"
#include "patroni/patroniclient.h"
#include "patroni/patronitypes.h"
#include "pg/pgquery.h"

#include <QObject>
#include <QStringList>

#include <optional>

namespace pgha::svc {

class HttpClient;

struct LabHealth {
    bool healthy = false;
    QString leader;
    QStringList streamingReplicas;   // from pg_stat_replication on the primary, matched by name
    QString readOnlyAnsweredBy;      // member whose PostgreSQL answered through the read-only port
    qint64 writeMs = -1;             // the write through the read-write port
    QStringList problems;            // why not healthy, one sentence each
    ClusterSnapshot cluster;

    QString summary() const;
};

// What a starting member's log says that no waiting will cure (its PostgreSQL rejects the lab's
// password: the data was made with other passwords; the data is another major version's), as
// an error naming the member and the fix; nullopt while nothing of the kind shows. `lines` are
// the log's last lines; only those after the last start header of the lab count.
std::optional<Error> diagnoseMemberLog(const QString &member, const QStringList &lines, const QString &labDir);

// What a health check reaches: each member's REST API and PostgreSQL address, and the entry
// points a client uses. The built-in lab's come from its configuration; a chaos run on another
// cluster builds them from what that cluster's /cluster reports (chaos/chaoscluster.h).
struct HealthTargets {
    struct Member {
        QString name;
        MemberApi api;
        QString host;        // "" = any address (the native lab: one host, a port per member)
        int port = 0;
    };
    QList<Member> members;
    PgEndpoint readWrite;
    PgEndpoint readOnly;
    std::optional<PgEndpoint> pgpool;   // with Pgpool-II: SHOW POOL_NODES

    static HealthTargets forLab(const LabConfig &config, const LabState::Secrets &secrets);
    // The member whose PostgreSQL answered: by address and port, else by the replication slot
    // Patroni names after each member; "" when none matches.
    QString memberAnswering(const QString &address, int port, const QString &slot) const;
};

// One check of the whole data path as a client sees it. Asynchronous; emits finished() once.
class LabHealthCheck : public QObject {
    Q_OBJECT
public:
    static constexpr int kStepTimeoutMs = 4000;

    LabHealthCheck(const LabConfig &config, const LabState::Secrets &secrets, HttpClient *http,
                   QObject *parent = nullptr);
    LabHealthCheck(HealthTargets targets, HttpClient *http, QObject *parent = nullptr);
    void start();

signals:
    void finished(const pgha::svc::LabHealth &health);

private:
    void askCluster(int index);
    void checkWrite();
    void checkRead();
    void checkPgpool();
    void done();

    HealthTargets m_targets;
    PatroniClient m_patroni;
    LabHealth m_health;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::LabHealth)

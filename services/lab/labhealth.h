#pragma once

#include "lab/labconfig.h"
#include "lab/labstate.h"
#include "patroni/patroniclient.h"
#include "patroni/patronitypes.h"

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

// One check of the whole data path as a client sees it. Asynchronous; emits finished() once.
class LabHealthCheck : public QObject {
    Q_OBJECT
public:
    static constexpr int kStepTimeoutMs = 4000;

    LabHealthCheck(const LabConfig &config, const LabState::Secrets &secrets, HttpClient *http,
                   QObject *parent = nullptr);
    void start();

signals:
    void finished(const pgha::svc::LabHealth &health);

private:
    void askCluster(int index);
    void checkWrite();
    void checkRead();
    void checkPgpool();
    void done();

    LabConfig m_config;
    LabState::Secrets m_secrets;
    PatroniClient m_patroni;
    LabHealth m_health;
};

} // namespace pgha::svc

Q_DECLARE_METATYPE(pgha::svc::LabHealth)

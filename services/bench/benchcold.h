#pragma once

#include "bench/benchtargets.h"
#include "profile/profile.h"

#include <QObject>
#include <QTimer>

#include <memory>

// `--cold`: before a measured run, the servers that answer through the target are restarted
// through Patroni (POST /restart, which returns once PostgreSQL is back), the target is asked
// until it answers again, and — as root, on the native lab, on Linux — the kernel's page cache
// is dropped. On the Docker lab the host's page cache is shared by every container and cannot be
// dropped for one: the run says so.
namespace pgha::svc {

class HttpClient;
class PgQuery;

class ColdCache : public QObject {
    Q_OBJECT
public:
    // Patroni's restart waits for PostgreSQL to stop and start again.
    static constexpr int kRestartTimeoutMs = 90'000;
    // After the restart, the target gets this long to answer again (PgBouncer reconnects).
    static constexpr int kAnswerTimeoutMs = 30'000;
    static constexpr int kAnswerRetryMs = 500;

    explicit ColdCache(QObject *parent = nullptr);
    ~ColdCache() override;

    void start(const Profile &profile, const QList<AnsweredServer> &servers, const BenchTarget &target);
    void cancel();

signals:
    void note(const QString &text);
    // "" when the caches are as cold as this machine allows; otherwise why not.
    void done(const QString &error);

private:
    void restartNext();
    void awaitTarget();
    void dropPageCache();
    void finish(const QString &error);

    Profile m_profile;
    BenchTarget m_target;
    QStringList m_members;
    int m_next = 0;
    std::unique_ptr<HttpClient> m_http;
    PgQuery *m_query = nullptr;
    QTimer m_deadline;
    bool m_running = false;
};

} // namespace pgha::svc

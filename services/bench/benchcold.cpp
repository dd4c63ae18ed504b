#include "benchcold.h"

#include "http/httpclient.h"
#include "lab/labprofile.h"
#include "patroni/patroniclient.h"
#include "lab/labstandalone.h"
#include "lab/labstate.h"
#include "pg/pgquery.h"
#include "process/processrunner.h"
#include "process/procutil.h"

namespace pgha::svc {

namespace {
constexpr int kProbeTimeoutMs = 3000;
constexpr int kDropCachesTimeoutMs = 60'000;
} // namespace

ColdCache::ColdCache(QObject *parent) : QObject(parent)
{
    m_deadline.setSingleShot(true);
}

ColdCache::~ColdCache() = default;

void ColdCache::start(const Profile &profile, const QList<AnsweredServer> &servers, const BenchTarget &target)
{
    m_profile = profile;
    m_target = target;
    m_members.clear();
    m_next = 0;
    m_running = true;
    if (target.name == u"standalone" && profile.isBuiltInLab()) {
        // No Patroni there: the lab stops and starts the baseline itself.
        emit note(QStringLiteral("cold cache: restarting the standalone PostgreSQL"));
        return stopStandalone(profile.labDir, this, [this](const StandaloneOutcome &stopped) {
            if (!m_running)
                return;
            if (!stopped.ok)
                return finish(QStringLiteral("stopping the standalone PostgreSQL: ") + stopped.error.toString());
            ensureStandalone(m_profile.labDir, this, [this](const Result<PgEndpoint> &e) {
                if (!m_running)
                    return;
                if (!e)
                    return finish(QStringLiteral("starting the standalone PostgreSQL again: ") + e.error().toString());
                awaitTarget();
            });
        });
    }
    if (!profile.actionsEnabled)
        return finish(QStringLiteral("--cold restarts PostgreSQL through Patroni, and this profile does not allow operator actions "
                                     "(set actions: true in it, or restart the members yourself and run without --cold)"));
    for (const AnsweredServer &s : servers) {
        if (s.member.isEmpty())
            return finish(QStringLiteral("%1 answered through %2, and no member of the profile has that address, so it cannot be "
                                         "restarted through Patroni (name the members' PostgreSQL under postgres: in the profile)")
                              .arg(s.address, target.name));
        if (!m_members.contains(s.member))
            m_members.append(s.member);
    }
    if (m_members.isEmpty())
        return finish(QStringLiteral("no server answered through %1").arg(target.name));
    m_http = std::make_unique<HttpClient>();
    m_http->setDefaultSecurity(patroniTlsDefault(profile));
    for (const OriginSecurity &o : httpSecurityForProfile(profile, profile.isBuiltInLab() ? labPasswords(profile) : ProfilePasswords{}))
        m_http->setSecurity(o.origin, o.security);
    restartNext();
}

void ColdCache::cancel()
{
    if (m_running)
        finish(QStringLiteral("stopped"));
}

void ColdCache::restartNext()
{
    if (!m_running)
        return;
    if (m_next >= m_members.size())
        return awaitTarget();
    const QString member = m_members[m_next++];
    QUrl url;
    for (const auto &p : m_profile.patroni)
        if (p.name == member)
            url = p.url;
    if (!url.isValid())
        return finish(QStringLiteral("the profile has no Patroni REST API for %1").arg(member));
    emit note(QStringLiteral("cold cache: restarting %1's PostgreSQL through Patroni").arg(member));
    PatroniClient(m_http.get()).restart(MemberApi{member, url}, {}, kRestartTimeoutMs, this,
                                        [this, member](const PatroniReply<PatroniAnswer> &reply) {
        if (!m_running)
            return;
        if (!reply.ok())
            return finish(QStringLiteral("restarting %1: %2").arg(member, explainHttpFailure(reply.http, member)));
        restartNext();
    });
}

void ColdCache::awaitTarget()
{
    if (!m_deadline.isActive())
        m_deadline.start(kAnswerTimeoutMs);
    PgEndpoint e = m_target.endpoint;
    e.database = QStringLiteral("postgres");
    m_query = new PgQuery(e, QStringLiteral("SELECT 1"), kProbeTimeoutMs, this);
    connect(m_query, &PgQuery::finished, this, [this, q = m_query](const PgResult &r) {
        q->deleteLater();
        m_query = nullptr;
        if (!m_running)
            return;
        if (r.ok) {
            m_deadline.stop();
            return dropPageCache();
        }
        if (!m_deadline.isActive())
            return finish(QStringLiteral("%1 did not answer within %2 s of the restart: %3").arg(m_target.name).arg(kAnswerTimeoutMs / 1000).arg(r.error));
        QTimer::singleShot(kAnswerRetryMs, this, [this] {
            if (m_running)
                awaitTarget();
        });
    });
    m_query->start();
}

void ColdCache::dropPageCache()
{
    QString flavour;
    if (m_profile.isBuiltInLab())
        if (const auto state = LabState::load(m_profile.labDir))
            flavour = state.value().flavor;
    if (flavour == u"docker") {
        emit note(QStringLiteral("cold cache: servers restarted; the host's page cache is shared by every container and "
                                 "cannot be dropped for one, so file reads may still be cached"));
        return finish({});
    }
#ifdef Q_OS_LINUX
    if (!proc::runningAsRoot()) {
        emit note(QStringLiteral("cold cache: servers restarted; the page cache was not dropped (that needs root)"));
        return finish({});
    }
    // sync first, so that dirty pages are written and can be dropped; off this thread.
    proc::RunSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), QStringLiteral("sync && echo 3 > /proc/sys/vm/drop_caches")};
    spec.timeoutMs = kDropCachesTimeoutMs;
    proc::run(spec, this, [this](const proc::ProcessResult &r) {
        if (!m_running)
            return;
        emit note(r.ok() ? QStringLiteral("cold cache: servers restarted, page cache dropped")
                         : QStringLiteral("cold cache: servers restarted; dropping the page cache failed: %1")
                                   .arg(r.said().isEmpty() ? r.error(QStringLiteral("sync")).message : r.said()));
        finish({});
    });
#else
    emit note(QStringLiteral("cold cache: servers restarted; this system's page cache is not dropped"));
    finish({});
#endif
}

void ColdCache::finish(const QString &error)
{
    if (!m_running)
        return;
    m_running = false;
    m_deadline.stop();
    if (m_query)
        discardQuery(m_query, this);
    // Queued: the caller may delete this object from its slot.
    QMetaObject::invokeMethod(this, [this, error] { emit done(error); }, Qt::QueuedConnection);
}

} // namespace pgha::svc

// ClusterModel: in-place updates, leader-change signal, and the shared formatting.
#include "clustermodel.h"
#include "fixture.h"
#include "memberformat.h"
#include "patroni/patroniparser.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

using namespace pgha;

class TestClusterModel : public QObject {
    Q_OBJECT

    static svc::ClusterSnapshot load(const QString &name)
    {
        return svc::parsePatroniCluster(readFixture(QStringLiteral("patroni/") + name)).value();
    }

private slots:
    void updatesInPlaceAndReportsLeaderChange()
    {
        models::ClusterModel model;
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy leader(&model, &models::ClusterModel::leaderChanged);

        model.setSnapshot(load(QStringLiteral("cluster-normal.json")));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(leader.size(), 1);
        QCOMPARE(leader.last().at(1).toString(), QStringLiteral("pg3"));

        model.setSnapshot(load(QStringLiteral("cluster-failover-1-dead-leader-still-listed.json")));
        QCOMPARE(resets.size(), 1);      // same members: updated in place
        QCOMPARE(changes.size(), 1);
        QCOMPARE(leader.size(), 1);      // no change yet

        model.setSnapshot(load(QStringLiteral("cluster-failover-2-new-leader-old-timeline.json")));
        QCOMPARE(model.rowCount(), 2);   // pg3 left
        QCOMPARE(leader.size(), 2);
        QCOMPARE(leader.last().at(0).toString(), QStringLiteral("pg3"));
        QCOMPARE(leader.last().at(1).toString(), QStringLiteral("pg2"));

        model.setSnapshot(load(QStringLiteral("cluster-failover-3-replica-behind.json")));
        const int pg1 = model.index(0, 0).data().toString() == u"pg1" ? 0 : 1;
        QCOMPARE(model.index(pg1, models::ClusterModel::Lag).data().toString(), QStringLiteral("280 B"));
        QCOMPARE(model.index(pg1, models::ClusterModel::Timeline).data().toString(), QStringLiteral("3"));
        QCOMPARE(model.index(1 - pg1, models::ClusterModel::Role).data().toString(), QStringLiteral("Leader"));
        QVERIFY(model.index(1 - pg1, 0).data(models::ClusterModel::IsLeaderRole).toBool());
    }

    void staleKeepsTheLastGoodData()
    {
        models::ClusterModel model;
        QSignalSpy stale(&model, &models::ClusterModel::staleChanged);
        model.setSnapshot(load(QStringLiteral("cluster-normal.json")));
        QVERIFY(!model.index(0, 0).data(models::ClusterModel::StaleRole).toBool());
        model.setStale(true);
        QCOMPARE(model.rowCount(), 3);   // still shown
        QVERIFY(model.index(0, 0).data(models::ClusterModel::StaleRole).toBool());
        QVERIFY(model.index(0, 0).data(Qt::ToolTipRole).toString().contains(u"STALE"));
        model.setSnapshot(load(QStringLiteral("cluster-normal.json")));   // a source answered again
        QVERIFY(!model.isStale());
        QCOMPARE(stale.size(), 2);
    }

    void formatting()
    {
        QCOMPARE(models::bytesText(0), QStringLiteral("0 B"));
        QCOMPARE(models::bytesText(1536), QStringLiteral("1.5 KiB"));
        QCOMPARE(models::bytesText(20LL * 1024 * 1024), QStringLiteral("20 MiB"));
        svc::PatroniMember m;
        m.role = svc::MemberRole::Replica;
        m.lag.kind = svc::MemberLag::Kind::Unknown;
        QCOMPARE(models::lagText(m), QStringLiteral("unknown"));
        QCOMPARE(models::memberToJson(m).value(u"lagBytes").toString(), QStringLiteral("unknown"));
    }
};

QTEST_GUILESS_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"

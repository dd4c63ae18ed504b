// Memory and redraw cost of the lag chart with a day of data: 24 h of 1 Hz samples for 3
// replicas plus 50 other series in the store, the main window open (offscreen). Then the
// 24 h chart redrawn (data window + replace + paint) with min/max decimation against the same
// chart fed every point (naive), in the same run. Prints medians and the ratio.
#include "chartadapter.h"
#include "clustermodel.h"
#include "containertablemodel.h"
#include "eventtimelinemodel.h"
#include "labprogressmodel.h"
#include "lagchart.h"
#include "mainwindow.h"
#include "sourcehealthmodel.h"
#include "timeseries.h"

#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QTabWidget>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace pgha;

namespace {
double rssMiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toDouble() / 1024.0;
    return -1;
}
double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int runs = argc > 1 ? atoi(argv[1]) : 20;
    const double rssStart = rssMiB();

    models::SeriesStore store;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 day = 86400;
    for (qint64 i = 0; i < day; ++i) {
        const qint64 t = now - (day - i) * 1000;
        for (int r = 0; r < 3; ++r)
            store.append(QStringLiteral("lag_bytes:pg%1").arg(r + 1), t, 4096 + 4000 * std::sin(i / (300.0 + r * 50)));
        for (int k = 0; k < 50; ++k)
            store.append(QStringLiteral("metric:%1").arg(k), t, i % 97);
    }
    const double rssData = rssMiB();

    models::ClusterModel cluster;
    models::LabProgressModel lab;
    models::ContainerTableModel containers;
    models::SourceHealthModel sources;
    models::EventTimelineModel timeline;
    views::MainWindow window(&cluster, &lab, &containers, &sources, &timeline, &store);
    window.resize(1180, 720);
    window.show();
    window.tabs()->setCurrentIndex(2);
    auto *chart = window.lagChart();
    chart->setPaused(true);   // the benchmark drives redraws itself
    chart->setWindowMs(day * 1000);
    QImage canvas(chart->size(), QImage::Format_ARGB32_Premultiplied);

    int decimatedPoints = 0;
    QList<double> ms;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        chart->redrawAt(now);
        QPainter p(&canvas);
        chart->render(&p);   // the paint a screen refresh would do
        ms.append(t.nsecsElapsed() / 1e6);
    }
    decimatedPoints = chart->pointCount();
    const double decimated = median(ms);
    const double rssWindow = rssMiB();

    // The naive peer: the same chart adapter, same size, fed every sample of the day.
    QWidget host;
    host.resize(chart->size());
    views::ChartAdapter naiveChart(&host);
    naiveChart.widget()->resize(chart->size());
    QList<QList<QPointF>> full(3);
    for (qint64 i = 0; i < day; ++i)
        for (int r = 0; r < 3; ++r)
            full[r].append(QPointF(static_cast<double>(now - (day - i) * 1000), 4096 + 4000 * std::sin(i / (300.0 + r * 50))));
    for (int r = 0; r < 3; ++r)
        naiveChart.setSeries(QStringLiteral("pg%1").arg(r + 1), Qt::blue);
    ms.clear();
    const int naiveRuns = std::max(3, runs / 4);
    for (int i = 0; i < naiveRuns; ++i) {
        QElapsedTimer t;
        t.start();
        for (int r = 0; r < 3; ++r)
            naiveChart.replace(QStringLiteral("pg%1").arg(r + 1), full[r]);
        naiveChart.setRange(now - day * 1000, now, 8096, QStringLiteral("bytes"));
        QPainter p(&canvas);
        naiveChart.widget()->render(&p);
        ms.append(t.nsecsElapsed() / 1e6);
    }
    const double naive = median(ms);
    const int naivePoints = naiveChart.pointCount();

    std::printf("store: 24 h of 1 Hz samples for 3 replicas + 50 other series = %lld samples, %.1f MiB of series memory\n",
                static_cast<long long>(day * 53), store.memoryBytes() / 1048576.0);
    std::printf("RSS: %.1f MiB at start, %.1f MiB with the data, %.1f MiB with the main window open and the 24 h chart drawn\n",
                rssStart, rssData, rssWindow);
    std::printf("24 h chart redraw (window + replace + paint): decimated %.2f ms (%d points, median of %d), naive %.2f ms (%d points, median of %d); naive/decimated %.0f×\n",
                decimated, decimatedPoints, runs, naive, naivePoints, naiveRuns, naive / std::max(decimated, 0.001));
    return 0;
}

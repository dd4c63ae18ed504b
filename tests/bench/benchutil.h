#pragma once
// What the benchmarks share: medians, this process's CPU time, and waiting with the event
// loop turning (header-only: each bench is one file).

#include <QEventLoop>
#include <QList>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>

namespace pgha::bench {

// The median (the mean of the middle two for an even count); 0 for none.
inline double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

// CPU time (user + system) in ms of `who`: RUSAGE_SELF (every thread of this process) or
// RUSAGE_CHILDREN (the children waited for).
inline double cpuMs(int who = RUSAGE_SELF)
{
    rusage u{};
    getrusage(who, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000.0 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1000.0;
}

// Waits `ms` while the event loop turns.
inline void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace pgha::bench

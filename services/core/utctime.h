#pragma once

#include <QDate>
#include <QDateTime>
#include <QTime>
#include <QtGlobal>
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
#include <QTimeZone>
#endif

namespace pgha::svc {

// A moment as a UTC QDateTime, whose ISO text ends in "Z". Qt 6.5 added QTimeZone::UTC and
// Qt 6.8 (Debian 13) deprecates the Qt::TimeSpec overloads; Qt 6.4 (Debian 12) has only
// those. QTimeZone::utc() is no way out on 6.4: it is a zone there, and the text would end in
// "+00:00" instead.
inline QDateTime utcFromMs(qint64 msSinceEpoch)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, QTimeZone::UTC);
#else
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC);
#endif
}

inline QDateTime utcDateTime(QDate date, QTime time)
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    return QDateTime(date, time, QTimeZone::UTC);
#else
    return QDateTime(date, time, Qt::UTC);
#endif
}

} // namespace pgha::svc

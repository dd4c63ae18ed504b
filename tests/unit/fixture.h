#pragma once

// Recorded payloads under tests/fixtures (tests/fixtures/README.md says how each was captured).
#include <QByteArray>
#include <QFile>
#include <QString>
#include <QtGlobal>

inline QByteArray readFixture(const QString &relativePath)
{
    QFile f(QStringLiteral(PGHA_FIXTURES_DIR "/") + relativePath);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(relativePath));
    return f.readAll();
}

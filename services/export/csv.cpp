#include "csv.h"

#include <QRegularExpression>

namespace pgha::svc {

namespace {

bool startsFormula(const QString &s)
{
    if (s.isEmpty())
        return false;
    const QChar c = s.front();
    return c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r';
}

bool isPlainNumber(const QString &s)
{
    static const QRegularExpression number(QStringLiteral("^[+-]?[0-9]+(\\.[0-9]+)?$"));
    return number.match(s).hasMatch();
}

} // namespace

QString csvField(const QString &value)
{
    QString s = value;
    if (startsFormula(s) && !isPlainNumber(s))
        s.prepend(u'\'');
    if (s.contains(u',') || s.contains(u'"') || s.contains(u'\n') || s.contains(u'\r')) {
        s.replace(QStringLiteral("\""), QStringLiteral("\"\""));
        s = u'"' + s + u'"';
    }
    return s;
}

QByteArray csvRecord(const QStringList &fields)
{
    QStringList out;
    out.reserve(fields.size());
    for (const QString &f : fields)
        out.append(csvField(f));
    return out.join(u',').toUtf8() + '\n';
}

} // namespace pgha::svc

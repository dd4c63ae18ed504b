#pragma once

#include <QList>
#include <QString>

#include <utility>

namespace pgha::views {

// A titled key/value table as HTML for the details panels, with the source it came from.
// Empty values are left out, so a row appears only when the source reported it.
inline QString detailsHtml(const QList<std::pair<QString, QString>> &rows, const QString &title, const QString &source)
{
    QString out = QStringLiteral("<h3>%1</h3><table cellspacing=2>").arg(title.toHtmlEscaped());
    for (const auto &[k, v] : rows)
        if (!v.isEmpty())
            out += QStringLiteral("<tr><td style='color:gray'>%1</td><td>%2</td></tr>").arg(k.toHtmlEscaped(), v.toHtmlEscaped());
    out += QStringLiteral("</table>");
    if (!source.isEmpty())
        out += QStringLiteral("<p style='color:gray'>source: %1</p>").arg(source.toHtmlEscaped());
    return out;
}

} // namespace pgha::views

#include "reporthtml.h"

#include <QJsonArray>

namespace pgha::reports::html {

QString table(const QStringList &header, const QList<QStringList> &rows)
{
    QString t = QStringLiteral("<table width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"3\"><thead><tr>");
    for (const auto &h : header)
        t += QStringLiteral("<th>%1</th>").arg(esc(h));
    t += QStringLiteral("</tr></thead><tbody>");
    for (const auto &row : rows) {
        t += QStringLiteral("<tr>");
        for (const auto &cell : row)
            t += QStringLiteral("<td>%1</td>").arg(cell);
        t += QStringLiteral("</tr>");
    }
    return t + QStringLiteral("</tbody></table>");
}

QString list(const QStringList &items)
{
    QString t = QStringLiteral("<ul>");
    for (const auto &i : items)
        t += QStringLiteral("<li>%1</li>").arg(i);
    return t + QStringLiteral("</ul>");
}

QList<QStringList> manifestFacts(const QJsonObject &env)
{
    constexpr double kBytesPerGiB = 1024.0 * 1024 * 1024;
    const QJsonObject v = env.value(QStringLiteral("versions")).toObject();
    const QJsonObject m = env.value(QStringLiteral("machine")).toObject();
    QList<QStringList> out;
    auto add = [&out](const QString &what, const QString &value) {
        if (!value.isEmpty())
            out.append({what, esc(value)});
    };
    add(QStringLiteral("PostgreSQL"), v.value(QStringLiteral("server")).toString());
    add(QStringLiteral("Patroni"), v.value(QStringLiteral("patroni")).toString());
    add(QStringLiteral("PgBouncer"), v.value(QStringLiteral("pgbouncer")).toString());
    add(QStringLiteral("HAProxy"), v.value(QStringLiteral("haproxy")).toString());
    add(QStringLiteral("Pgpool-II"), v.value(QStringLiteral("pgpool")).toString());
    add(QStringLiteral("pgbench"), v.value(QStringLiteral("pgbench")).toString());
    const int scale = env.value(QStringLiteral("cluster")).toObject().value(QStringLiteral("scale")).toInt();
    if (scale > 0)
        add(QStringLiteral("pgbench scale"), QString::number(scale));
    add(QStringLiteral("Machine running the load"), QStringLiteral("%1, %2, %3 logical CPUs, %4 GiB")
                                                          .arg(m.value(QStringLiteral("os")).toString(), m.value(QStringLiteral("kernel")).toString())
                                                          .arg(m.value(QStringLiteral("cores")).toInt())
                                                          .arg(m.value(QStringLiteral("memoryBytes")).toDouble() / kBytesPerGiB, 0, 'f', 1));
    for (const auto &note : env.value(QStringLiteral("notes")).toArray())
        add(QStringLiteral("Not read"), note.toString());
    return out;
}

} // namespace pgha::reports::html

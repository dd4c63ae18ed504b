#include "haproxystats.h"

#include <QHash>
#include <QStringDecoder>

namespace pgha::svc {

const HaproxyRow *HaproxyStats::find(const QString &proxy, const QString &name) const
{
    for (const auto &r : rows)
        if (r.proxy == proxy && r.name == name)
            return &r;
    return nullptr;
}

QList<HaproxyRow> HaproxyStats::servers(const QString &proxy) const
{
    QList<HaproxyRow> out;
    for (const auto &r : rows)
        if (r.proxy == proxy && r.kind == HaproxyRow::Kind::Server)
            out.append(r);
    return out;
}

namespace {

Error csvError(const QString &what)
{
    return makeError(ErrorKind::Parse, QStringLiteral("HAProxy stats CSV: ") + what,
                     QStringLiteral("check that the URL is HAProxy's stats page with \";csv\" (e.g. http://host:7000/stats;csv)"));
}

qint64 toNumber(const QString &s, qint64 fallback)
{
    bool ok = false;
    const qint64 v = s.toLongLong(&ok);
    return ok ? v : fallback;
}

} // namespace

Result<HaproxyStats> parseHaproxyCsv(const QByteArray &csv)
{
    if (csv.isEmpty())
        return csvError(QStringLiteral("empty answer"));
    if (csv.size() > kMaxHaproxyCsvBytes)
        return csvError(QStringLiteral("answer of %1 bytes is over the %2 MiB limit").arg(csv.size()).arg(kMaxHaproxyCsvBytes >> 20));
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(csv);
    if (decoder.hasError())
        return csvError(QStringLiteral("the answer is not valid UTF-8"));

    const QStringList lines = text.split(QLatin1Char('\n'));
    if (!lines.front().startsWith(u"# pxname,svname,"))
        return csvError(QStringLiteral("no \"# pxname,svname,…\" header line (got \"%1\")").arg(lines.front().left(60)));
    const QStringList header = lines.front().mid(2).split(QLatin1Char(','));
    QHash<QString, int> col;
    for (int i = 0; i < header.size(); ++i)
        col.insert(header[i].trimmed(), i);
    for (const char *required : {"pxname", "svname", "status", "type"})
        if (!col.contains(QLatin1String(required)))
            return csvError(QStringLiteral("the header has no \"%1\" column").arg(QLatin1String(required)));

    HaproxyStats stats;
    for (int n = 1; n < lines.size(); ++n) {
        const QString &line = lines[n];
        if (line.trimmed().isEmpty())
            continue;
        // HAProxy never quotes fields in this CSV (commas in names are not allowed).
        const QStringList f = line.split(QLatin1Char(','));
        if (f.size() < col.value(QStringLiteral("type")) + 1)
            return csvError(QStringLiteral("line %1 has %2 fields, fewer than the header's columns up to \"type\" (truncated?)")
                                    .arg(n + 1).arg(f.size()));
        auto field = [&](const char *name) {
            const int i = col.value(QLatin1String(name), -1);
            return i >= 0 && i < f.size() ? f[i] : QString();
        };
        HaproxyRow r;
        r.proxy = field("pxname");
        r.name = field("svname");
        if (r.proxy.isEmpty() || r.name.isEmpty())
            return csvError(QStringLiteral("line %1 has no proxy or server name").arg(n + 1));
        switch (toNumber(field("type"), -1)) {
        case 0: r.kind = HaproxyRow::Kind::Frontend; break;
        case 1: r.kind = HaproxyRow::Kind::Backend; break;
        case 2: r.kind = HaproxyRow::Kind::Server; break;
        case 3: r.kind = HaproxyRow::Kind::Listener; break;
        default: return csvError(QStringLiteral("line %1: type \"%2\" is not 0–3").arg(n + 1).arg(field("type")));
        }
        r.status = field("status");
        r.checkStatus = field("check_status");
        r.tracked = field("tracked");
        r.checkCode = static_cast<int>(toNumber(field("check_code"), 0));
        r.checkDurationMs = toNumber(field("check_duration"), -1);
        r.lastChangeSec = toNumber(field("lastchg"), -1);
        r.currentSessions = toNumber(field("scur"), 0);
        r.totalSessions = toNumber(field("stot"), 0);
        r.bytesIn = toNumber(field("bin"), 0);
        r.bytesOut = toNumber(field("bout"), 0);
        r.address = field("addr");
        stats.rows.append(r);
    }
    if (stats.rows.isEmpty())
        return csvError(QStringLiteral("a header but no rows"));
    return stats;
}

} // namespace pgha::svc

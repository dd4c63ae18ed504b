#include "prometheustext.h"

#include <QHash>
#include <QStringDecoder>

#include <cmath>
#include <limits>

namespace pgha::svc {

QString PromSample::label(const QString &key) const
{
    for (const auto &[k, v] : labels)
        if (k == key)
            return v;
    return {};
}

namespace {

Error lineError(int line, const QString &what)
{
    return makeError(ErrorKind::Parse, QStringLiteral("metrics text, line %1: %2").arg(line).arg(what),
                     QStringLiteral("check the URL serves Prometheus text format (e.g. …/metrics)"));
}

// Metric and label names are ASCII ([a-zA-Z_:][a-zA-Z0-9_:]*): no Unicode tables needed.
bool isNameStart(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' || u == ':';
}
bool isNameChar(QChar c) { return isNameStart(c) || (c.unicode() >= '0' && c.unicode() <= '9'); }

// Text with \\, \" and \n escapes; copied in one piece when it has none (the usual case).
QString unescape(QStringView v)
{
    if (!v.contains(u'\\'))
        return v.toString();
    QString out;
    out.reserve(v.size());
    for (qsizetype i = 0; i < v.size(); ++i) {
        if (v[i] == u'\\' && i + 1 < v.size()) {
            const QChar e = v[++i];
            out += e == u'n' ? QChar(u'\n') : e;
        } else {
            out += v[i];
        }
    }
    return out;
}

std::optional<double> parseValue(QStringView s)
{
    if (s == u"NaN" || s == u"nan")
        return std::numeric_limits<double>::quiet_NaN();
    if (s == u"+Inf" || s == u"Inf" || s == u"+inf" || s == u"inf")
        return std::numeric_limits<double>::infinity();
    if (s == u"-Inf" || s == u"-inf")
        return -std::numeric_limits<double>::infinity();
    bool ok = false;
    const double v = s.toDouble(&ok);
    return ok ? std::optional<double>(v) : std::nullopt;
}

PromFamily::Type typeFromName(QStringView s, bool *ok)
{
    *ok = true;
    if (s == u"counter") return PromFamily::Type::Counter;
    if (s == u"gauge") return PromFamily::Type::Gauge;
    if (s == u"histogram") return PromFamily::Type::Histogram;
    if (s == u"summary") return PromFamily::Type::Summary;
    if (s == u"untyped") return PromFamily::Type::Untyped;
    *ok = false;
    return PromFamily::Type::Untyped;
}

// Which family a sample belongs to: histogram/summary samples carry suffixes.
QString familyOf(const QString &sample, const QHash<QString, int> &known, const QList<PromFamily> &families)
{
    if (known.contains(sample))
        return sample;
    for (const char *suffix : {"_bucket", "_sum", "_count"}) {
        const QLatin1String s(suffix);
        if (sample.endsWith(s)) {
            const QString base = sample.chopped(s.size());
            const auto it = known.find(base);
            if (it != known.end()) {
                const auto t = families.at(*it).type;
                if (t == PromFamily::Type::Histogram || (t == PromFamily::Type::Summary && s != QLatin1String("_bucket")))
                    return base;
            }
        }
    }
    return sample;
}

} // namespace

Result<QList<PromFamily>> parsePrometheusText(const QByteArray &bytes, const QSet<QString> *keep)
{
    if (bytes.size() > kMaxMetricsBytes)
        return makeError(ErrorKind::Parse, QStringLiteral("metrics text: %1 bytes is over the %2 MiB limit").arg(bytes.size()).arg(kMaxMetricsBytes >> 20));
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return makeError(ErrorKind::Parse, QStringLiteral("metrics text: not valid UTF-8"));

    QList<PromFamily> families;
    QHash<QString, int> index;   // family name → position
    auto family = [&](const QString &name) -> PromFamily & {
        auto it = index.find(name);
        if (it == index.end()) {
            index.insert(name, static_cast<int>(families.size()));
            families.append(PromFamily{name, PromFamily::Type::Untyped, {}, {}});
            return families.last();
        }
        return families[*it];
    };

    const QStringView all(text);
    int lineNo = 0;
    for (qsizetype from = 0; from <= all.size();) {
        ++lineNo;
        qsizetype end = all.indexOf(u'\n', from);
        if (end < 0)
            end = all.size();
        QStringView line = all.mid(from, end - from);
        from = end + 1;
        if (line.endsWith(u'\r'))
            line.chop(1);
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(u'#')) {
            const QStringView rest = line.mid(1).trimmed();
            const bool help = rest.startsWith(u"HELP ");
            const bool type = rest.startsWith(u"TYPE ");
            if (!help && !type)
                continue;   // a plain comment
            const QStringView body = rest.mid(5).trimmed();
            const qsizetype space = body.indexOf(u' ');
            const QString name = (space < 0 ? body : body.left(space)).toString();
            if (name.isEmpty() || !isNameStart(name.front()))
                return lineError(lineNo, QStringLiteral("# %1 without a metric name").arg(help ? u"HELP" : u"TYPE"));
            const QStringView value = space < 0 ? QStringView() : body.mid(space + 1);
            if (help) {
                PromFamily &f = family(name);
                if (!keep || keep->contains(name))
                    f.help = unescape(value);
            } else {
                bool ok = false;
                const auto t = typeFromName(value.trimmed(), &ok);
                if (!ok)
                    return lineError(lineNo, QStringLiteral("unknown metric type \"%1\"").arg(value.trimmed()));
                if (family(name).sampleCount() > 0)
                    return lineError(lineNo, QStringLiteral("# TYPE for %1 after its samples").arg(name));
                family(name).type = t;
            }
            continue;
        }

        // A sample: name, optional {labels}, value, optional timestamp.
        qsizetype i = 0;
        if (!isNameStart(line[0]))
            return lineError(lineNo, QStringLiteral("a sample must start with a metric name"));
        while (i < line.size() && isNameChar(line[i]))
            ++i;
        PromSample s;
        s.name = line.left(i).toString();
        PromFamily &owner = family(familyOf(s.name, index, families));
        const bool kept = !keep || keep->contains(owner.name);
        // Blanks may stand between the name and its labels (Patroni 3.0.2 writes
        // "patroni_postgres_server_version {scope=…}"); Prometheus's own parser skips them.
        qsizetype afterName = i;
        while (afterName < line.size() && (line[afterName] == u' ' || line[afterName] == u'\t'))
            ++afterName;
        if (afterName < line.size() && line[afterName] == u'{')
            i = afterName;
        if (i < line.size() && line[i] == u'{') {
            ++i;
            while (true) {
                while (i < line.size() && line[i].isSpace())
                    ++i;
                if (i < line.size() && line[i] == u'}') {
                    ++i;
                    break;
                }
                const qsizetype start = i;
                while (i < line.size() && isNameChar(line[i]))
                    ++i;
                if (start == i)
                    return lineError(lineNo, QStringLiteral("a label name was expected in %1").arg(s.name));
                const QStringView key = line.mid(start, i - start);
                while (i < line.size() && line[i].isSpace())
                    ++i;
                if (i + 1 >= line.size() || line[i] != u'=' || line[i + 1] != u'"')
                    return lineError(lineNo, QStringLiteral("label %1 of %2 has no =\"value\"").arg(key, s.name));
                i += 2;
                // The closing quote is the first one not escaped by a backslash.
                const qsizetype valueStart = i;
                bool closed = false;
                while (i < line.size()) {
                    const QChar c = line[i++];
                    if (c == u'"') {
                        closed = true;
                        break;
                    }
                    if (c == u'\\')
                        ++i;   // \\ \" \n
                }
                if (!closed || i > line.size())
                    return lineError(lineNo, QStringLiteral("label %1 of %2: unterminated value").arg(key, s.name));
                if (kept)
                    s.labels.append({key.toString(), unescape(line.mid(valueStart, i - 1 - valueStart))});
                while (i < line.size() && line[i].isSpace())
                    ++i;
                if (i < line.size() && line[i] == u',')
                    ++i;
                else if (i < line.size() && line[i] == u'}')
                    continue;
                else
                    return lineError(lineNo, QStringLiteral("labels of %1 are not closed with }").arg(s.name));
            }
        }
        const QList<QStringView> parts = line.mid(i).trimmed().split(u' ', Qt::SkipEmptyParts);
        if (parts.isEmpty() || parts.size() > 2)
            return lineError(lineNo, QStringLiteral("%1 needs a value and at most a timestamp").arg(s.name));
        const auto value = parseValue(parts[0]);
        if (!value)
            return lineError(lineNo, QStringLiteral("\"%1\" is not a number (value of %2)").arg(parts[0]).arg(s.name));
        s.value = *value;
        if (parts.size() == 2) {
            bool ok = false;
            const qint64 ts = parts[1].toLongLong(&ok);
            if (!ok)
                return lineError(lineNo, QStringLiteral("timestamp \"%1\" of %2 is not an integer").arg(parts[1]).arg(s.name));
            s.timestampMs = ts;
        }
        if (kept)
            owner.samples.append(s);
        else
            ++owner.droppedSamples;
    }
    return families;
}

const PromSample *findSample(const QList<PromFamily> &families, const QString &name,
                             const QList<QPair<QString, QString>> &match)
{
    for (const auto &f : families)
        for (const auto &s : f.samples) {
            if (s.name != name)
                continue;
            bool all = true;
            for (const auto &[k, v] : match)
                all = all && s.label(k) == v;
            if (all)
                return &s;
        }
    return nullptr;
}

} // namespace pgha::svc

#include "configpatch.h"

#include "core/wholenumber.h"
#include "patroni/patronitypes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace pgha::svc {

namespace {

// Patroni's dynamic settings the console knows the type of. Others are passed through as
// typed by their value (number, true/false, null, else text).
enum class Type { Int, Bool, Text };
struct KnownKey {
    const char *key;
    Type type;
    int minimum;
};
constexpr KnownKey kKnownKeys[] = {
    {"ttl", Type::Int, 1},
    {"loop_wait", Type::Int, 1},
    {"retry_timeout", Type::Int, 1},
    {"maximum_lag_on_failover", Type::Int, 0},
    {"maximum_lag_on_syncnode", Type::Int, -1},
    {"primary_start_timeout", Type::Int, 0},
    {"master_start_timeout", Type::Int, 0},
    {"primary_stop_timeout", Type::Int, 0},
    {"synchronous_mode", Type::Bool, 0},
    {"synchronous_mode_strict", Type::Bool, 0},
    {"synchronous_node_count", Type::Int, 1},
    {"failsafe_mode", Type::Bool, 0},
    {"check_timeline", Type::Bool, 0},
    {"pause", Type::Bool, 0},
    {"postgresql.use_pg_rewind", Type::Bool, 0},
    {"postgresql.use_slots", Type::Bool, 0},
};

// Patroni's documented minimums; lower values work on 3.0.x but are unsupported.
constexpr int kDocumentedMinTtl = 20;
constexpr int kDocumentedMinRetryTimeout = 3;

const KnownKey *known(const QString &key)
{
    for (const auto &k : kKnownKeys)
        if (key == QLatin1String(k.key))
            return &k;
    return nullptr;
}

std::optional<bool> parseBool(const QString &v)
{
    const QString s = v.toLower();
    if (s == u"true" || s == u"on" || s == u"yes" || s == u"1")
        return true;
    if (s == u"false" || s == u"off" || s == u"no" || s == u"0")
        return false;
    return std::nullopt;
}

void setPath(QJsonObject &o, const QStringList &path, const QJsonValue &v)
{
    if (path.size() == 1) {
        o.insert(path.front(), v);
        return;
    }
    QJsonObject child = o.value(path.front()).toObject();
    setPath(child, path.mid(1), v);
    o.insert(path.front(), child);
}

void diffInto(QList<ConfigChange> &out, const QString &prefix, const QJsonObject &current, const QJsonObject &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const QString key = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        const QJsonValue before = current.value(it.key());
        if (it->isObject()) {
            diffInto(out, key, before.toObject(), it->toObject());
            continue;
        }
        if (it->isNull()) {
            if (!before.isUndefined() && !before.isNull())
                out.append({key, before, QJsonValue(QJsonValue::Null)});
            continue;
        }
        // Patroni stores some numbers as text ("ttl": "20" when set through edit-config): compare loosely.
        if (before.toVariant().toString() == it->toVariant().toString() && !before.isUndefined())
            continue;
        out.append({key, before, *it});
    }
}

std::optional<qint64> intOf(const QJsonValue &v)
{
    if (v.isDouble())
        return wholeNumber<qint64>(v.toDouble());
    bool ok = false;
    const qint64 n = v.toString().toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}

} // namespace

Result<bool> addAssignment(QJsonObject &patch, const QString &assignment)
{
    const qsizetype eq = assignment.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return makeError(QStringLiteral("\"%1\" is not KEY=VALUE").arg(assignment),
                         QStringLiteral("e.g. ttl=20, synchronous_mode=on, postgresql.parameters.work_mem=8MB"));
    const QString key = assignment.left(eq).trimmed();
    const QString raw = assignment.mid(eq + 1).trimmed();
    const QStringList path = key.split(QLatin1Char('.'));
    for (const auto &part : path)
        if (part.isEmpty())
            return makeError(QStringLiteral("\"%1\" is not a valid key").arg(key));
    QJsonValue value;
    if (raw == u"null") {
        value = QJsonValue::Null;
    } else if (const auto *k = known(key)) {
        if (k->type == Type::Int) {
            bool ok = false;
            const qint64 n = raw.toLongLong(&ok);
            if (!ok)
                return makeError(QStringLiteral("%1 must be a whole number, not \"%2\"").arg(key, raw));
            if (n < k->minimum)
                return makeError(QStringLiteral("%1 must be at least %2").arg(key).arg(k->minimum));
            value = n;
        } else if (k->type == Type::Bool) {
            const auto b = parseBool(raw);
            if (!b)
                return makeError(QStringLiteral("%1 must be true or false, not \"%2\"").arg(key, raw));
            value = *b;
        } else {
            value = raw;
        }
    } else if (path.size() == 3 && path[0] == u"postgresql" && path[1] == u"parameters") {
        // PostgreSQL parameters keep their text ("8MB", "on"), except plain numbers.
        bool ok = false;
        const qint64 n = raw.toLongLong(&ok);
        value = ok ? QJsonValue(n) : QJsonValue(raw);
    } else {
        bool ok = false;
        const qint64 n = raw.toLongLong(&ok);
        if (ok)
            value = n;
        else if (const auto b = parseBool(raw); b && (raw == u"true" || raw == u"false"))
            value = *b;
        else
            value = raw;
    }
    setPath(patch, path, value);
    return true;
}

QList<ConfigChange> diffConfig(const QJsonObject &current, const QJsonObject &patch)
{
    QList<ConfigChange> out;
    diffInto(out, QString(), current, patch);
    return out;
}

QString describeValue(const QJsonValue &v)
{
    if (v.isUndefined())
        return QStringLiteral("(unset)");
    if (v.isNull())
        return QStringLiteral("(removed)");
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    if (v.isString())
        return v.toString();
    return QString::fromUtf8(v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact)
                                          : QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
}

QJsonObject applyMergePatch(QJsonObject current, const QJsonObject &patch)
{
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it->isNull())
            current.remove(it.key());
        else if (it->isObject())
            current.insert(it.key(), applyMergePatch(current.value(it.key()).toObject(), it->toObject()));
        else
            current.insert(it.key(), *it);
    }
    return current;
}

ConfigCheck checkConfig(const QJsonObject &m)
{
    ConfigCheck c;
    // Patroni's defaults where a key is absent.
    const qint64 ttl = intOf(m.value(u"ttl")).value_or(PatroniDynamicConfig::kDefaultTtl);
    const qint64 loopWait = intOf(m.value(u"loop_wait")).value_or(PatroniDynamicConfig::kDefaultLoopWait);
    const qint64 retry = intOf(m.value(u"retry_timeout")).value_or(PatroniDynamicConfig::kDefaultRetryTimeout);
    for (const char *k : {"ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover"}) {
        const QJsonValue v = m.value(QLatin1String(k));
        if (!v.isUndefined() && !intOf(v))
            c.errors << QStringLiteral("%1 is \"%2\", not a number").arg(QLatin1String(k), describeValue(v));
    }
    if (loopWait + 2 * retry > ttl)
        c.errors << QStringLiteral("loop_wait + 2 × retry_timeout = %1 + 2 × %2 = %3 is over ttl %4 — Patroni could lose the "
                                   "leader key while a DCS call is retried; raise ttl to at least %3")
                        .arg(loopWait).arg(retry).arg(loopWait + 2 * retry).arg(ttl);
    if (ttl < kDocumentedMinTtl)
        c.warnings << QStringLiteral("ttl %1 is below Patroni's documented minimum of %2 (accepted by 3.0.x, unsupported)")
                          .arg(ttl).arg(kDocumentedMinTtl);
    if (retry < kDocumentedMinRetryTimeout)
        c.warnings << QStringLiteral("retry_timeout %1 is below Patroni's documented minimum of %2").arg(retry).arg(kDocumentedMinRetryTimeout);
    if (m.value(u"synchronous_mode_strict").toBool() && !m.value(u"synchronous_mode").toBool())
        c.warnings << QStringLiteral("synchronous_mode_strict has no effect while synchronous_mode is off");
    return c;
}

} // namespace pgha::svc

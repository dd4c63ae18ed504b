#include "lab/labstartbreakdown.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace pgha::svc {

namespace {

constexpr int kIndent = 2;            // parallel stages, under the stage they began in
constexpr int kNumberWidth = 6;       // "123.4"
constexpr int kShareWidth = 6;        // "100 %"

QString seconds(qint64 ms)
{
    return ms < 0 ? QStringLiteral("—") : QString::number(ms / 1000.0, 'f', 1);
}

QString percent(double share)
{
    return share < 0 ? QString() : QStringLiteral("%1 %").arg(std::lround(share * 100));
}

} // namespace

LabStartStage *LabStartBreakdown::find(const QString &key)
{
    for (auto &s : m_stages)
        if (s.key == key)
            return &s;
    return nullptr;
}

const LabStartStage *LabStartBreakdown::stage(const QString &key) const
{
    for (const auto &s : m_stages)
        if (s.key == key)
            return &s;
    return nullptr;
}

void LabStartBreakdown::insert(LabStartStage stage)
{
    // Kept in order of start so that every reader (table, panel, JSON) sees the same order.
    const auto at = std::upper_bound(m_stages.begin(), m_stages.end(), stage.startMs,
                                     [](qint64 start, const LabStartStage &s) { return start < s.startMs; });
    m_stages.insert(at, std::move(stage));
}

void LabStartBreakdown::advance(const QString &key, const QString &label, qint64 atMs)
{
    if (!m_running.isEmpty())
        end(m_running, atMs);
    m_running = key;
    if (auto *s = find(key)) {   // a stage is begun once; its label may still be refined
        s->label = label;
        return;
    }
    insert({key, label, atMs, -1, false, {}});
}

void LabStartBreakdown::beginParallel(const QString &key, const QString &label, qint64 atMs)
{
    if (find(key))
        return;
    insert({key, label, atMs, -1, true, {}});
}

void LabStartBreakdown::end(const QString &key, qint64 atMs)
{
    auto *s = find(key);
    if (!s || s->endMs >= 0)
        return;
    s->endMs = std::max(atMs, s->startMs);
    if (key == m_running)
        m_running.clear();
}

void LabStartBreakdown::setLabel(const QString &key, const QString &label)
{
    if (auto *s = find(key))
        s->label = label;
}

void LabStartBreakdown::setNote(const QString &key, const QString &note)
{
    if (auto *s = find(key))
        s->note = note;
}

void LabStartBreakdown::finish(qint64 totalMs)
{
    if (!m_running.isEmpty())
        end(m_running, totalMs);
    m_totalMs = totalMs;
}

qint64 LabStartBreakdown::criticalPathMs() const
{
    qint64 sum = 0;
    for (const auto &s : m_stages)
        if (!s.parallel && s.finished())
            sum += s.durationMs();
    return sum;
}

double LabStartBreakdown::share(const LabStartStage &stage) const
{
    if (!stage.finished() || m_totalMs <= 0)
        return -1;
    return static_cast<double>(stage.durationMs()) / static_cast<double>(m_totalMs);
}

QList<const LabStartStage *> LabStartBreakdown::displayOrder() const
{
    QList<const LabStartStage *> ordered;
    QList<const LabStartStage *> beside;
    for (const auto &s : m_stages)
        if (s.parallel)
            beside.append(&s);
    auto takeBeside = [&](qint64 from, qint64 until) {
        for (qsizetype i = 0; i < beside.size();)
            if (beside[i]->startMs >= from && (until < 0 || beside[i]->startMs < until))
                ordered.append(beside.takeAt(i));
            else
                ++i;
    };
    bool anyCritical = false;
    for (const auto &s : m_stages) {
        if (s.parallel)
            continue;
        if (!anyCritical)
            takeBeside(-1, s.startMs);   // began before the first critical stage
        anyCritical = true;
        ordered.append(&s);
        takeBeside(s.startMs, s.finished() ? s.endMs : -1);
    }
    takeBeside(-1, -1);   // whatever is left (no critical stage, or after the last one ended)
    return ordered;
}

QStringList LabStartBreakdown::table() const
{
    if (m_stages.isEmpty())
        return {};
    const QList<const LabStartStage *> ordered = displayOrder();
    auto indent = [](const LabStartStage *s) { return s->parallel ? kIndent : 0; };
    const QString total = QStringLiteral("total");
    qsizetype labelWidth = std::max<qsizetype>(total.size(), 5);
    for (const auto *s : ordered)
        labelWidth = std::max(labelWidth, s->label.size() + indent(s));
    auto row = [&](const QString &label, const QString &from, const QString &to, const QString &secs, const QString &share) {
        QString line = label.leftJustified(labelWidth) + from.rightJustified(kNumberWidth + 1)
                + to.rightJustified(kNumberWidth + 1) + secs.rightJustified(kNumberWidth + 1)
                + share.rightJustified(kShareWidth + 1);
        while (line.endsWith(u' '))   // the total has no share when unknown: no trailing blanks
            line.chop(1);
        return line;
    };
    QStringList lines{row(QStringLiteral("stage"), QStringLiteral("from"), QStringLiteral("to"), QStringLiteral("s"),
                          QStringLiteral("share"))};
    bool anyBeside = false;
    for (const auto *s : ordered) {
        anyBeside = anyBeside || s->parallel;
        lines.append(row(QString(indent(s), u' ') + s->label, seconds(s->startMs), seconds(s->endMs), seconds(s->durationMs()),
                         percent(share(*s))));
    }
    lines.append(row(total, QString(), seconds(m_totalMs), seconds(m_totalMs), m_totalMs > 0 ? percent(1.0) : QString()));
    if (anyBeside)
        lines.append(QStringLiteral("(indented: in parallel with the stage above; not added to the total)"));
    return lines;
}

QJsonObject LabStartBreakdown::toJson() const
{
    QJsonArray stages;
    for (const auto &s : m_stages) {
        QJsonObject o{{QStringLiteral("key"), s.key},
                      {QStringLiteral("label"), s.label},
                      {QStringLiteral("startMs"), s.startMs},
                      {QStringLiteral("endMs"), s.endMs >= 0 ? QJsonValue(s.endMs) : QJsonValue()},
                      {QStringLiteral("parallel"), s.parallel}};
        if (s.finished())
            o.insert(QStringLiteral("durationMs"), s.durationMs());
        if (const double sh = share(s); sh >= 0)
            o.insert(QStringLiteral("share"), std::round(sh * 1000) / 1000);
        if (!s.note.isEmpty())
            o.insert(QStringLiteral("note"), s.note);
        stages.append(o);
    }
    return QJsonObject{{QStringLiteral("flavor"), flavor},
                       {QStringLiteral("fromNothing"), fromNothing},
                       {QStringLiteral("totalMs"), m_totalMs >= 0 ? QJsonValue(m_totalMs) : QJsonValue()},
                       {QStringLiteral("criticalPathMs"), criticalPathMs()},
                       {QStringLiteral("stages"), stages}};
}

LabStartBreakdown LabStartBreakdown::fromJson(const QJsonObject &o)
{
    LabStartBreakdown b;
    b.flavor = o.value(u"flavor").toString();
    b.fromNothing = o.value(u"fromNothing").toBool();
    b.m_totalMs = o.value(u"totalMs").toInteger(-1);
    for (const auto &v : o.value(u"stages").toArray()) {
        const QJsonObject s = v.toObject();
        const qint64 start = s.value(u"startMs").toInteger(-1);
        if (s.value(u"key").toString().isEmpty() || start < 0)
            continue;   // not a stage of ours: nothing to place on the clock
        b.insert({s.value(u"key").toString(), s.value(u"label").toString(), start, s.value(u"endMs").toInteger(-1),
                  s.value(u"parallel").toBool(), s.value(u"note").toString()});
    }
    return b;
}

} // namespace pgha::svc

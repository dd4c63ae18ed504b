#include "journalview.h"

#include "savedialog.h"

#include "actions/journal.h"
#include "rolecolors.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

QString msText(const QJsonValue &v)
{
    return v.isDouble() && v.toDouble() >= 0 ? QStringLiteral("%1 s").arg(v.toDouble() / 1000.0, 0, 'f', 2) : QString();
}

QColor resultColor(const QString &result)
{
    if (result == u"succeeded")
        return healthColor(true);
    if (result == u"cancelled")
        return QColor(0x75, 0x75, 0x75);
    if (result == u"timed out")
        return pendingColor();
    return healthColor(false);
}

QString pre(const QString &text)
{
    return QStringLiteral("<pre style='white-space:pre-wrap'>%1</pre>").arg(text.toHtmlEscaped());
}

QString membersHtml(const QJsonObject &snapshot)
{
    QStringList out;
    for (const auto &v : snapshot.value(u"members").toArray()) {
        const auto m = v.toObject();
        QString s = QStringLiteral("%1 %2/%3").arg(m.value(u"name").toString(), m.value(u"role").toString(), m.value(u"state").toString());
        if (m.contains(u"timeline"))
            s += QStringLiteral(" TL%1").arg(m.value(u"timeline").toInteger());
        out << s.toHtmlEscaped();
    }
    if (snapshot.value(u"paused").toBool())
        out << QObject::tr("[paused]");
    return out.isEmpty() ? QObject::tr("<i>not read</i>") : out.join(QStringLiteral("<br>"));
}

} // namespace

JournalView::JournalView(QWidget *parent)
    : QWidget(parent),
      m_table(new QTableWidget(0, ColumnCount, this)),
      m_details(new QTextBrowser(this)),
      m_status(new QLabel(this)),
      m_export(new QPushButton(tr("Export JSONL…"), this))
{
    setObjectName(QStringLiteral("journalView"));
    m_table->setObjectName(QStringLiteral("journalTable"));
    m_table->setHorizontalHeaderLabels({tr("Time"), tr("Profile"), tr("Action"), tr("Target"), tr("Result"), tr("Summary"), tr("Write gap")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(Summary, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    m_details->setObjectName(QStringLiteral("journalDetails"));
    m_details->setPlaceholderText(tr("Select an entry to see its request, Patroni's answer and the cluster before and after."));
    m_status->setObjectName(QStringLiteral("journalStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export->setObjectName(QStringLiteral("exportJournal"));
    auto *reload = new QPushButton(tr("Refresh"), this);
    connect(reload, &QPushButton::clicked, this, &JournalView::refresh);
    connect(m_export, &QPushButton::clicked, this, &JournalView::askExport);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row) { showEntry(row); });

    auto *top = new QHBoxLayout;
    top->addWidget(m_status, 1);
    top->addWidget(reload);
    top->addWidget(m_export);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(top);
    layout->addWidget(split, 1);
}

void JournalView::setJournalPath(const QString &path)
{
    m_path = path;
    refresh();
}

void JournalView::refresh()
{
    int damaged = 0;
    const auto read = svc::Journal(m_path).read(&damaged);
    m_entries.clear();
    if (read) {
        // Newest first: the action just taken is the one people look for.
        for (auto it = read.value().crbegin(); it != read.value().crend(); ++it)
            m_entries.append(*it);
    }
    m_table->setRowCount(int(m_entries.size()));
    for (int row = 0; row < m_entries.size(); ++row) {
        const auto &e = m_entries[row];
        const auto out = e.value(u"outcome").toObject();
        const QDateTime t = QDateTime::fromString(e.value(u"time").toString(), Qt::ISODateWithMs).toLocalTime();
        QStringList targets;
        for (const auto &v : e.value(u"target").toArray())
            targets << v.toString();
        const QString cells[ColumnCount] = {
            t.isValid() ? t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : e.value(u"time").toString(),
            QStringLiteral("%1 (%2)").arg(e.value(u"profile").toString(), e.value(u"profileKind").toString()),
            e.value(u"action").toString(),
            targets.join(QStringLiteral(", ")),
            out.value(u"result").toString(),
            out.value(u"summary").toString(),
            msText(out.value(u"writeGapMs")),
        };
        for (int c = 0; c < ColumnCount; ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == Summary)
                item->setToolTip(cells[c]);
            m_table->setItem(row, c, item);
        }
        m_table->item(row, Result)->setForeground(resultColor(cells[Result]));
    }
    QString status = read ? tr("%n entr(y/ies) in %1", nullptr, int(m_entries.size())).arg(m_path)
                          : read.error().toString();
    if (read && m_entries.isEmpty())
        status = tr("No action recorded yet in %1").arg(m_path);
    if (damaged)
        status += tr(" · %1 damaged line(s) skipped").arg(damaged);
    m_status->setText(status);
    m_export->setEnabled(!m_entries.isEmpty());
    if (!m_entries.isEmpty())
        m_table->selectRow(0);
    else
        m_details->clear();
}

svc::Result<bool> JournalView::exportTo(const QString &file)
{
    auto r = svc::Journal(m_path).exportTo(file);
    m_status->setText(r ? tr("Exported %1 entr(y/ies) to %2").arg(m_entries.size()).arg(file)
                        : r.error().toString());
    return r;
}

void JournalView::askExport()
{
    askSavePath(this, tr("Export the operator journal"), {tr("JSON Lines (*.jsonl)"), tr("All files (*)")},
                QStringLiteral("pgha-journal"), [this](const QString &file) { exportTo(file); });
}

void JournalView::showEntry(int row)
{
    if (row < 0 || row >= m_entries.size()) {
        m_details->clear();
        return;
    }
    m_details->setHtml(detailsHtml(m_entries[row]));
}

QString JournalView::detailsHtml(const QJsonObject &e)
{
    const auto out = e.value(u"outcome").toObject();
    QString html = QStringLiteral("<h3>%1 — <span style='color:%2'>%3</span></h3><p>%4</p>")
                           .arg(e.value(u"action").toString().toHtmlEscaped(), resultColor(out.value(u"result").toString()).name(),
                                out.value(u"result").toString().toHtmlEscaped(), out.value(u"summary").toString().toHtmlEscaped());
    html += QStringLiteral("<table cellspacing=2>");
    auto row = [&html](const QString &k, const QString &v) {
        if (!v.isEmpty())
            html += QStringLiteral("<tr><td style='color:gray'>%1</td><td>%2</td></tr>").arg(k.toHtmlEscaped(), v.toHtmlEscaped());
    };
    row(tr("Time"), e.value(u"time").toString());
    row(tr("Profile"), QStringLiteral("%1 (%2), scope %3").arg(e.value(u"profile").toString(), e.value(u"profileKind").toString(),
                                                             e.value(u"scope").toString()));
    row(tr("Reason"), e.value(u"reason").toString());
    row(tr("Scheduled at"), e.value(u"scheduledAt").toString());
    row(tr("New leader"), out.value(u"newLeader").toString());
    row(tr("Time to new leader"), msText(out.value(u"timeToNewLeaderMs")));
    row(tr("Converged after"), msText(out.value(u"convergedMs")));
    row(tr("Write gap"), msText(out.value(u"writeGapMs")));
    if (out.contains(u"writesAcknowledged"))
        row(tr("Writes acknowledged / failed"),
            QStringLiteral("%1 / %2").arg(out.value(u"writesAcknowledged").toInt()).arg(out.value(u"writesFailed").toInt()));
    html += QStringLiteral("</table>");
    for (const auto &v : e.value(u"requests").toArray()) {
        const auto q = v.toObject();
        html += tr("<h4>Request to %1</h4>").arg(q.value(u"member").toString().toHtmlEscaped());
        html += pre(QStringLiteral("%1 %2\n%3").arg(q.value(u"method").toString(), q.value(u"url").toString(), q.value(u"body").toString()));
        html += tr("<p style='color:gray'>curl</p>") + pre(q.value(u"curl").toString());
        const auto resp = q.value(u"response").toObject();
        if (!resp.isEmpty())
            html += tr("<p style='color:gray'>response</p>")
                    + pre(QStringLiteral("HTTP %1 (%2 ms) %3\n%4")
                                  .arg(resp.value(u"status").toInt())
                                  .arg(resp.value(u"elapsedMs").toInteger())
                                  .arg(resp.value(u"error").toString(), resp.value(u"body").toString()));
    }
    if (!e.value(u"patronictl").toString().isEmpty())
        html += tr("<h4>patronictl</h4>") + pre(e.value(u"patronictl").toString());
    const auto pf = e.value(u"preflight").toObject();
    QStringList problems;
    for (const auto &b : pf.value(u"blockers").toArray())
        problems << QStringLiteral("<span style='color:#c62828'>✖ %1</span>").arg(b.toString().toHtmlEscaped());
    for (const auto &w : pf.value(u"warnings").toArray())
        problems << QStringLiteral("<span style='color:#b26a00'>⚠ %1</span>").arg(w.toString().toHtmlEscaped());
    if (!problems.isEmpty())
        html += tr("<h4>Pre-flight</h4>") + problems.join(QStringLiteral("<br>"));
    html += tr("<h4>Before</h4>") + membersHtml(e.value(u"before").toObject());
    html += tr("<h4>After</h4>") + membersHtml(e.value(u"after").toObject());
    const auto steps = out.value(u"steps").toArray();
    if (!steps.isEmpty()) {
        html += tr("<h4>Steps</h4><table cellspacing=2>");
        for (const auto &v : steps) {
            const auto s = v.toObject();
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td style='color:gray'>%4</td></tr>")
                            .arg(s.value(u"state").toString().toHtmlEscaped(), s.value(u"title").toString().toHtmlEscaped(),
                                 msText(s.value(u"elapsedMs")), s.value(u"detail").toString().toHtmlEscaped());
        }
        html += QStringLiteral("</table>");
    }
    return html;
}

} // namespace pgha::views

#include "savedialog.h"

#include "settings/usersettings.h"

#include <QDateTime>
#include <QFileDialog>
#include <QRegularExpression>

namespace pgha::views {

namespace {

// "PNG image (*.png)" → "png"
QString suffixOf(const QString &filter)
{
    static const QRegularExpression ext(QStringLiteral("\\*\\.([A-Za-z0-9]+)"));
    const QRegularExpressionMatch m = ext.match(filter);
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace

void askSavePath(QWidget *parent, const QString &title, const QStringList &filters, const QString &baseName,
                 std::function<void(const QString &path)> chosen)
{
    auto *dialog = new QFileDialog(parent, title, svc::settings::value(svc::settings::kLastExportFolder),
                                   filters.join(QStringLiteral(";;")));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    const QString suffix = suffixOf(filters.value(0));
    dialog->setDefaultSuffix(suffix);
    dialog->selectFile(QStringLiteral("%1-%2.%3").arg(baseName, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")), suffix));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &QFileDialog::filterSelected, dialog, [dialog](const QString &filter) {
        if (const QString s = suffixOf(filter); !s.isEmpty())
            dialog->setDefaultSuffix(s);
    });
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog, [chosen = std::move(chosen)](const QString &file) {
        svc::settings::rememberExportFile(file);
        chosen(file);
    });
    dialog->open();
}

} // namespace pgha::views

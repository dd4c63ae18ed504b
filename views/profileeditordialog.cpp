#include "profileeditordialog.h"
#include "formpage.h"

#include "secrets/profilesecrets.h"
#include "secrets/secretstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace pgha::views {

namespace {

using svc::Profile;

constexpr QSize kDialogSize(860, 680);
constexpr int kUrlListLines = 3;
const QColor kErrorColor(0xc6, 0x28, 0x28);

// "pg1 http://host:8008" or a bare URL per line (named by host:port, as the YAML parser does).
svc::Result<QList<Profile::Endpoint>> endpointsFromText(const QString &text, const QString &what, const QStringList &schemes)
{
    QList<Profile::Endpoint> out;
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const QStringList parts = lines[i].split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (parts.isEmpty())
            continue;
        const QUrl url(parts.size() > 1 ? parts[1] : parts[0]);
        // Before any message that quotes the line: it must not echo a password.
        if (const QString problem = svc::urlCredentialsProblem(url); !problem.isEmpty())
            return svc::makeError(QObject::tr("%1, line %2: %3").arg(what).arg(i + 1).arg(problem),
                                  QObject::tr("remove the user:password@ part; the user goes into the REST user field, the "
                                              "password into the password field (kept in the keychain)"));
        if (parts.size() > 2 || !url.isValid() || url.host().isEmpty() || !schemes.contains(url.scheme()))
            return svc::makeError(QObject::tr("%1, line %2: \"%3\" is not \"NAME URL\" or a URL like %4://host:port")
                                          .arg(what).arg(i + 1).arg(lines[i].trimmed(), schemes.value(0)));
        out.append({parts.size() > 1 ? parts[0] : url.authority(), url});
    }
    return out;
}

QString endpointsText(const QList<Profile::Endpoint> &list)
{
    QStringList lines;
    for (const auto &e : list)
        lines << (e.name == e.url.authority() ? e.url.toString() : e.name + QLatin1Char(' ') + e.url.toString());
    return lines.join(QLatin1Char('\n'));
}

// "host:port" keeping user and database of `base`.
svc::Result<svc::PgEndpoint> entryPointFromText(const QString &text, svc::PgEndpoint base, const QString &what)
{
    const QString t = text.trimmed();
    const int colon = t.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const int port = colon > 0 ? t.mid(colon + 1).toInt(&ok) : 0;
    if (!ok || port <= 0 || port > 65535)
        return svc::makeError(QObject::tr("%1 \"%2\" is not host:port (e.g. 10.0.0.10:5000)").arg(what, t));
    base.host = t.left(colon);
    base.port = port;
    return base;
}

QPlainTextEdit *urlList(QWidget *parent, const QString &placeholder)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setPlaceholderText(placeholder);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * kUrlListLines + 14);
    return edit;
}

} // namespace

ProfileEditorDialog::ProfileEditorDialog(svc::SecretStore *secrets, const QString &directory, QWidget *parent)
    : QDialog(parent),
      m_secrets(secrets),
      m_directory(directory),
      m_list(new QListWidget(this)),
      m_pages(new QTabWidget(this)),
      m_name(new QLineEdit(this)),
      m_kind(new QComboBox(this)),
      m_actions(new QCheckBox(tr("Offer operator actions (switchover, restart …) for this profile"), this)),
      m_patroni(urlList(this, tr("one per line: NAME URL, or just URL — e.g. db1 http://10.0.0.11:8008"))),
      m_etcd(urlList(this, tr("one per line, e.g. http://10.0.0.21:2379"))),
      m_haproxy(new QLineEdit(this)),
      m_readWrite(new QLineEdit(this)),
      m_readOnly(new QLineEdit(this)),
      m_restUser(new QLineEdit(this)),
      m_caFile(new QLineEdit(this)),
      m_certFile(new QLineEdit(this)),
      m_keyFile(new QLineEdit(this)),
      m_verifyTls(new QCheckBox(tr("Verify the REST API's TLS certificate"), this)),
      m_tlsWarning(new QLabel(this)),
      m_password(new QLineEdit(this)),
      m_passwordNote(new QLabel(this)),
      m_pgPassword(new QLineEdit(this)),
      m_discovered(new QLabel(this)),
      m_yaml(new QPlainTextEdit(this)),
      m_error(new QLabel(this)),
      m_status(new QLabel(this)),
      m_use(new QPushButton(tr("Use this profile"), this))
{
    setObjectName(QStringLiteral("profileEditor"));
    setWindowTitle(tr("Profiles — %1").arg(QDir::toNativeSeparators(directory)));
    resize(kDialogSize);

    m_list->setObjectName(QStringLiteral("profileList"));
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (auto *item = m_list->item(row))
            load(item->data(Qt::UserRole).toString());
    });
    auto *add = new QPushButton(tr("New"), this);
    auto *remove = new QPushButton(tr("Delete"), this);
    connect(add, &QPushButton::clicked, this, &ProfileEditorDialog::newProfile);
    connect(remove, &QPushButton::clicked, this, &ProfileEditorDialog::removeCurrent);
    auto *left = new QWidget(this);
    auto *ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(m_list, 1);
    auto *lb = new QHBoxLayout;
    lb->addWidget(add);
    lb->addWidget(remove);
    ll->addLayout(lb);

    m_yaml->setObjectName(QStringLiteral("profileYaml"));
    m_yaml->setFont(QFont(QStringLiteral("monospace")));
    m_yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_pages->addTab(buildForm(), tr("Form"));
    m_pages->addTab(m_yaml, tr("YAML"));
    // Switching pages carries the edits across, so neither page silently loses them.
    connect(m_pages, &QTabWidget::currentChanged, this, [this](int page) {
        if (page == int(Page::Yaml)) {
            if (auto p = profileFromForm())
                m_yaml->setPlainText(QString::fromUtf8(svc::serialiseProfile(p.value())));
        } else if (auto p = svc::parseProfile(m_yaml->toPlainText().toUtf8(), tr("YAML"))) {
            fillForm(p.value());
        } else {
            showError(p.error().toString());
        }
    });

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(m_pages);
    split->setStretchFactor(1, 1);
    split->setSizes({200, 640});

    m_error->setObjectName(QStringLiteral("profileError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: %1; font-weight: 600").arg(kErrorColor.name()));
    m_error->hide();
    m_status->setObjectName(QStringLiteral("profileStatus"));
    m_status->setWordWrap(true);
    auto *saveButton = new QPushButton(tr("Save"), this);
    saveButton->setObjectName(QStringLiteral("saveProfile"));
    connect(saveButton, &QPushButton::clicked, this, [this] { save(); });
    m_use->setObjectName(QStringLiteral("useProfile"));
    m_use->setToolTip(tr("Watch this profile's cluster in the main window"));
    m_use->setEnabled(false);
    connect(m_use, &QPushButton::clicked, this, [this] {
        if (!m_path.isEmpty())
            emit useProfileRequested(m_path);
    });
    auto *close = new QPushButton(tr("Close"), this);
    connect(close, &QPushButton::clicked, this, &QDialog::close);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_use);
    buttons->addWidget(close);
    buttons->addWidget(saveButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split, 1);
    layout->addWidget(m_error);
    layout->addLayout(buttons);

    if (m_secrets)
        connect(m_secrets, &svc::SecretStore::sessionOnlyChanged, this, &ProfileEditorDialog::setSessionOnlyNotice);
    setSessionOnlyNotice(m_secrets && m_secrets->sessionOnly()
                                 ? tr("No keychain available: passwords are kept for this session only")
                                 : QString());
    refreshList();
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        newProfile();
}

QWidget *ProfileEditorDialog::buildForm()
{
    const auto [scroll, page, form] = makeFormPage(this);

    m_name->setObjectName(QStringLiteral("profileName"));
    m_kind->setObjectName(QStringLiteral("profileKind"));
    for (auto k : {Profile::Kind::Lab, Profile::Kind::Staging, Profile::Kind::Production})
        m_kind->addItem(Profile::kindName(k), int(k));
    m_actions->setObjectName(QStringLiteral("profileActions"));
    m_haproxy->setPlaceholderText(tr("http://host:7000/stats"));
    m_readWrite->setPlaceholderText(tr("host:port of the read-write entry point (HAProxy 5000)"));
    m_readOnly->setPlaceholderText(tr("host:port of the read-only entry point (HAProxy 5001)"));
    m_restUser->setPlaceholderText(tr("restapi.authentication.username (empty: no Basic auth)"));
    m_caFile->setPlaceholderText(tr("CA file for https Patroni URLs"));
    m_certFile->setPlaceholderText(tr("client certificate (when Patroni verifies clients)"));
    m_keyFile->setPlaceholderText(tr("client key"));
    m_verifyTls->setObjectName(QStringLiteral("profileVerifyTls"));
    m_tlsWarning->setObjectName(QStringLiteral("tlsWarning"));
    m_tlsWarning->setWordWrap(true);
    m_tlsWarning->setStyleSheet(QStringLiteral("color: %1; font-weight: 600").arg(kErrorColor.name()));
    m_tlsWarning->setText(tr("⚠ Certificates are not checked: anyone on the network path can pose as Patroni and read "
                             "the REST password. Use this only for a throw-away test cluster."));
    m_tlsWarning->hide();
    connect(m_verifyTls, &QCheckBox::toggled, m_tlsWarning, [this](bool on) { m_tlsWarning->setVisible(!on); });
    m_password->setObjectName(QStringLiteral("profilePassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("unchanged"));
    m_passwordNote->setWordWrap(true);
    m_passwordNote->setStyleSheet(QStringLiteral("color: gray"));
    m_pgPassword->setObjectName(QStringLiteral("profilePostgresPassword"));
    m_pgPassword->setEchoMode(QLineEdit::Password);
    m_pgPassword->setPlaceholderText(tr("unchanged; empty: libpq's ~/.pgpass or PGPASSFILE"));
    m_pgPassword->setToolTip(tr("The read-write user's password for PostgreSQL, and for PgBouncer's admin console and "
                                "Pgpool-II when they use the same user. Kept in the keychain for this profile file."));

    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(QString(), m_actions);
    form->addRow(tr("Patroni REST URLs"), m_patroni);
    m_discovered->setObjectName(QStringLiteral("profileDiscovered"));
    m_discovered->setWordWrap(true);
    m_discovered->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_discovered->hide();
    form->addRow(QString(), m_discovered);
    form->addRow(tr("etcd URLs"), m_etcd);
    form->addRow(tr("HAProxy stats"), m_haproxy);
    form->addRow(tr("Read-write entry"), m_readWrite);
    form->addRow(tr("Read-only entry"), m_readOnly);
    form->addRow(tr("Patroni REST user"), m_restUser);
    form->addRow(tr("Patroni REST password"), m_password);
    form->addRow(QString(), m_passwordNote);
    form->addRow(tr("PostgreSQL password"), m_pgPassword);
    form->addRow(tr("CA file"), m_caFile);
    form->addRow(tr("Client certificate"), m_certFile);
    form->addRow(tr("Client key"), m_keyFile);
    form->addRow(QString(), m_verifyTls);
    form->addRow(QString(), m_tlsWarning);
    return scroll;
}

void ProfileEditorDialog::setSessionOnlyNotice(const QString &text)
{
    m_passwordNote->setText(text.isEmpty() ? tr("Stored in the system keychain, never in the YAML file.")
                                           : QStringLiteral("⚠ ") + text + tr(" — never in the YAML file."));
    m_passwordNote->setStyleSheet(text.isEmpty() ? QStringLiteral("color: gray") : QStringLiteral("color: #b26a00; font-weight: 600"));
}

void ProfileEditorDialog::refreshList()
{
    const QSignalBlocker block(m_list);
    m_list->clear();
    const auto files = QDir(m_directory).entryInfoList({QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files, QDir::Name);
    for (const QFileInfo &f : files) {
        auto *item = new QListWidgetItem(f.completeBaseName(), m_list);
        item->setData(Qt::UserRole, f.absoluteFilePath());
        item->setToolTip(f.absoluteFilePath());
        if (f.absoluteFilePath() == QFileInfo(m_path).absoluteFilePath())
            m_list->setCurrentItem(item);
    }
}

bool ProfileEditorDialog::selectProfile(const QString &name)
{
    const auto found = m_list->findItems(name, Qt::MatchExactly);
    if (found.isEmpty())
        return false;
    m_list->setCurrentItem(found.first());
    load(found.first()->data(Qt::UserRole).toString());
    return true;
}

void ProfileEditorDialog::newProfile()
{
    m_path.clear();
    m_loaded = Profile();
    m_loaded.name = QStringLiteral("new-cluster");
    m_loaded.kind = Profile::Kind::Staging;
    m_loaded.labDir.clear();
    {
        const QSignalBlocker block(m_list);
        m_list->clearSelection();
        m_list->setCurrentRow(-1);
    }
    fillForm(m_loaded);
    updateDiscovered();
    m_yaml->setPlainText(QString::fromUtf8(svc::serialiseProfile(m_loaded)));
    m_error->hide();
    m_use->setEnabled(false);
    showStatus(tr("New profile: it is written to %1 when saved").arg(QDir::toNativeSeparators(m_directory)));
}

void ProfileEditorDialog::load(const QString &path)
{
    m_path = path;
    m_error->hide();
    QFile f(path);
    const QByteArray text = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    m_yaml->setPlainText(QString::fromUtf8(text));
    auto p = svc::parseProfile(text, QFileInfo(path).fileName());
    m_use->setEnabled(bool(p));
    if (!p) {
        // Show the text so the mistake can be fixed where it is.
        showError(p.error().toString());
        setPage(Page::Yaml);
        return;
    }
    m_loaded = p.value();
    fillForm(m_loaded);
    showStatus(QDir::toNativeSeparators(path));
    updateDiscovered();
}

void ProfileEditorDialog::setDiscovered(const QString &profilePath, const QStringList &lines)
{
    m_discoveredPath = profilePath;
    m_discoveredLines = lines;
    updateDiscovered();
}

void ProfileEditorDialog::updateDiscovered()
{
    const bool shown = !m_discoveredLines.isEmpty() && !m_path.isEmpty() && !m_discoveredPath.isEmpty()
                       && QFileInfo(m_path) == QFileInfo(m_discoveredPath);
    m_discovered->setVisible(shown);
    if (!shown)
        return;
    QStringList items;
    for (const QString &line : std::as_const(m_discoveredLines))
        items.append(QStringLiteral("<li>%1</li>").arg(line.toHtmlEscaped()));
    m_discovered->setText(tr("<b>Found while watching this profile</b> (not in this file; the console finds them again "
                             "at every start, from the members' /cluster):<ul style=\"margin-top:2px\">%1</ul>")
                                  .arg(items.join(QString())));
}

void ProfileEditorDialog::fillForm(const svc::Profile &p)
{
    m_name->setText(p.name);
    m_kind->setCurrentIndex(m_kind->findData(int(p.kind)));
    m_actions->setChecked(p.actionsEnabled);
    m_patroni->setPlainText(endpointsText(p.patroni));
    m_etcd->setPlainText(endpointsText(p.etcd));
    m_haproxy->setText(p.haproxyStats.toString());
    m_readWrite->setText(QStringLiteral("%1:%2").arg(p.readWrite.host).arg(p.readWrite.port));
    m_readOnly->setText(QStringLiteral("%1:%2").arg(p.readOnly.host).arg(p.readOnly.port));
    m_restUser->setText(p.patroniRest.username);
    m_caFile->setText(p.patroniRest.caFile);
    m_certFile->setText(p.patroniRest.certFile);
    m_keyFile->setText(p.patroniRest.keyFile);
    m_verifyTls->setChecked(p.patroniRest.verifyTls);
    m_tlsWarning->setVisible(!p.patroniRest.verifyTls);
    m_password->clear();
    m_pgPassword->clear();
}

svc::Result<svc::Profile> ProfileEditorDialog::profileFromForm() const
{
    Profile p = m_loaded;   // postgres, pgbouncers, metrics … are not on the form: keep them
    p.name = m_name->text().trimmed();
    if (p.name.isEmpty() || p.name.contains(QLatin1Char('/')) || p.name.contains(QLatin1Char('\\')))
        return svc::makeError(tr("the name must be non-empty and without slashes: it names the file"));
    p.kind = static_cast<Profile::Kind>(m_kind->currentData().toInt());
    p.actionsEnabled = m_actions->isChecked();
    const QStringList http{QStringLiteral("http"), QStringLiteral("https")};
    auto patroni = endpointsFromText(m_patroni->toPlainText(), tr("Patroni REST URLs"), http);
    if (!patroni)
        return patroni.error();
    if (patroni.value().isEmpty())
        return svc::makeError(tr("name at least one Patroni REST URL"));
    p.patroni = patroni.value();
    auto etcd = endpointsFromText(m_etcd->toPlainText(), tr("etcd URLs"), http);
    if (!etcd)
        return etcd.error();
    p.etcd = etcd.value();
    p.haproxyStats = QUrl(m_haproxy->text().trimmed());
    if (const QString problem = svc::urlCredentialsProblem(p.haproxyStats); !problem.isEmpty())
        return svc::makeError(tr("HAProxy stats: %1").arg(problem), tr("remove the user:password@ part"));
    if (!m_haproxy->text().trimmed().isEmpty() && (!p.haproxyStats.isValid() || p.haproxyStats.host().isEmpty()))
        return svc::makeError(tr("HAProxy stats \"%1\" is not a URL like http://host:7000/stats").arg(m_haproxy->text()));
    auto rw = entryPointFromText(m_readWrite->text(), p.readWrite, tr("read-write entry"));
    if (!rw)
        return rw.error();
    p.readWrite = rw.value();
    auto ro = entryPointFromText(m_readOnly->text(), p.readOnly, tr("read-only entry"));
    if (!ro)
        return ro.error();
    p.readOnly = ro.value();
    p.patroniRest.username = m_restUser->text().trimmed();
    p.patroniRest.caFile = m_caFile->text().trimmed();
    p.patroniRest.certFile = m_certFile->text().trimmed();
    p.patroniRest.keyFile = m_keyFile->text().trimmed();
    p.patroniRest.verifyTls = m_verifyTls->isChecked();
    p.labDir.clear();   // a saved profile is never the built-in lab
    return p;
}

bool ProfileEditorDialog::save()
{
    svc::Result<Profile> profile = svc::makeError(QString());
    if (m_pages->currentIndex() == int(Page::Yaml)) {
        const QString source = m_path.isEmpty() ? tr("YAML") : QFileInfo(m_path).fileName();
        profile = svc::parseProfile(m_yaml->toPlainText().toUtf8(), source);
    } else {
        profile = profileFromForm();
        // The parser is the one judge of a profile: what it refuses is never written.
        if (profile)
            profile = svc::parseProfile(svc::serialiseProfile(profile.value()), profile.value().name);
    }
    if (!profile) {
        showError(profile.error().toString() + tr("\nNothing was written."));
        return false;
    }
    const QString target = m_path.isEmpty() ? QDir(m_directory).filePath(profile.value().name + QStringLiteral(".yaml")) : m_path;
    if (m_path.isEmpty() && QFileInfo::exists(target)) {
        showError(tr("%1 exists already: pick another name, or select it in the list to edit it").arg(target));
        return false;
    }
    QDir().mkpath(m_directory);
    if (auto w = svc::saveProfileFile(profile.value(), target); !w) {
        showError(w.error().toString());
        return false;
    }
    m_error->hide();
    m_path = target;
    m_loaded = profile.value();
    showStatus(tr("Saved %1").arg(QDir::toNativeSeparators(target)));
    Profile saved = profile.value();
    saved.sourceFile = target;   // a password belongs to this file (and, for REST, its Patroni origins)
    if (!m_password->text().isEmpty())
        storePassword(saved, QString::fromLatin1(svc::kPatroniRestSecret), m_password);
    if (!m_pgPassword->text().isEmpty())
        storePassword(saved, QString::fromLatin1(svc::kPostgresSecret), m_pgPassword);
    refreshList();
    m_use->setEnabled(true);
    emit profileSaved(target);
    return true;
}

void ProfileEditorDialog::storePassword(const Profile &saved, const QString &purpose, QLineEdit *field)
{
    if (!m_secrets) {
        showError(tr("No secret store: the password was not kept"));
        return;
    }
    svc::writeProfileSecret(m_secrets, saved, purpose, field->text(), this, [this, field](const svc::Result<bool> &r) {
        if (!r) {
            showError(tr("The password was not stored: %1").arg(r.error().toString()));
            return;
        }
        field->clear();
        showStatus(m_status->text() + (m_secrets->sessionOnly() ? tr(" · password kept for this session only")
                                                                : tr(" · password stored in the keychain")));
    });
}

void ProfileEditorDialog::removeCurrent()
{
    if (m_path.isEmpty())
        return;
    // Asynchronous confirmation: the event loop (and the polling) keep running.
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete profile"),
                                tr("Delete %1?\nIts keychain password stays until you remove it there.").arg(m_path),
                                QMessageBox::Cancel, this);
    auto *del = box->addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, del, path = m_path] {
        if (box->clickedButton() != del)
            return;
        if (!QFile::remove(path)) {
            showError(tr("Could not delete %1: check the directory's permissions").arg(path));
            return;
        }
        m_path.clear();
        refreshList();
        if (m_list->count() > 0)
            m_list->setCurrentRow(0);
        else
            newProfile();
        showStatus(tr("Deleted %1").arg(path));
    });
    box->open();
}

void ProfileEditorDialog::setPage(Page page)
{
    const QSignalBlocker block(m_pages);   // no carry-over: the caller set what each page shows
    m_pages->setCurrentIndex(int(page));
}

void ProfileEditorDialog::showError(const QString &text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void ProfileEditorDialog::showStatus(const QString &text)
{
    m_status->setText(text);
}

} // namespace pgha::views

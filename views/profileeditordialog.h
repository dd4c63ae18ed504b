#pragma once

#include "profile/profile.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;

namespace pgha::svc {
class SecretStore;
}

namespace pgha::views {

// File → Profiles…: the YAML profiles in one directory, created, edited and deleted as a form
// or as YAML. Saving is atomic and validated first (a parse error names line and column and
// leaves the file as it was); the Patroni REST password goes to the secret store, never into
// the YAML.
class ProfileEditorDialog : public QDialog {
    Q_OBJECT
public:
    enum class Page { Form, Yaml };

    ProfileEditorDialog(svc::SecretStore *secrets, const QString &directory = svc::profileDirectory(), QWidget *parent = nullptr);

    void refreshList();
    bool selectProfile(const QString &name);   // by file base name
    void newProfile();
    // Validates and writes the current page; false (and the error shown) when nothing was written.
    bool save();
    void setPage(Page page);
    void setSessionOnlyNotice(const QString &text);
    // What the console found by itself while watching the profile in `profilePath` (members'
    // REST APIs, PostgreSQL, /metrics), shown with that profile's form.
    void setDiscovered(const QString &profilePath, const QStringList &lines);

    // For tests.
    QListWidget *profileList() const { return m_list; }
    QLineEdit *nameField() const { return m_name; }
    QComboBox *kindField() const { return m_kind; }
    QCheckBox *actionsField() const { return m_actions; }
    QPlainTextEdit *patroniField() const { return m_patroni; }
    QCheckBox *verifyTlsField() const { return m_verifyTls; }
    QLabel *tlsWarning() const { return m_tlsWarning; }
    QLineEdit *restUserField() const { return m_restUser; }
    QLineEdit *passwordField() const { return m_password; }
    QLineEdit *postgresPasswordField() const { return m_pgPassword; }
    QLabel *discoveredLabel() const { return m_discovered; }
    QPlainTextEdit *yamlEditor() const { return m_yaml; }
    QLabel *errorLabel() const { return m_error; }
    QString currentPath() const { return m_path; }

signals:
    void profileSaved(const QString &path);
    void useProfileRequested(const QString &path);

private:
    QWidget *buildForm();
    void load(const QString &path);
    void fillForm(const svc::Profile &p);
    svc::Result<svc::Profile> profileFromForm() const;
    void removeCurrent();
    void showError(const QString &text);
    void showStatus(const QString &text);
    void updateDiscovered();
    // The Patroni REST password, for every Patroni origin of the file just saved.
    void storePassword(const svc::Profile &saved, const QString &purpose, QLineEdit *field);

    svc::SecretStore *m_secrets;
    QString m_directory;
    QString m_path;                 // the file being edited ("" = new)
    svc::Profile m_loaded;          // fields the form does not show survive a save

    QListWidget *m_list;
    QTabWidget *m_pages;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QCheckBox *m_actions;
    QPlainTextEdit *m_patroni;
    QPlainTextEdit *m_etcd;
    QLineEdit *m_haproxy;
    QLineEdit *m_readWrite;
    QLineEdit *m_readOnly;
    QLineEdit *m_restUser;
    QLineEdit *m_caFile;
    QLineEdit *m_certFile;
    QLineEdit *m_keyFile;
    QCheckBox *m_verifyTls;
    QLabel *m_tlsWarning;
    QLineEdit *m_password;
    QLabel *m_passwordNote;
    QLineEdit *m_pgPassword;   // PostgreSQL login (also PgBouncer's and Pgpool-II's when the user is the same)
    QLabel *m_discovered;      // what watching this profile found that the file does not list
    QString m_discoveredPath;
    QStringList m_discoveredLines;
    QPlainTextEdit *m_yaml;
    QLabel *m_error;
    QLabel *m_status;
    QPushButton *m_use;
};

} // namespace pgha::views

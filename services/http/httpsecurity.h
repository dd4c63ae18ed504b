#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

namespace pgha::svc {

// How to talk to one HTTP origin (scheme://host:port): Basic credentials and TLS trust.
// A value type; HttpClient loads the files it names once and keeps the result.
struct HttpSecurity {
    QString username;          // empty: no Authorization header
    QString password;          // never logged, never written anywhere by pgha
    QString caFile;            // PEM CA certificate(s) to trust; empty: the system's CAs
    QString certFile;          // PEM client certificate (mutual TLS); empty: none
    QString keyFile;           // its PEM private key (unencrypted)
    bool verifyPeer = true;    // false: accept any server certificate (warned about once)
    // Which requests carry the credentials: every one (etcd's gateway, HAProxy's stats page
    // protect reads), or only unsafe methods — Patroni's REST API asks for Basic auth only on
    // POST/PATCH/PUT/DELETE, so its GETs, HEADs and OPTIONS go without (profile: auth_on_reads).
    bool credentialsOnReads = true;
    // Credentials over plain http to a host that is not loopback: warned about once (false), or
    // the request is refused before anything is sent (true: production profiles).
    bool refusePlainHttpCredentials = false;
    // Where these settings come from, for error texts ("the profile's patroni_rest settings").
    QString settingsName;

    bool hasCredentials() const { return !username.isEmpty(); }
    bool hasTlsFiles() const { return !caFile.isEmpty() || !certFile.isEmpty() || !keyFile.isEmpty(); }
    bool isEmpty() const { return !hasCredentials() && !hasTlsFiles() && verifyPeer; }
    bool operator==(const HttpSecurity &) const = default;
};

// HttpSecurity for one origin; what a profile turns into (see httpSecurityForProfile).
struct OriginSecurity {
    QUrl origin;
    HttpSecurity security;
};

// "https://127.0.0.1:8008": the key HttpClient files security under (default ports filled in).
// Whether a request with `verb` carries the Authorization header under `s`.
inline bool sendsCredentials(const HttpSecurity &s, const QByteArray &verb)
{
    if (!s.hasCredentials())
        return false;
    const bool safe = verb == "GET" || verb == "HEAD" || verb == "OPTIONS";
    return !safe || s.credentialsOnReads;
}

// True for 127.0.0.0/8, ::1 and "localhost": a password sent there over http does not cross a network.
bool isLoopbackHost(const QString &host);

inline QString originKey(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    const int port = url.port(scheme == u"https" ? 443 : 80);
    return QStringLiteral("%1://%2:%3").arg(scheme, url.host().toLower()).arg(port);
}

} // namespace pgha::svc

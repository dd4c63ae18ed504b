#include "hostport.h"

#include <QHostAddress>

namespace pgha::svc {

QString HostPort::text() const
{
    const QString h = host.contains(u':') ? QStringLiteral("[%1]").arg(host) : host;
    return port > 0 ? QStringLiteral("%1:%2").arg(h).arg(port) : h;
}

HostPort parseHostPort(const QString &text, int defaultPort)
{
    const QString t = text.trimmed();
    HostPort out{QString(), defaultPort};
    if (t.isEmpty())
        return out;
    auto portOf = [&](const QString &s) {
        bool ok = false;
        const int p = s.toInt(&ok);
        return ok && p > 0 && p < 65536 ? p : -1;
    };
    if (t.startsWith(u'[')) {
        const qsizetype close = t.indexOf(u']');
        if (close < 0)
            return out;
        out.host = t.mid(1, close - 1);
        const QString rest = t.mid(close + 1);
        if (rest.startsWith(u':')) {
            const int p = portOf(rest.mid(1));
            if (p < 0)
                return {};
            out.port = p;
        }
        return out;
    }
    const qsizetype colons = t.count(u':');
    if (colons == 0) {
        out.host = t;
        return out;
    }
    const qsizetype last = t.lastIndexOf(u':');
    if (colons == 1) {
        const int p = portOf(t.mid(last + 1));
        if (p < 0)
            return {};
        out.host = t.left(last);
        out.port = p;
        return out;
    }
    // Several colons without brackets: an IPv6 address, perhaps with ":port" after it.
    if (QHostAddress(t).protocol() == QAbstractSocket::IPv6Protocol) {
        out.host = t;
        return out;
    }
    const int p = portOf(t.mid(last + 1));
    if (p > 0 && QHostAddress(t.left(last)).protocol() == QAbstractSocket::IPv6Protocol) {
        out.host = t.left(last);
        out.port = p;
    }
    return out;
}

HostPort hostPortOf(const QUrl &url, int defaultPort)
{
    return {url.host(), url.port(defaultPort)};
}

QString canonicalHost(const QString &host)
{
    QString h = host.trimmed().toLower();
    if (h.startsWith(u'[') && h.endsWith(u']'))
        h = h.mid(1, h.size() - 2);
    if (h.endsWith(u'.'))
        h.chop(1);   // a fully qualified name with its root dot
    if (h == u"localhost" || h == u"localhost.localdomain")
        return QStringLiteral("localhost");
    QHostAddress address(h);
    if (address.isNull())
        return h;
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    if (mapped)
        address = QHostAddress(v4);
    if (address == QHostAddress(QHostAddress::LocalHost) || address == QHostAddress(QHostAddress::LocalHostIPv6))
        return QStringLiteral("localhost");
    return address.toString();
}

bool sameHostPort(const HostPort &a, const HostPort &b)
{
    return a.port == b.port && canonicalHost(a.host) == canonicalHost(b.host);
}

} // namespace pgha::svc

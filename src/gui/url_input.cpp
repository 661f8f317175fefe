#include "url_input.hpp"

#include <QFile>
#include <QSet>
#include <QUrl>

namespace arina::gui {
namespace {

bool is_download_url(const QString& line, QString* why) {
    const QUrl url(line, QUrl::StrictMode);
    if (!url.isValid() || url.scheme().isEmpty()) {
        *why = "is not a URL";
        return false;
    }
    const QString scheme = url.scheme().toLower();
    if (scheme != "http" && scheme != "https") {
        *why = "is not an http(s) URL";
        return false;
    }
    if (url.host().isEmpty()) {
        *why = "has no host";
        return false;
    }
    return true;
}

}  // namespace

UrlList parse_url_lines(const QString& text) {
    UrlList out;
    QSet<QString> seen;
    const QStringList lines = text.split('\n');
    for (int i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith('#')) continue;
        QString why;
        if (!is_download_url(line, &why)) {
            out.errors << QString("line %1: '%2' %3").arg(i + 1).arg(line.left(80), why);
            continue;
        }
        if (seen.contains(line)) continue;
        seen.insert(line);
        out.urls << line;
    }
    return out;
}

UrlList read_url_file(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        UrlList out;
        out.errors << QString("cannot read %1: %2").arg(path, file.errorString());
        return out;
    }
    // A URL list is small; a huge file dropped by mistake is refused rather than read.
    constexpr qint64 kMaxListBytes = 16 * 1024 * 1024;
    if (file.size() > kMaxListBytes) {
        UrlList out;
        out.errors << QString("%1 is larger than 16 MiB: not a URL list").arg(path);
        return out;
    }
    UrlList out = parse_url_lines(QString::fromUtf8(file.readAll()));
    for (auto& e : out.errors) e = path + ", " + e;
    return out;
}

bool is_only_urls(const QString& text) {
    if (text.trimmed().isEmpty() || text.size() > 100000) return false;
    const UrlList list = parse_url_lines(text);
    return !list.urls.isEmpty() && list.errors.isEmpty();
}

QString platform_of(const QString& url) {
    QString host = QUrl(url).host().toLower();
    if (host.startsWith("www.")) host = host.mid(4);
    struct Known {
        const char* suffix;
        const char* name;
    };
    static const Known known[] = {
        {"youtube.com", "YouTube"},
        {"youtu.be", "YouTube"},
        {"vimeo.com", "Vimeo"},
        {"twitch.tv", "Twitch"},
        {"dailymotion.com", "Dailymotion"},
        {"soundcloud.com", "SoundCloud"},
        {"bilibili.com", "Bilibili"},
        {"tiktok.com", "TikTok"},
        {"instagram.com", "Instagram"},
        {"twitter.com", "Twitter"},
        {"x.com", "X"},
    };
    for (const auto& k : known) {
        const QString suffix = QString::fromLatin1(k.suffix);
        if (host == suffix || host.endsWith("." + suffix)) return QString::fromLatin1(k.name);
    }
    return host;
}

}  // namespace arina::gui

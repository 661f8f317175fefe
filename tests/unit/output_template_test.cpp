#include "util/output_template.hpp"

#include <gtest/gtest.h>

namespace arina {
namespace {

NamingFields video(std::string title) {
    NamingFields f;
    f.title = std::move(title);
    f.id = "dQw4w9WgXcQ";
    f.ext = "mp4";
    f.format_id = "137+140";
    f.platform = "youtube";
    f.upload_date = "20091025";
    f.uploader = "Rick Astley";
    f.height = 1080;
    return f;
}

std::string render(std::string_view tmpl, const NamingFields& f) {
    auto r = render_output_template(tmpl, f);
    if (auto* err = std::get_if<Error>(&r)) return "ERROR: " + err->message;
    return std::get<std::filesystem::path>(r).string();
}

std::string render_title(const std::string& title) {
    return render(kDefaultOutputTemplate, video(title));
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

TEST(OutputTemplate, TheDefaultTemplate) {
    EXPECT_EQ(render_title("Never Gonna Give You Up"), "Never Gonna Give You Up [dQw4w9WgXcQ].mp4");
}

TEST(OutputTemplate, EveryFieldAndFormatting) {
    NamingFields f = video("T");
    f.playlist_index = 7;
    EXPECT_EQ(render("%(platform)s/%(uploader)s/%(upload_date)s %(playlist_index)03d %(title)s %(height)dp "
                     "%(format_id)s.%(ext)s",
                     f),
              "youtube/Rick Astley/20091025 007 T 1080p 137+140.mp4");
    EXPECT_EQ(render("%(title).5s-%(id)s.%(ext)s", video("Ünïcödé title")), "Ünïcö-dQw4w9WgXcQ.mp4");
    EXPECT_EQ(render("%(height)06d_%(height)s.%(ext)s", f), "001080_1080.mp4");
    EXPECT_EQ(render("100%% %(id)s.%(ext)s", f), "100% dQw4w9WgXcQ.mp4");
    // Missing fields: NA, or the template's default.
    EXPECT_EQ(render("%(playlist_index)03d %(title)s.%(ext)s", video("T")), "NA T.mp4");
    EXPECT_EQ(render("%(uploader|unknown)s - %(title)s.%(ext)s", NamingFields{.title = "T", .ext = "webm"}),
              "unknown - T.webm");
}

TEST(OutputTemplate, BadTemplatesAreClearErrors) {
    const auto check = [](std::string_view tmpl) {
        const Error e = check_output_template(tmpl);
        EXPECT_EQ(e.reason, FailReason::Usage) << tmpl;
        return e.message;
    };
    EXPECT_EQ(check("%(titel)s.%(ext)s"),
              "output template \"%(titel)s.%(ext)s\": unknown field 'titel' (known: title, id, ext, height, "
              "format_id, platform, upload_date, uploader, playlist_index) (at character 1)");
    EXPECT_EQ(
        check("%(title.%(ext)s"),
        "output template \"%(title.%(ext)s\": unknown field 'title.%(ext' (known: title, id, ext, height, "
        "format_id, platform, upload_date, uploader, playlist_index) (at character 1)");
    EXPECT_EQ(check("%(title"), "output template \"%(title\": unterminated %(field (at character 1)");
    EXPECT_EQ(check("%(title)"),
              "output template \"%(title)\": %(title) needs a conversion: s (text) or d (number) "
              "(at character 1)");
    EXPECT_EQ(check("%(title)x"),
              "output template \"%(title)x\": unsupported conversion 'x' (s or d) (at character 9)");
    EXPECT_EQ(check("%(title)d"),
              "output template \"%(title)d\": title is text: write %(title)s (at character 1)");
    EXPECT_EQ(check("50% off"),
              "output template \"50% off\": '%' must start a field such as %(title)s, or be "
              "written %% (at character 3)");
    EXPECT_EQ(check("%(id)99999s"), "output template \"%(id)99999s\": width too large (at character 1)");
    EXPECT_EQ(check("/etc/%(title)s"),
              "output template \"/etc/%(title)s\": an absolute path; the directory is set with -P (at "
              "character 1)");
    EXPECT_EQ(check("../%(title)s"), "output template \"../%(title)s\": has an empty, '.' or '..' directory");
    EXPECT_EQ(check("a//%(title)s"), "output template \"a//%(title)s\": has an empty, '.' or '..' directory");
    EXPECT_EQ(check("%(title)s/"), "output template \"%(title)s/\": ends without a file name");
    EXPECT_EQ(check(""), "output template is empty");
    EXPECT_FALSE(check_output_template(kDefaultOutputTemplate));
    // The extension must be a format's.
    NamingFields f = video("T");
    f.ext = "../x";
    EXPECT_EQ(render(kDefaultOutputTemplate, f),
              "ERROR: output file extension \"..⧸x\" is not 1 to 10 lower-case letters or digits");
}

TEST(OutputTemplate, HostileTitles) {
    EXPECT_EQ(render_title("../../etc/passwd"), "⧸..⧸etc⧸passwd [dQw4w9WgXcQ].mp4");
    EXPECT_EQ(render("%(title)s", video("../../etc/passwd")), "⧸..⧸etc⧸passwd.mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("..")), "_.mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("/")), "⧸.mp4");
    EXPECT_EQ(render_title("a/b"), "a⧸b [dQw4w9WgXcQ].mp4");
    EXPECT_EQ(render_title("a\\b"), "a⧹b [dQw4w9WgXcQ].mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("CON")), "_CON.mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("nul")), "_nul.mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("COM1")), "_COM1.mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("lpt9.txt")), "_lpt9.txt.mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("CONSOLE")), "CONSOLE.mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("-rf")), "rf.mp4");
    EXPECT_EQ(render_title("-rf --no-preserve-root"), "rf --no-preserve-root [dQw4w9WgXcQ].mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video(".bashrc")), "bashrc.mp4");
    EXPECT_EQ(render_title(std::string("a\0b\nc\r\td", 9)), "a b c d [dQw4w9WgXcQ].mp4");
    EXPECT_EQ(render_title("What? <Live> at \"Home\": 1|2*"),
              "What？ ＜Live＞ at ＂Home＂： 1｜2＊ [dQw4w9WgXcQ].mp4");
    EXPECT_EQ(render_title("trailing dots..."), "trailing dots... [dQw4w9WgXcQ].mp4");
    EXPECT_EQ(render("%(title)s.%(ext)s", video("trailing dots. . .")), "trailing dots.mp4");
    // An extension from the page never becomes the file's.
    EXPECT_EQ(render("%(title)s.%(ext)s", video("setup.exe")), "setup.exe.mp4");
    EXPECT_EQ(render("%(title)s", video("clip.mp4")), "clip.mp4");
    // Right-to-left override, which shows "evil\u202Egpj.exe" as "evilexe.jpg".
    EXPECT_EQ(render("%(title)s.%(ext)s", video("evil\u202Egpj.exe")), "evilgpj.exe.mp4");
    // Invalid UTF-8 bytes become '_'.
    EXPECT_EQ(render("%(title)s.%(ext)s", video("a\xff\xc0\x80z")), "a___z.mp4");
    // A directory from a hostile field is one name, never a way out.
    NamingFields f = video("t");
    f.uploader = "../..";
    EXPECT_EQ(render("%(uploader)s/%(title)s.%(ext)s", f), "⧸/t.mp4");
    f.uploader = "..";
    EXPECT_EQ(render("%(uploader)s/%(title)s.%(ext)s", f), "_/t.mp4");
}

TEST(OutputTemplate, LongTitlesAreCutBetweenCodePoints) {
    std::string emoji;
    while (emoji.size() < 400) emoji += "\xF0\x9F\x98\x80";  // U+1F600, 4 bytes
    const std::string name = render_title(emoji);
    EXPECT_LE(name.size(), kMaxComponentBytes);
    EXPECT_GE(name.size(), kMaxComponentBytes - 3);
    EXPECT_TRUE(valid_utf8(name)) << name;
    EXPECT_EQ(name.substr(name.size() - 4), ".mp4");
    // Three-byte characters and an odd budget: still whole code points.
    std::string cjk;
    while (cjk.size() < 600) cjk += "\xE6\xBC\xA2";
    for (const char* ext : {"mp4", "webm", "m4a"}) {
        NamingFields f = video(cjk);
        f.ext = ext;
        const std::string n = render("%(title)s.%(ext)s", f);
        EXPECT_LE(n.size(), kMaxComponentBytes) << ext;
        EXPECT_TRUE(valid_utf8(n)) << ext;
        EXPECT_EQ(n.substr(n.size() - std::string(ext).size() - 1), std::string(".") + ext);
    }
    EXPECT_EQ(truncate_utf8("a\xE6\xBC\xA2", 3), "a");
    EXPECT_EQ(truncate_utf8("a\xE6\xBC\xA2", 4), "a\xE6\xBC\xA2");
}

TEST(OutputTemplate, PortableName) {
    EXPECT_EQ(portable_name("  ../a:b  "), "⧸a：b");
    EXPECT_EQ(portable_name("..."), "");
    EXPECT_EQ(portable_name("aux.mkv"), "_aux.mkv");
}

}  // namespace
}  // namespace arina

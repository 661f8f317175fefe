// fMP4 fragments libavformat cannot read are kept too, under ".m4s": an init segment whose moov is
// corrupt and fragments whose moof boxes make no sense, as a broken packager might publish them.
// The bytes kept are exactly the init segment and the fragments, in order, and the command exits 0.

#include <cstdint>

#include "download_fixture.hpp"

namespace arina::test {
namespace {

namespace fs = std::filesystem;

// One ISO BMFF box: a 32-bit big-endian size, the type, the payload.
std::string box(std::string_view type, const std::string& payload) {
    const auto size = static_cast<std::uint32_t>(8 + payload.size());
    std::string out;
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((size >> shift) & 0xff));
    out += type;
    return out + payload;
}

// Printable filler: random bytes could hold the sync words of raw MP3/AAC/AC-3 frames.
std::string filler(int seed, std::size_t bytes) {
    std::string text;
    for (int line = 0; text.size() < bytes; ++line)
        text +=
            "sample " + std::to_string((line * 7919 + seed) % 100003) + " of " + std::to_string(seed) + "\n";
    return text;
}

// ftyp, then a moov whose only child claims to be larger than the moov itself.
std::string broken_init() {
    std::string moov_child = std::string("\x7f\xff\xff\xff", 4) + "trak" + filler(1, 200);
    return box("ftyp", std::string("iso6\0\0\0\0iso6mp41", 16)) + box("moov", moov_child);
}

// styp, a moof whose children are not boxes, and an mdat of text.
std::string broken_fragment(int i) {
    return box("styp", std::string("msdh\0\0\0\0msdhmsix", 16)) + box("moof", filler(100 + i, 300)) +
           box("mdat", filler(200 + i, 20'000));
}

class UnmuxedFmp4Test : public DownloadTest {
  protected:
    std::string expected;

    void serve() {
        std::string playlist =
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
            "#EXT-X-MAP:URI=\"init.mp4\"\n";
        const auto init = broken_init();
        server.serve_bytes("/fmp4/init.mp4", init, {.content_type = "video/mp4"});
        expected = init;
        for (int i = 0; i < 3; ++i) {
            const auto fragment = broken_fragment(i);
            server.serve_bytes("/fmp4/seg" + std::to_string(i) + ".m4s", fragment,
                               {.content_type = "video/iso.segment"});
            expected += fragment;
            playlist += "#EXTINF:2.000,\nseg" + std::to_string(i) + ".m4s\n";
        }
        server.serve_bytes("/fmp4/index.m3u8", playlist + "#EXT-X-ENDLIST\n");
    }
};

TEST_F(UnmuxedFmp4Test, UnreadableFragmentedMp4IsKeptAsM4s) {
    serve();
    const auto r = arina({server.url("/fmp4/index.m3u8")});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(file_sha("index.m4s"), sha256_hex(expected)) << r.output;
    EXPECT_NE(r.output.find("arina: warning: the stream could not be read as media"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("index.m4s"), std::string::npos) << r.output;
    EXPECT_FALSE(exists("index.mp4"));
    EXPECT_FALSE(exists("index.mp4.stream.arina"));
}

}  // namespace
}  // namespace arina::test

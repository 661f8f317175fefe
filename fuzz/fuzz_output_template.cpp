// Feeds arbitrary bytes to the output template renderer: the input is split at the first two
// NUL bytes into a template, a title and an uploader (the rest of the fields are fixed). Nothing
// may crash, and every name it renders must be safe: relative, no "." or ".." component, no
// control characters or separators inside a name, valid UTF-8, within the length cap, not
// starting with '-' or '.', and ending with the format's extension.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "invariants.hpp"
#include "util/output_template.hpp"

namespace {

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80         ? 1
                                : (c >> 5) == 6  ? 2
                                : (c >> 4) == 14 ? 3
                                : (c >> 3) == 30 ? 4
                                                 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        i += len;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto first = input.find('\0');
    const std::string_view tmpl = input.substr(0, first);
    std::string_view rest = first == std::string_view::npos ? std::string_view{} : input.substr(first + 1);
    const auto second = rest.find('\0');
    arina::NamingFields fields;
    fields.title = std::string(rest.substr(0, second));
    fields.uploader = second == std::string_view::npos ? std::string() : std::string(rest.substr(second + 1));
    fields.id = "abc123";
    fields.ext = "mkv";
    fields.height = 720;
    fields.playlist_index = 3;

    const arina::Error checked = arina::check_output_template(tmpl);
    auto rendered = arina::render_output_template(tmpl, fields);
    ARINA_FUZZ_REQUIRE(static_cast<bool>(checked) == std::holds_alternative<arina::Error>(rendered));
    if (checked) return 0;
    const auto& path = std::get<std::filesystem::path>(rendered);
    ARINA_FUZZ_REQUIRE(!path.empty() && path.is_relative());
    const std::string text = path.string();
    ARINA_FUZZ_REQUIRE(valid_utf8(text));
    ARINA_FUZZ_REQUIRE(text.size() >= 4 && text.compare(text.size() - 4, 4, ".mkv") == 0);
    for (const auto& component : path) {
        const std::string name = component.string();
        ARINA_FUZZ_REQUIRE(!name.empty() && name != "." && name != "..");
        ARINA_FUZZ_REQUIRE(name.size() <= arina::kMaxComponentBytes);
        ARINA_FUZZ_REQUIRE(name.front() != '-' && name.front() != '.' && name.front() != ' ');
        ARINA_FUZZ_REQUIRE(name.back() != ' ');
        for (const char c : name) {
            const auto u = static_cast<unsigned char>(c);
            ARINA_FUZZ_REQUIRE(u >= 0x20 && u != 0x7F && c != '\\' && c != ':' && c != '*' && c != '?' &&
                               c != '"' && c != '<' && c != '>' && c != '|');
        }
    }
    return 0;
}

// Feeds arbitrary bytes to the plain-file resume sidecar decoder: a torn, edited or
// hostile NAME.part.arina must be refused or give a self-consistent state.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "invariants.hpp"
#include "store/resume_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace arina::store;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto decoded = decode_resume_state(text);
    if (const auto* state = std::get_if<ResumeState>(&decoded)) {
        std::int64_t previous_end = -1;
        for (const auto& r : state->done.ranges()) {
            ARINA_FUZZ_REQUIRE(r.begin >= 0 && r.end > r.begin);
            ARINA_FUZZ_REQUIRE(r.begin > previous_end);  // sorted, merged
            ARINA_FUZZ_REQUIRE(state->size < 0 || r.end <= state->size);
            previous_end = r.end;
        }
        // What decodes re-encodes to something that decodes to the same state.
        const auto again = decode_resume_state(encode_resume_state(*state));
        ARINA_FUZZ_REQUIRE(std::holds_alternative<ResumeState>(again) &&
                           std::get<ResumeState>(again) == *state);
    }
    return 0;
}

#include "cli/format_listing.hpp"

#include <chrono>
#include <cstdio>

#include "cli/session.hpp"
#include "core/probe.hpp"

namespace arina::cli {
namespace {

void print(const ProbeResult& r) {
    if (r.extractor == "file") {
        std::printf("%s: a plain file; it has one format\n", r.url.c_str());
        return;
    }
    if (!r.entries.empty()) {
        std::printf("%s: a playlist%s%s%s with %zu entries\n", r.url.c_str(),
                    r.playlist_title.empty() ? "" : " \"", r.playlist_title.c_str(),
                    r.playlist_title.empty() ? "" : "\"", r.entries.size());
        for (const auto& e : r.entries)
            std::printf("%4d  %s  %s\n", e.index, e.url.c_str(), e.title.empty() ? "-" : e.title.c_str());
        return;
    }
    if (!r.title.empty())
        std::printf("%s%s%s\n", r.title.c_str(), r.id.empty() ? "" : " ",
                    r.id.empty() ? "" : ("[" + r.id + "]").c_str());
    std::printf("%s", r.format_table.c_str());
    if (!r.subtitles.empty()) {
        std::printf("subtitles:");
        for (const auto& s : r.subtitles)
            std::printf(" %s%s (%s)", s.language.c_str(), s.automatic ? " auto" : "", s.ext.c_str());
        std::printf("\n");
    }
}

}  // namespace

int list_formats(const CliOptions& options) {
    int status = 0;
    for (const auto& url : options.urls) {
        auto probe = start_probe(url, options.config);
        // Ctrl-C stops the probe (a yt-dlp child is killed) instead of waiting for it.
        while (probe->result().wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
            if (g_interrupted) probe->cancel();
        const ProbeResult r = probe->result().get();
        for (const auto& w : r.warnings) std::fprintf(stderr, "arina: warning: %s\n", w.c_str());
        if (r.error) {
            std::fprintf(stderr, "arina: error: %s\n", r.error.message.c_str());
            if (status == 0) status = exit_code(r.error.reason);
            continue;
        }
        print(r);
    }
    return status;
}

}  // namespace arina::cli

#pragma once
// The yt-dlp bridge: runs `yt-dlp --dump-single-json` as a supervised child (child_process.hpp)
// and maps its JSON (ytdlp_json.hpp) or its failure (ytdlp_errors.hpp). yt-dlp only extracts;
// Arina's engine downloads the formats it chooses.
//
// The argument vector, in this order (no shell; the URL after "--" so it is never an option):
//   PROGRAM --dump-single-json --no-warnings --no-progress --ignore-config
//           [--flat-playlist]                 request.flat_playlist: playlists list their entries
//           [--user-agent UA]                 only when it is not Arina's default: yt-dlp picks a
//                                             browser's per site, and its per-format headers
//                                             carry it to the downloader
//           [--proxy URL] [--cookies FILE] [--cookies-from-browser BROWSER]
//           [--add-header Name:value]...      request.http.headers
//           [--no-check-certificates]         when verify_tls is false
//           --socket-timeout SECONDS
//           [request.ytdlp_extra_args...]      the profile's --extractor-args, verbatim
//           -- URL
// yt-dlp's own cache directory is kept (it holds YouTube's signature functions, a second run
// is faster with it); --ignore-config keeps a user's yt-dlp.conf from changing the JSON's shape.
//
// The version comes from yt-dlp's JSON (`_version`), else from `yt-dlp --version` (run once per
// process, also when yt-dlp failed); one older than 90 days adds a warning to the Extraction (and
// a hint to an Extractor error).

#include <memory>
#include <string>
#include <vector>

#include "extract/extractor.hpp"

namespace arina::extract {

std::unique_ptr<Extractor> make_ytdlp_extractor();

/// The program to run for `request` ("yt-dlp" on PATH unless ytdlp_path says otherwise).
std::string ytdlp_program(const ExtractRequest& request);

/// The arguments after the program, as listed above.
std::vector<std::string> ytdlp_arguments(const ExtractRequest& request);

}  // namespace arina::extract

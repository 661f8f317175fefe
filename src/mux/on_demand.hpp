#pragma once
// The muxer, loaded when first needed. libavformat and the codec libraries it pulls in
// (x264, x265, vpx, dav1d, ...) cost ~26 MiB of resident memory in every process that
// links them, at start-up, before a single byte is muxed. Plain downloads never mux, so
// the arina program does not link them: mux() and probe() live in a plugin module
// (libarina_mux_plugin.so) that these functions dlopen on first use.

#include <filesystem>
#include <variant>
#include <vector>

#include "mux/mux.hpp"
#include "mux/probe.hpp"

namespace arina::mux {

/// The plugin's table of entry points; `version` guards against a stale module.
struct PluginApi {
    int version;
    std::variant<MuxReport, Error> (*mux)(const std::vector<MuxInput>&, const std::filesystem::path&,
                                          const MuxOptions&);
    std::variant<ProbeInfo, Error> (*probe)(const std::filesystem::path&);
    std::variant<MuxReport, Error> (*remux_with_extras)(const std::filesystem::path&,
                                                        const std::filesystem::path&, const MuxOptions&);
};
// 3: MuxOptions::extras, MuxReport::warnings, remux_with_extras.
inline constexpr int kPluginApiVersion = 3;
inline constexpr const char* kPluginEntryPoint = "arina_mux_plugin_api";

/// mux() through the plugin; an Error (Internal) names the module when it cannot be loaded.
std::variant<MuxReport, Error> mux_on_demand(const std::vector<MuxInput>& inputs,
                                             const std::filesystem::path& output, const MuxOptions& options);
/// remux_with_extras() through the plugin.
std::variant<MuxReport, Error> remux_with_extras_on_demand(const std::filesystem::path& input,
                                                           const std::filesystem::path& output,
                                                           const MuxOptions& options);
/// probe() through the plugin.
std::variant<ProbeInfo, Error> probe_on_demand(const std::filesystem::path& path);

}  // namespace arina::mux

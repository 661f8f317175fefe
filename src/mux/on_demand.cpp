#include "mux/on_demand.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace arina::mux {
namespace {

constexpr const char* kModuleName = "libarina_mux_plugin.so";

struct Loaded {
    const PluginApi* api = nullptr;
    std::string error;
};

// Where the module may be: $ARINA_MUX_PLUGIN, beside the executable, ../lib/arina/ from
// it (an installed layout), and where this build put it.
std::vector<std::string> candidates() {
    std::vector<std::string> paths;
    if (const char* env = std::getenv("ARINA_MUX_PLUGIN"); env && *env) paths.emplace_back(env);
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        paths.push_back((exe.parent_path() / kModuleName).string());
        paths.push_back((exe.parent_path() / "../lib/arina" / kModuleName).string());
    }
#ifdef ARINA_MUX_PLUGIN_BUILD_PATH
    paths.emplace_back(ARINA_MUX_PLUGIN_BUILD_PATH);
#endif
    return paths;
}

const Loaded& load() {
    static Loaded loaded;
    static std::once_flag once;
    std::call_once(once, [] {
        std::string tried;
        for (const auto& path : candidates()) {
            if (::access(path.c_str(), R_OK) != 0) continue;
            void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!handle) {
                loaded.error = std::string("cannot load the muxer: ") + ::dlerror();
                return;
            }
            using Entry = const PluginApi* (*)();
            auto entry = reinterpret_cast<Entry>(::dlsym(handle, kPluginEntryPoint));
            const PluginApi* api = entry ? entry() : nullptr;
            if (!api || api->version != kPluginApiVersion) {
                loaded.error = "cannot load the muxer: " + path + " is not a compatible " + kModuleName;
                return;
            }
            loaded.api = api;  // the module stays loaded for the life of the process
            return;
        }
        loaded.error = std::string("cannot load the muxer: ") + kModuleName + " not found";
    });
    return loaded;
}

}  // namespace

std::variant<MuxReport, Error> mux_on_demand(const std::vector<MuxInput>& inputs,
                                             const std::filesystem::path& output, const MuxOptions& options) {
    const auto& loaded = load();
    if (!loaded.api) return Error{FailReason::Internal, loaded.error};
    return loaded.api->mux(inputs, output, options);
}

std::variant<MuxReport, Error> remux_with_extras_on_demand(const std::filesystem::path& input,
                                                           const std::filesystem::path& output,
                                                           const MuxOptions& options) {
    const auto& loaded = load();
    if (!loaded.api) return Error{FailReason::Internal, loaded.error};
    return loaded.api->remux_with_extras(input, output, options);
}

std::variant<ProbeInfo, Error> probe_on_demand(const std::filesystem::path& path) {
    const auto& loaded = load();
    if (!loaded.api) return Error{FailReason::Internal, loaded.error};
    return loaded.api->probe(path);
}

}  // namespace arina::mux

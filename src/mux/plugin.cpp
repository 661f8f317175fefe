// The muxer as a loadable module (see on_demand.hpp): one C entry point returning the
// table of functions.

#include "mux/on_demand.hpp"

extern "C" __attribute__((visibility("default"))) const arina::mux::PluginApi* arina_mux_plugin_api() {
    static const arina::mux::PluginApi api{arina::mux::kPluginApiVersion, &arina::mux::mux,
                                           &arina::mux::probe, &arina::mux::remux_with_extras};
    return &api;
}

#pragma once
// The keys of the config file: one table, in the order `arina config show` prints them, each
// with its type, its range, whether a platform profile may set it, its documentation (written
// into `arina config init`'s file), and how it reads and writes a Config. Loading the file,
// the command line, `config show` and `config init` all go through this table, so a setting
// is added in one place. Private to core.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/config_layers.hpp"

namespace arina::config_keys {

enum class Kind {
    Bool,
    Int,     ///< integer within [min, max]
    Count,   ///< a connection count: an integer within [min, max], or "auto" (kAutoConnections)
    Size,    ///< bytes: an integer or a size text ("10M"), within [min, max]
    Number,  ///< integer or float within [min, max]
    Text,
    List,  ///< list of strings
};

struct Key {
    std::string_view name;
    Kind kind;
    double min = 0;
    double max = 0;
    bool profile = false;  ///< also settable in [platforms.NAME]
    std::string_view doc;
    SettingValue (*get)(const Config&);
    void (*set)(Config&, const SettingValue&);
};

/// Every key, in display order.
const std::vector<Key>& all();
const Key* find(std::string_view name);

/// Converts `value` to the key's type (an integer for a Number becomes a double, a size text
/// an integer) and checks its range. The problem ("must be between 1 and 64, got 0",
/// "expected an integer, got a string") when it does not fit.
std::optional<std::string> normalise(const Key& key, SettingValue& value);

/// The keys a platform profile may set, read out of a profile (only the fields it sets).
std::vector<std::pair<std::string_view, SettingValue>> profile_values(
    const extract::PlatformProfile& profile);
/// Sets one profile key; false for a key a profile does not have.
bool set_profile_value(extract::PlatformProfile& profile, std::string_view key, const SettingValue& value);
/// Clears one profile field (the command line set it for every URL).
void clear_profile_value(extract::PlatformProfile& profile, std::string_view key);

/// What a key of this kind takes, for messages: "an integer", "true or false", ...
std::string_view expected_type(Kind kind);

/// Describes a value's type for messages: "an integer", "a string", "a list".
std::string_view type_name(const SettingValue& value);

}  // namespace arina::config_keys

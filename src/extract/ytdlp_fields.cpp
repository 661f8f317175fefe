#include "extract/ytdlp_fields.hpp"

#include <cmath>
#include <iterator>

namespace arina::extract::ytdlp {
namespace {

constexpr std::size_t kMaxWarnings = 20;

bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

}  // namespace

void Fields::note(std::string message) {
    if (notes_.size() >= kMaxWarnings) {
        ++dropped_;
        return;
    }
    notes_.push_back(std::move(message));
}

void Fields::warn(std::string message) {
    if (details_.size() >= kMaxWarnings) {
        ++dropped_;
        return;
    }
    details_.push_back(std::move(message));
}

void Fields::flush_into(std::vector<std::string>& warnings) {
    for (auto* list : {&notes_, &details_}) {
        warnings.insert(warnings.end(), std::make_move_iterator(list->begin()),
                        std::make_move_iterator(list->end()));
        list->clear();
    }
    if (dropped_ > 0)
        warnings.push_back("... and " + std::to_string(dropped_) + " more warnings about yt-dlp's JSON");
    dropped_ = 0;
}

const Json* Fields::member(const Json& object, const char* key) {
    if (!object.is_object()) return nullptr;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
}

void Fields::wrong_type(const Json& value, const char* key, std::string_view where, std::string_view wanted) {
    warn("yt-dlp JSON: " + std::string(where) + ": '" + key + "' is " + value.type_name() + ", not " +
         std::string(wanted) + "; ignored");
}

std::optional<std::string> Fields::text(const Json& object, const char* key, std::string_view where) {
    const Json* value = member(object, key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
        wrong_type(*value, key, where, "a string");
        return std::nullopt;
    }
    return value->get<std::string>();
}

std::optional<double> Fields::number(const Json& object, const char* key, std::string_view where) {
    const Json* value = member(object, key);
    if (value == nullptr) return std::nullopt;
    if (!value->is_number()) {
        wrong_type(*value, key, where, "a number");
        return std::nullopt;
    }
    const double number = value->get<double>();
    if (!std::isfinite(number)) return std::nullopt;
    return number;
}

std::optional<std::int64_t> Fields::integer(const Json& object, const char* key, std::string_view where) {
    const Json* value = member(object, key);
    if (value == nullptr) return std::nullopt;
    if (value->is_number_integer()) {
        if (value->is_number_unsigned() &&
            value->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
            wrong_type(*value, key, where, "a whole number in range");
            return std::nullopt;
        }
        return value->get<std::int64_t>();
    }
    if (value->is_number_float()) {
        const double number = value->get<double>();
        // 2^53: beyond it a double is no longer an exact count.
        if (std::isfinite(number) && std::fabs(number) < 9007199254740992.0 && number == std::floor(number))
            return static_cast<std::int64_t>(number);
    }
    wrong_type(*value, key, where, "a whole number");
    return std::nullopt;
}

bool Fields::flag(const Json& object, const char* key, std::string_view where) {
    const Json* value = member(object, key);
    if (value == nullptr) return false;
    if (!value->is_boolean()) {
        wrong_type(*value, key, where, "true or false");
        return false;
    }
    return value->get<bool>();
}

const Json* Fields::object(const Json& object, const char* key, std::string_view where) {
    const Json* value = member(object, key);
    if (value == nullptr) return nullptr;
    if (!value->is_object()) {
        wrong_type(*value, key, where, "an object");
        return nullptr;
    }
    return value;
}

const Json* Fields::array(const Json& object, const char* key, std::string_view where) {
    const Json* value = member(object, key);
    if (value == nullptr) return nullptr;
    if (!value->is_array()) {
        wrong_type(*value, key, where, "an array");
        return nullptr;
    }
    return value;
}

std::string shown(std::string_view text) {
    constexpr std::size_t kMax = 80;
    std::string out = "'";
    for (std::size_t i = 0; i < text.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    if (text.size() > kMax) out += "...";
    return out + "'";
}

bool is_http_url(std::string_view url) {
    const auto colon = url.find("://");
    if (colon == std::string_view::npos || colon + 3 >= url.size()) return false;
    const auto scheme = url.substr(0, colon);
    if (!ascii_iequals(scheme, "http") && !ascii_iequals(scheme, "https")) return false;
    for (const char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;  // no spaces or controls
    return true;
}

}  // namespace arina::extract::ytdlp

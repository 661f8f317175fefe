#pragma once
// DASH SegmentTemplate URL templates (ISO/IEC 23009-1 §5.3.9.4.4): "$RepresentationID$/seg-$Number%05d$.m4s"
// compiled once and expanded per segment, because a long VOD can have hundreds of thousands.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/result.hpp"

namespace arina::media {

class DashUrlTemplate {
  public:
    enum class Field { Literal, RepresentationId, Number, Time, Bandwidth };

    struct Part {
        Field field = Field::Literal;
        std::string literal;  ///< for Literal
        int width = 0;        ///< zero-padded minimum width from "%0<width>d"; 0 = as is
    };

    /// The values substituted into one segment's URL.
    struct Values {
        std::string_view representation_id;
        std::int64_t bandwidth = 0;
        std::int64_t number = 0;
        std::int64_t time = 0;
    };

    /// Compiles a template. Identifiers: $RepresentationID$, $Number$, $Time$, $Bandwidth$, each
    /// but the first with an optional "%0<width>d" format, and $$ for a literal '$'. The Error
    /// message says what is wrong ("unknown identifier $Foo$"); the caller adds where.
    static Result<DashUrlTemplate> compile(std::string_view text);

    std::string expand(const Values& values) const;

  private:
    std::vector<Part> parts_;
};

}  // namespace arina::media

#pragma once
// A set of half-open byte intervals [begin, end), kept sorted and merged.
// Records which parts of a file are on disk; the range planner asks it for the holes.

#include <cstdint>
#include <vector>

namespace arina {

struct ByteRange {
    std::int64_t begin = 0;  ///< first byte
    std::int64_t end = 0;    ///< one past the last byte

    std::int64_t size() const { return end - begin; }
    bool empty() const { return end <= begin; }
    friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

class IntervalSet {
  public:
    /// Adds [begin, end), merging with neighbours it touches or overlaps.
    void add(ByteRange range);
    /// Removes [begin, end) (used when a response turns out to be bogus).
    void remove(ByteRange range);
    void clear() { ranges_.clear(); }

    bool contains(ByteRange range) const;
    std::int64_t total() const;
    /// The parts of [0, size) not in the set, in order.
    std::vector<ByteRange> holes(std::int64_t size) const;
    const std::vector<ByteRange>& ranges() const { return ranges_; }

    friend bool operator==(const IntervalSet&, const IntervalSet&) = default;

  private:
    std::vector<ByteRange> ranges_;  // sorted, disjoint, non-adjacent
};

}  // namespace arina

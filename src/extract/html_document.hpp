#pragma once
// A gumbo parse tree that owns its memory. gumbo 0.10's own gumbo_destroy_output frees the tree
// recursively, one stack frame per level of nesting, so a hostile page of a million nested <div>s
// would overflow the stack; here every block gumbo allocates is on a list and the destructor frees
// the list in a loop. Internal to the scanner: only html_scanner.cpp includes it.

#include <gumbo.h>

#include <string_view>

namespace arina::extract {

class HtmlDocument {
  public:
    explicit HtmlDocument(std::string_view html);
    ~HtmlDocument();
    HtmlDocument(const HtmlDocument&) = delete;
    HtmlDocument& operator=(const HtmlDocument&) = delete;

    /// The document node (never null).
    const GumboNode* root() const { return output_->document; }

  private:
    struct Block;
    static void* allocate(void* self, std::size_t size);
    static void deallocate(void* self, void* pointer);

    Block* blocks_ = nullptr;  ///< every live allocation, newest first
    GumboOutput* output_ = nullptr;
};

}  // namespace arina::extract

#include "extract/html_document.hpp"

#include <cstddef>
#include <cstdlib>

namespace arina::extract {

// Sits in front of each block handed to gumbo, keeping blocks on a doubly linked list; its
// alignment keeps what follows it aligned as malloc's would be.
struct alignas(std::max_align_t) HtmlDocument::Block {
    Block* previous;
    Block* next;
};

void* HtmlDocument::allocate(void* self, std::size_t size) {
    auto* document = static_cast<HtmlDocument*>(self);
    void* memory = std::malloc(sizeof(Block) + size);
    // gumbo does not check for null and is C (no exception may cross it): out of memory is fatal.
    if (memory == nullptr) std::abort();
    auto* block = static_cast<Block*>(memory);
    block->previous = nullptr;
    block->next = document->blocks_;
    if (document->blocks_ != nullptr) document->blocks_->previous = block;
    document->blocks_ = block;
    return block + 1;
}

void HtmlDocument::deallocate(void* self, void* pointer) {
    if (pointer == nullptr) return;
    auto* document = static_cast<HtmlDocument*>(self);
    Block* block = static_cast<Block*>(pointer) - 1;
    if (block->previous != nullptr)
        block->previous->next = block->next;
    else
        document->blocks_ = block->next;
    if (block->next != nullptr) block->next->previous = block->previous;
    std::free(block);
}

HtmlDocument::HtmlDocument(std::string_view html) {
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &HtmlDocument::allocate;
    options.deallocator = &HtmlDocument::deallocate;
    options.userdata = this;
    options.max_errors = 0;  // parse errors are not used; a broken page would fill a vector with them
    output_ = gumbo_parse_with_options(&options, html.data(), html.size());
}

HtmlDocument::~HtmlDocument() {
    // Instead of gumbo_destroy_output (recursive over the tree): free every block in a loop.
    while (blocks_ != nullptr) {
        Block* next = blocks_->next;
        std::free(blocks_);
        blocks_ = next;
    }
}

}  // namespace arina::extract

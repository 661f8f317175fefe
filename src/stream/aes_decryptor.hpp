#pragma once
// HLS METHOD=AES-128: whole-segment AES-128-CBC with PKCS#7 padding (RFC 8216 §5.2), decrypted with
// OpenSSL EVP as the bytes arrive, so a fragment never has to be held in memory to be decrypted.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "util/fail_reason.hpp"

namespace arina::stream {

using AesKey = std::array<std::uint8_t, 16>;
using AesIv = std::array<std::uint8_t, 16>;

class Aes128CbcDecryptor {
  public:
    Aes128CbcDecryptor(const AesKey& key, const AesIv& iv);
    ~Aes128CbcDecryptor();
    Aes128CbcDecryptor(const Aes128CbcDecryptor&) = delete;
    Aes128CbcDecryptor& operator=(const Aes128CbcDecryptor&) = delete;

    /// Appends the plaintext of `cipher` to `plain`. The last block is held back until finish(),
    /// because it carries the padding.
    void update(std::span<const char> cipher, std::string& plain);
    /// Checks and removes the padding and appends the last plaintext bytes. FailReason::BadResponse
    /// when the ciphertext was not a whole number of blocks or the padding is wrong (a wrong key or
    /// a truncated fragment).
    Error finish(std::string& plain);

  private:
    void* ctx_ = nullptr;  // EVP_CIPHER_CTX, kept out of this header
};

/// One-shot helper: the plaintext of a whole ciphertext, or an Error as for finish().
std::variant<std::string, Error> decrypt_aes128_cbc(std::string_view cipher, const AesKey& key,
                                                    const AesIv& iv);

}  // namespace arina::stream

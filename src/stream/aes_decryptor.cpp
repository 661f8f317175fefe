#include "stream/aes_decryptor.hpp"

#include <openssl/evp.h>

namespace arina::stream {
namespace {

EVP_CIPHER_CTX* ctx_of(void* p) {
    return static_cast<EVP_CIPHER_CTX*>(p);
}

}  // namespace

Aes128CbcDecryptor::Aes128CbcDecryptor(const AesKey& key, const AesIv& iv) : ctx_(EVP_CIPHER_CTX_new()) {
    // Padding is on by default: EVP keeps the last block back and strips PKCS#7 in DecryptFinal.
    EVP_DecryptInit_ex(ctx_of(ctx_), EVP_aes_128_cbc(), nullptr, key.data(), iv.data());
}

Aes128CbcDecryptor::~Aes128CbcDecryptor() {
    EVP_CIPHER_CTX_free(ctx_of(ctx_));
}

void Aes128CbcDecryptor::update(std::span<const char> cipher, std::string& plain) {
    // EVP takes int lengths: feed large inputs in slices.
    constexpr std::size_t kSlice = 1 << 20;
    while (!cipher.empty()) {
        const std::size_t n = std::min(cipher.size(), kSlice);
        const std::size_t old = plain.size();
        plain.resize(old + n + 16);
        int out_len = 0;
        EVP_DecryptUpdate(ctx_of(ctx_), reinterpret_cast<unsigned char*>(plain.data() + old), &out_len,
                          reinterpret_cast<const unsigned char*>(cipher.data()), static_cast<int>(n));
        plain.resize(old + static_cast<std::size_t>(out_len));
        cipher = cipher.subspan(n);
    }
}

Error Aes128CbcDecryptor::finish(std::string& plain) {
    const std::size_t old = plain.size();
    plain.resize(old + 16);
    int out_len = 0;
    const int ok =
        EVP_DecryptFinal_ex(ctx_of(ctx_), reinterpret_cast<unsigned char*>(plain.data() + old), &out_len);
    plain.resize(old + static_cast<std::size_t>(ok == 1 ? out_len : 0));
    if (ok != 1)
        return {FailReason::BadResponse,
                "AES-128 decryption failed (bad padding: wrong key, or the fragment is truncated)"};
    return {};
}

std::variant<std::string, Error> decrypt_aes128_cbc(std::string_view cipher, const AesKey& key,
                                                    const AesIv& iv) {
    Aes128CbcDecryptor d(key, iv);
    std::string plain;
    plain.reserve(cipher.size());
    d.update(cipher, plain);
    if (Error e = d.finish(plain)) return e;
    return plain;
}

}  // namespace arina::stream

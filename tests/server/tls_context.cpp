#include "server/tls_context.hpp"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace arina::testing {
namespace {

template <auto Free>
struct Deleter {
    template <typename T>
    void operator()(T* p) const {
        Free(p);
    }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

[[noreturn]] void fail(const char* what) {
    char detail[256] = "";
    ERR_error_string_n(ERR_get_error(), detail, sizeof detail);
    throw std::runtime_error(std::string("TLS set-up: ") + what + ": " + detail);
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX v3{};
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &v3, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) fail("certificate extension");
}

X509Ptr self_signed_certificate(EVP_PKEY* key) {
    X509Ptr cert(X509_new());
    if (!cert) fail("X509_new");
    X509_set_version(cert.get(), 2);  // v3, for extensions
    // A random serial: clients that cached an earlier test certificate must not confuse the two.
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("Arina test server"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"),
                               -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    // It is its own CA: trusting it as a CA bundle (curl --cacert) then verifies the chain of one.
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    add_extension(cert.get(), NID_authority_key_identifier, "keyid:always");
    add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost");
    if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("X509_sign");
    return cert;
}

std::string to_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) fail("PEM_write_bio_X509");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// Offered http/1.1 is chosen explicitly; clients offering only h2 get no ALPN and fall back.
int select_http11(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
                  unsigned int in_len, void*) {
    static constexpr unsigned char kHttp11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
    for (unsigned int i = 0; i < in_len;) {
        const unsigned int len = in[i];
        if (i + 1 + len > in_len) break;
        if (len == sizeof kHttp11 && std::memcmp(in + i + 1, kHttp11, len) == 0) {
            *out = in + i + 1;
            *out_len = static_cast<unsigned char>(len);
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + len;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

TlsContext::TlsContext() {
    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) fail("EC key generation");
    X509Ptr cert = self_signed_certificate(key.get());
    certificate_pem_ = to_pem(cert.get());

    std::unique_ptr<SSL_CTX, Deleter<SSL_CTX_free>> ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx) fail("SSL_CTX_new");
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // Clients that close without close_notify are common; that is the end of a connection, not an error.
    SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (SSL_CTX_use_certificate(ctx.get(), cert.get()) != 1) fail("SSL_CTX_use_certificate");
    if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1) fail("SSL_CTX_use_PrivateKey");
    SSL_CTX_set_alpn_select_cb(ctx.get(), select_http11, nullptr);
    ctx_ = ctx.release();
}

TlsContext::~TlsContext() {
    SSL_CTX_free(ctx_);
}

}  // namespace arina::testing

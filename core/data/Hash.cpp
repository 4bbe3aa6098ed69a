#include "core/data/Hash.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <vector>

namespace ost {

namespace detail {
struct DigestContext {
    EVP_MD_CTX *ctx = nullptr;
    ~DigestContext() { EVP_MD_CTX_free(ctx); }
};
} // namespace detail

namespace {

// Fetched once: EVP_sha1() & co. would look the implementation up again (under a lock) on every
// init, and sample() hashes every record it reads.
const EVP_MD *algorithm(const char *name)
{
    const EVP_MD *md = EVP_MD_fetch(nullptr, name, nullptr);
    if (!md)
        throw std::runtime_error(std::string("OpenSSL's libcrypto provides no ") + name);
    return md; // kept for the life of the program
}

const EVP_MD *sha1Md()
{
    static const EVP_MD *md = algorithm("SHA1");
    return md;
}

const EVP_MD *sha256Md()
{
    static const EVP_MD *md = algorithm("SHA256");
    return md;
}

std::string toHex(const unsigned char *bytes, unsigned int n)
{
    static const char digits[] = "0123456789abcdef";
    std::string out(size_t(n) * 2, '0');
    for (unsigned int i = 0; i < n; ++i) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0xF];
    }
    return out;
}

std::string oneShotHex(const EVP_MD *md, std::string_view bytes)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), out, &n, md, nullptr) != 1)
        throw std::runtime_error("OpenSSL: digest failed");
    return toHex(out, n);
}

} // namespace

Digest::Digest(Algorithm a) : m_ctx(std::make_unique<detail::DigestContext>())
{
    m_ctx->ctx = EVP_MD_CTX_new();
    if (!m_ctx->ctx)
        throw std::bad_alloc();
    if (EVP_DigestInit_ex(m_ctx->ctx, a == Algorithm::Sha1 ? sha1Md() : sha256Md(), nullptr) != 1)
        throw std::runtime_error("OpenSSL: cannot start a digest");
}

Digest::Digest(Digest &&) noexcept = default;
Digest &Digest::operator=(Digest &&) noexcept = default;
Digest::~Digest() = default;

void Digest::update(const void *data, size_t size)
{
    if (size > 0 && EVP_DigestUpdate(m_ctx->ctx, data, size) != 1)
        throw std::runtime_error("OpenSSL: digest update failed");
}

std::string Digest::hexDigest()
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(m_ctx->ctx, out, &n) != 1)
        throw std::runtime_error("OpenSSL: digest failed");
    return toHex(out, n);
}

std::string sha1Hex(std::string_view bytes) { return oneShotHex(sha1Md(), bytes); }

std::string sha256Hex(std::string_view bytes) { return oneShotHex(sha256Md(), bytes); }

std::string fileSha256Hex(const std::string &path)
{
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return {};
    Sha256 h;
    std::vector<char> buf(1 << 20);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
        h.update(buf.data(), n);
    const bool failed = std::ferror(f) != 0;
    std::fclose(f);
    return failed ? std::string() : h.hexDigest();
}

uint64_t recordHash64(std::string_view bytes)
{
    // 8 bytes per step with a multiply-xorshift mix (murmur's finaliser): about 4 GB/s, so indexing
    // stays bound by reading the file.
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    uint64_t h = 0xCBF29CE484222325ull ^ (bytes.size() * kMul);
    size_t i = 0;
    auto mix = [](uint64_t x) {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDull;
        x ^= x >> 33;
        return x;
    };
    for (; i + 8 <= bytes.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, bytes.data() + i, 8);
        h = (h ^ mix(w * kMul)) * kMul;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
    h = (h ^ mix(tail * kMul + bytes.size() - i)) * kMul;
    return mix(h);
}

} // namespace ost

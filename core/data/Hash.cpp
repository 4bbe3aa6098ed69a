#include "core/data/Hash.h"

#include <cstdio>
#include <cstring>
#include <vector>

namespace ost {
namespace {

inline uint32_t rotl(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }
inline uint32_t loadBE(const uint8_t *p)
{
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

std::string toHex(const uint32_t *words, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 8);
    for (size_t i = 0; i < n; ++i)
        for (int shift = 28; shift >= 0; shift -= 4)
            out.push_back(digits[(words[i] >> shift) & 0xF]);
    return out;
}

// Merkle-Damgard padding shared by both hashes: 0x80, zeros, 64-bit big-endian bit length.
template <class Block>
void finishPadding(uint8_t *buf, size_t &bufLen, uint64_t totalBytes, Block &&block)
{
    const uint64_t bits = totalBytes * 8;
    buf[bufLen++] = 0x80;
    if (bufLen > 56) {
        std::memset(buf + bufLen, 0, 64 - bufLen);
        block(buf);
        bufLen = 0;
    }
    std::memset(buf + bufLen, 0, 56 - bufLen);
    for (int i = 0; i < 8; ++i)
        buf[56 + i] = uint8_t(bits >> (56 - 8 * i));
    block(buf);
}

const uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

template <class H>
void feed(H &&h, uint8_t *buf, size_t &bufLen, uint64_t &total, const void *data, size_t size)
{
    const uint8_t *p = static_cast<const uint8_t *>(data);
    total += size;
    if (bufLen > 0) {
        const size_t take = std::min(size, 64 - bufLen);
        std::memcpy(buf + bufLen, p, take);
        bufLen += take;
        p += take;
        size -= take;
        if (bufLen < 64)
            return;
        h(buf);
        bufLen = 0;
    }
    while (size >= 64) {
        h(p);
        p += 64;
        size -= 64;
    }
    std::memcpy(buf, p, size);
    bufLen = size;
}

} // namespace

Sha1::Sha1() : m_h{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0} {}

void Sha1::block(const uint8_t *p)
{
    uint32_t w[80];
    for (int i = 0; i < 16; ++i)
        w[i] = loadBE(p + 4 * i);
    for (int i = 16; i < 80; ++i)
        w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3], e = m_h[4];
    for (int i = 0; i < 80; ++i) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDC;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6;
        }
        const uint32_t t = rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = t;
    }
    m_h[0] += a;
    m_h[1] += b;
    m_h[2] += c;
    m_h[3] += d;
    m_h[4] += e;
}

void Sha1::update(const void *data, size_t size)
{
    feed([this](const uint8_t *p) { block(p); }, m_buf, m_bufLen, m_total, data, size);
}

std::string Sha1::hexDigest()
{
    finishPadding(m_buf, m_bufLen, m_total, [this](const uint8_t *p) { block(p); });
    return toHex(m_h.data(), m_h.size());
}

Sha256::Sha256()
    : m_h{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
{
}

void Sha256::block(const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = loadBE(p + 4 * i);
    for (int i = 16; i < 64; ++i) {
        const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3], e = m_h[4], f = m_h[5], g = m_h[6], h = m_h[7];
    for (int i = 0; i < 64; ++i) {
        const uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const uint32_t ch = (e & f) ^ (~e & g);
        const uint32_t t1 = h + S1 + ch + kSha256K[i] + w[i];
        const uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const uint32_t t2 = S0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    m_h[0] += a;
    m_h[1] += b;
    m_h[2] += c;
    m_h[3] += d;
    m_h[4] += e;
    m_h[5] += f;
    m_h[6] += g;
    m_h[7] += h;
}

void Sha256::update(const void *data, size_t size)
{
    feed([this](const uint8_t *p) { block(p); }, m_buf, m_bufLen, m_total, data, size);
}

std::string Sha256::hexDigest()
{
    finishPadding(m_buf, m_bufLen, m_total, [this](const uint8_t *p) { block(p); });
    return toHex(m_h.data(), m_h.size());
}

std::string sha1Hex(std::string_view bytes)
{
    Sha1 h;
    h.update(bytes);
    return h.hexDigest();
}

std::string sha256Hex(std::string_view bytes)
{
    Sha256 h;
    h.update(bytes);
    return h.hexDigest();
}

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

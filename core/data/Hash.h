#pragma once
// Content hashes for sample ids ("sha1:<12 hex>"), edit detection and export manifests. Written here
// so that the data module needs no crypto library; these are identity checks, not security.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ost {

class Sha1 {
public:
    Sha1();
    void update(const void *data, size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hexDigest(); // finishes the hash; the object is spent afterwards

private:
    void block(const uint8_t *p);
    std::array<uint32_t, 5> m_h;
    uint8_t m_buf[64];
    size_t m_bufLen = 0;
    uint64_t m_total = 0;
};

class Sha256 {
public:
    Sha256();
    void update(const void *data, size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hexDigest();

private:
    void block(const uint8_t *p);
    std::array<uint32_t, 8> m_h;
    uint8_t m_buf[64];
    size_t m_bufLen = 0;
    uint64_t m_total = 0;
};

std::string sha1Hex(std::string_view bytes);
std::string sha256Hex(std::string_view bytes);
// A fast 64-bit content check (not cryptographic), kept per record by the index so a record read back
// later can be compared with what was indexed: a file truncated or rewritten in place is noticed.
uint64_t recordHash64(std::string_view bytes);
// Hashes a file in chunks (big datasets); empty string when the file cannot be read.
std::string fileSha256Hex(const std::string &path);

} // namespace ost

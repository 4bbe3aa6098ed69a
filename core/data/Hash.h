#pragma once
// Content hashes for sample ids ("sha1:<12 hex>"), edit detection and export manifests. SHA-1 and
// SHA-256 come from OpenSSL's libcrypto (maintained, and SHA-NI/AVX2 code where the CPU has it: 6-8x the
// hand-written SHA-1 this replaced on MATH-V's pool); these are identity checks, not security. The hex
// digests are the standard ones, so ids and the content hashes stored in projects are unchanged.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ost {

namespace detail {
struct DigestContext;
}

// A streaming digest; Sha1 and Sha256 below pick the algorithm. Movable, not copyable.
class Digest {
public:
    Digest(Digest &&) noexcept;
    Digest &operator=(Digest &&) noexcept;
    ~Digest();
    void update(const void *data, size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::string hexDigest(); // finishes the hash; the object is spent afterwards

protected:
    enum class Algorithm { Sha1, Sha256 };
    explicit Digest(Algorithm a); // throws std::runtime_error when libcrypto cannot provide it

private:
    std::unique_ptr<detail::DigestContext> m_ctx;
};

class Sha1 : public Digest {
public:
    Sha1() : Digest(Algorithm::Sha1) {}
};

class Sha256 : public Digest {
public:
    Sha256() : Digest(Algorithm::Sha256) {}
};

std::string sha1Hex(std::string_view bytes);
std::string sha256Hex(std::string_view bytes);
// A fast 64-bit content check (not cryptographic), kept per record by the index so a record read back
// later can be compared with what was indexed: a file truncated or rewritten in place is noticed.
uint64_t recordHash64(std::string_view bytes);
// Hashes a file in chunks (big datasets); empty string when the file cannot be read.
std::string fileSha256Hex(const std::string &path);

} // namespace ost

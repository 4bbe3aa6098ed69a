#include "core/model/GgufQuants.h"

#include <cstring>
#include <string>

// Bit-exactness with the gguf package's numpy dequantiser needs each product and sum rounded to
// float32 on its own, in numpy's order, as numpy does one ufunc at a time. Most products here are
// exact anyway (an fp16 scale times a few-bit integer), so a fused multiply-add would rarely show,
// but nothing should rest on that: contraction stays off even on a build for a CPU with FMA.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace ost {

namespace {

constexpr int kQK = 256; // super-block of the K types

inline float bitsToFloat(uint32_t u)
{
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}

inline uint32_t floatToBits(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
}

// The file is little-endian, as every host we build for (the reader assumes it too).
inline uint16_t u16At(const uint8_t *p)
{
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

// IEEE half to float, exact for every value (subnormals included), without branches or tables:
// normal numbers are rebiased by moving the exponent and scaling by 2^-112; subnormals are
// built as (0.5 + m/2^24 in float) - 0.5, which is exact; a mask picks one (the method of the
// FP16 library that ggml uses). tst_gguf checks all 65536 halves.
inline float halfToFloat(uint16_t h)
{
    const uint32_t w = static_cast<uint32_t>(h) << 16;
    const uint32_t sign = w & 0x80000000u;
    const uint32_t twoW = w + w;
    const float normalized = bitsToFloat((twoW >> 4) + (0xE0u << 23)) * 0x1.0p-112f;
    const float denormalized = bitsToFloat((twoW >> 17) | (126u << 23)) - 0.5f;
    const uint32_t subnormal = 0u - static_cast<uint32_t>(twoW < (1u << 27)); // all ones or zero: a select
    const uint32_t magnitude = (floatToBits(denormalized) & subnormal) | (floatToBits(normalized) & ~subnormal);
    return bitsToFloat(sign | magnitude);
}

inline uint32_t u32At(const uint8_t *p)
{
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

inline float halfAt(const uint8_t *p) { return halfToFloat(u16At(p)); }

// ---- one function per block type: decode one block at `b` into `y` ---------------------------
// Each follows the order of operations of gguf-py's quants.py (e.g. (d * q) - m, not d * q - m
// fused, and the scale products d * sc computed first), so the float32 roundings are the same.

void blockF32(const uint8_t *__restrict b, float *__restrict y) { *y = bitsToFloat(u32At(b)); }

void blockF16(const uint8_t *__restrict b, float *__restrict y) { *y = halfAt(b); }

void blockBF16(const uint8_t *__restrict b, float *__restrict y) { *y = bitsToFloat(static_cast<uint32_t>(u16At(b)) << 16); }

// d (f16), qs[16]: element j is the low nibble of qs[j], element j+16 the high one; x = d * (q - 8).
void blockQ4_0(const uint8_t *__restrict b, float *__restrict y)
{
    const float d = halfAt(b);
    const uint8_t *qs = b + 2;
    for (int j = 0; j < 16; ++j) {
        y[j] = d * static_cast<float>((qs[j] & 0x0F) - 8);
        y[j + 16] = d * static_cast<float>((qs[j] >> 4) - 8);
    }
}

// d, m (f16), qs[16]; x = d * q + m.
void blockQ4_1(const uint8_t *__restrict b, float *__restrict y)
{
    const float d = halfAt(b);
    const float m = halfAt(b + 2);
    const uint8_t *qs = b + 4;
    for (int j = 0; j < 16; ++j) {
        y[j] = d * static_cast<float>(qs[j] & 0x0F) + m;
        y[j + 16] = d * static_cast<float>(qs[j] >> 4) + m;
    }
}

// 1 << j, as a table: a mask per lane vectorises where a shift by the lane index would not (SSE2
// has no per-lane shift).
constexpr uint32_t kBit[32] = {
    1u << 0,  1u << 1,  1u << 2,  1u << 3,  1u << 4,  1u << 5,  1u << 6,  1u << 7,  1u << 8,  1u << 9,  1u << 10,
    1u << 11, 1u << 12, 1u << 13, 1u << 14, 1u << 15, 1u << 16, 1u << 17, 1u << 18, 1u << 19, 1u << 20, 1u << 21,
    1u << 22, 1u << 23, 1u << 24, 1u << 25, 1u << 26, 1u << 27, 1u << 28, 1u << 29, 1u << 30, 1u << 31};

// d (f16), qh (u32: bit j is bit 4 of element j), qs[16] as Q4_0; x = d * (q - 16).
void blockQ5_0(const uint8_t *__restrict b, float *__restrict y)
{
    const float d = halfAt(b);
    const uint32_t qh = u32At(b + 2);
    const uint8_t *qs = b + 6;
    for (int j = 0; j < 16; ++j) {
        const int lo = (qs[j] & 0x0F) | ((qh & kBit[j]) ? 16 : 0);
        const int hi = (qs[j] >> 4) | ((qh & kBit[j + 16]) ? 16 : 0);
        y[j] = d * static_cast<float>(lo - 16);
        y[j + 16] = d * static_cast<float>(hi - 16);
    }
}

// d, m (f16), qh, qs[16]; x = d * q + m.
void blockQ5_1(const uint8_t *__restrict b, float *__restrict y)
{
    const float d = halfAt(b);
    const float m = halfAt(b + 2);
    const uint32_t qh = u32At(b + 4);
    const uint8_t *qs = b + 8;
    for (int j = 0; j < 16; ++j) {
        const int lo = (qs[j] & 0x0F) | ((qh & kBit[j]) ? 16 : 0);
        const int hi = (qs[j] >> 4) | ((qh & kBit[j + 16]) ? 16 : 0);
        y[j] = d * static_cast<float>(lo) + m;
        y[j + 16] = d * static_cast<float>(hi) + m;
    }
}

// d (f16), qs[32] int8; x = q * d.
void blockQ8_0(const uint8_t *__restrict b, float *__restrict y)
{
    const float d = halfAt(b);
    const auto *qs = reinterpret_cast<const int8_t *>(b + 2);
    for (int j = 0; j < 32; ++j)
        y[j] = static_cast<float>(qs[j]) * d;
}

// scales[16] (low nibble: scale, high: min, per 16 values), qs[64] (2 bits), d, dmin (f16).
// Element 128h + 32s + l is bits 2s of qs[32h + l]; x = (d * sc) * q - (dmin * m).
void blockQ2_K(const uint8_t *__restrict b, float *__restrict y)
{
    const uint8_t *scales = b;
    const uint8_t *qs = b + 16;
    const float d = halfAt(b + 80);
    const float dmin = halfAt(b + 82);
    for (int h = 0; h < 2; ++h) {
        for (int s = 0; s < 4; ++s) {
            for (int half = 0; half < 2; ++half) {
                const int g = h * 8 + s * 2 + half; // group of 16
                const float dl = d * static_cast<float>(scales[g] & 0x0F);
                const float ml = dmin * static_cast<float>(scales[g] >> 4);
                const uint8_t *q = qs + h * 32 + half * 16;
                float *out = y + g * 16;
                for (int l = 0; l < 16; ++l)
                    out[l] = dl * static_cast<float>((q[l] >> (2 * s)) & 3) - ml;
            }
        }
    }
}

// hmask[32], qs[64] (2 low bits), scales[12] (16 six-bit scales), d (f16). Element 128h + 32s + l
// has low bits 2s of qs[32h + l] and, at 32b + l, high bit b of hmask[l] (set means no offset);
// x = (d * (sc - 32)) * (low - 4 * !high).
void blockQ3_K(const uint8_t *__restrict b, float *__restrict y)
{
    const uint8_t *hmask = b;
    const uint8_t *qs = b + 32;
    const uint8_t *sc = b + 96;
    const float d = halfAt(b + 108);
    float dl[16];
    for (int i = 0; i < 16; ++i) {
        const int low = (i < 8 ? sc[i] : sc[i - 8] >> 4) & 0x0F;
        const int high = (sc[8 + (i & 3)] >> (2 * (i >> 2))) & 3;
        dl[i] = d * static_cast<float>(static_cast<int8_t>(low | (high << 4)) - 32);
    }
    for (int h = 0; h < 2; ++h) {
        for (int s = 0; s < 4; ++s) {
            const int bit = h * 4 + s; // hmask bit of elements 32 * bit ..
            for (int half = 0; half < 2; ++half) {
                const uint8_t *q = qs + h * 32 + half * 16;
                const uint8_t *m = hmask + half * 16;
                const float scale = dl[bit * 2 + half];
                float *out = y + bit * 32 + half * 16;
                for (int l = 0; l < 16; ++l) {
                    const int low = (q[l] >> (2 * s)) & 3;
                    const int offset = (m[l] & (1 << bit)) ? 0 : 4;
                    out[l] = scale * static_cast<float>(low - offset);
                }
            }
        }
    }
}

// The 8 six-bit scales and mins of Q4_K and Q5_K, packed in 12 bytes.
inline void scaleMinK4(const uint8_t *s, float d, float dmin, float *dl, float *ml)
{
    for (int k = 0; k < 4; ++k) {
        dl[k] = d * static_cast<float>(s[k] & 0x3F);
        ml[k] = dmin * static_cast<float>(s[4 + k] & 0x3F);
        dl[k + 4] = d * static_cast<float>((s[8 + k] & 0x0F) | ((s[k] >> 2) & 0x30));
        ml[k + 4] = dmin * static_cast<float>((s[8 + k] >> 4) | ((s[4 + k] >> 2) & 0x30));
    }
}

// d, dmin (f16), scales[12], qs[128]: element 64c + 32s + l is nibble s of qs[32c + l], group
// 2c + s; x = (d * sc) * q - (dmin * m).
void blockQ4_K(const uint8_t *__restrict b, float *__restrict y)
{
    float dl[8], ml[8];
    scaleMinK4(b + 4, halfAt(b), halfAt(b + 2), dl, ml);
    const uint8_t *qs = b + 16;
    for (int c = 0; c < 4; ++c) {
        const uint8_t *q = qs + c * 32;
        float *lo = y + c * 64;
        float *hi = lo + 32;
        const float d0 = dl[2 * c], m0 = ml[2 * c], d1 = dl[2 * c + 1], m1 = ml[2 * c + 1];
        for (int l = 0; l < 32; ++l) {
            lo[l] = d0 * static_cast<float>(q[l] & 0x0F) - m0;
            hi[l] = d1 * static_cast<float>(q[l] >> 4) - m1;
        }
    }
}

// d, dmin, scales[12], qh[32], qs[128]: as Q4_K plus bit 4 of element 32g + l from bit g of qh[l].
void blockQ5_K(const uint8_t *__restrict b, float *__restrict y)
{
    float dl[8], ml[8];
    scaleMinK4(b + 4, halfAt(b), halfAt(b + 2), dl, ml);
    const uint8_t *qh = b + 16;
    const uint8_t *qs = b + 48;
    for (int c = 0; c < 4; ++c) {
        const uint8_t *q = qs + c * 32;
        float *lo = y + c * 64;
        float *hi = lo + 32;
        const int g0 = 2 * c, g1 = 2 * c + 1;
        for (int l = 0; l < 32; ++l) {
            const int a = (q[l] & 0x0F) | ((qh[l] & (1 << g0)) ? 16 : 0);
            const int e = (q[l] >> 4) | ((qh[l] & (1 << g1)) ? 16 : 0);
            lo[l] = dl[g0] * static_cast<float>(a) - ml[g0];
            hi[l] = dl[g1] * static_cast<float>(e) - ml[g1];
        }
    }
}

// ql[128] (4 low bits), qh[64] (2 high bits), scales[16] int8, d (f16). Element 128h + 64s + l
// (l < 64) is nibble s of ql[64h + l]; element 128h + 32t + l (l < 32) has high bits 2t of
// qh[32h + l]; x = (d * sc) * (q - 32), one scale per 16 values.
void blockQ6_K(const uint8_t *__restrict b, float *__restrict y)
{
    const uint8_t *ql = b;
    const uint8_t *qh = b + 128;
    const auto *sc = reinterpret_cast<const int8_t *>(b + 192);
    const float d = halfAt(b + 208);
    float dl[16];
    for (int i = 0; i < 16; ++i)
        dl[i] = d * static_cast<float>(sc[i]);
    for (int h = 0; h < 2; ++h) {
        const uint8_t *l8 = ql + h * 64;
        const uint8_t *h8 = qh + h * 32;
        float *out = y + h * 128;
        const float *dh = dl + h * 8;
        for (int half = 0; half < 2; ++half) {
            const float d0 = dh[0 + half], d1 = dh[2 + half], d2 = dh[4 + half], d3 = dh[6 + half];
            for (int l = half * 16; l < half * 16 + 16; ++l) {
                const int q0 = ((l8[l] & 0x0F) | ((h8[l] & 0x03) << 4)) - 32;
                const int q1 = ((l8[l + 32] & 0x0F) | ((h8[l] & 0x0C) << 2)) - 32;
                const int q2 = ((l8[l] >> 4) | (h8[l] & 0x30)) - 32;
                const int q3 = ((l8[l + 32] >> 4) | ((h8[l] & 0xC0) >> 2)) - 32;
                out[l] = d0 * static_cast<float>(q0);
                out[l + 32] = d1 * static_cast<float>(q1);
                out[l + 64] = d2 * static_cast<float>(q2);
                out[l + 96] = d3 * static_cast<float>(q3);
            }
        }
    }
}

// d (f32), qs[256] int8, bsums[16] (for dot products; unused here); x = q * d.
void blockQ8_K(const uint8_t *__restrict b, float *__restrict y)
{
    float d;
    std::memcpy(&d, b, 4);
    const auto *qs = reinterpret_cast<const int8_t *>(b + 4);
    for (int j = 0; j < kQK; ++j)
        y[j] = static_cast<float>(qs[j]) * d;
}

using BlockFn = void (*)(const uint8_t *, float *);
using RunFn = void (*)(const uint8_t *, float *, int64_t);

// The loop over blocks, instantiated per type so the block function inlines.
template <BlockFn Block, int Elements, int Bytes>
void runBlocks(const uint8_t *__restrict src, float *__restrict dst, int64_t blocks)
{
    int64_t i = 0;
    if constexpr (Elements == 1) {
        // One-value "blocks" (F16, BF16, F32) go 16 at a time: a loop of known length is one the
        // compiler vectorises at -O2.
        for (; i + 16 <= blocks; i += 16)
            for (int k = 0; k < 16; ++k)
                Block(src + (i + k) * Bytes, dst + i + k);
    }
    for (; i < blocks; ++i)
        Block(src + i * Bytes, dst + i * Elements);
}

struct TypeInfo {
    uint32_t type;
    const char *name;
    int64_t elements;
    int64_t bytes;
    RunFn run; // nullptr: the reader sizes the type but cannot decode it
};

#define OST_DEQUANT(T, E, B) {uint32_t(GgmlType::T), #T, E, B, &runBlocks<block##T, E, B>}

// The one table: every type the file format numbers, with the ggml block layout.
const TypeInfo kTypes[] = {
    OST_DEQUANT(F32, 1, 4),
    OST_DEQUANT(F16, 1, 2),
    OST_DEQUANT(Q4_0, 32, 18),
    OST_DEQUANT(Q4_1, 32, 20),
    OST_DEQUANT(Q5_0, 32, 22),
    OST_DEQUANT(Q5_1, 32, 24),
    OST_DEQUANT(Q8_0, 32, 34),
    {9, "Q8_1", 32, 36, nullptr},
    OST_DEQUANT(Q2_K, kQK, 84),
    OST_DEQUANT(Q3_K, kQK, 110),
    OST_DEQUANT(Q4_K, kQK, 144),
    OST_DEQUANT(Q5_K, kQK, 176),
    OST_DEQUANT(Q6_K, kQK, 210),
    OST_DEQUANT(Q8_K, kQK, 292),
    {16, "IQ2_XXS", kQK, 66, nullptr},
    {17, "IQ2_XS", kQK, 74, nullptr},
    {18, "IQ3_XXS", kQK, 98, nullptr},
    {19, "IQ1_S", kQK, 50, nullptr},
    {20, "IQ4_NL", 32, 18, nullptr},
    {21, "IQ3_S", kQK, 110, nullptr},
    {22, "IQ2_S", kQK, 82, nullptr},
    {23, "IQ4_XS", kQK, 136, nullptr},
    {24, "I8", 1, 1, nullptr},
    {25, "I16", 1, 2, nullptr},
    {26, "I32", 1, 4, nullptr},
    {27, "I64", 1, 8, nullptr},
    {28, "F64", 1, 8, nullptr},
    {29, "IQ1_M", kQK, 56, nullptr},
    OST_DEQUANT(BF16, 1, 2),
    {34, "TQ1_0", kQK, 54, nullptr},
    {35, "TQ2_0", kQK, 66, nullptr},
    {39, "MXFP4", 32, 17, nullptr},
};

#undef OST_DEQUANT

const TypeInfo *typeInfo(uint32_t type)
{
    for (const TypeInfo &t : kTypes)
        if (t.type == type)
            return &t;
    return nullptr;
}

} // namespace

std::string ggmlTypeName(uint32_t type)
{
    const TypeInfo *t = typeInfo(type);
    return t ? std::string(t->name) : "type " + std::to_string(type);
}

GgmlBlockLayout ggmlBlockLayout(uint32_t type)
{
    const TypeInfo *t = typeInfo(type);
    return t ? GgmlBlockLayout{t->elements, t->bytes} : GgmlBlockLayout{};
}

bool ggmlCanDequantise(uint32_t type)
{
    const TypeInfo *t = typeInfo(type);
    return t && t->run;
}

Status ggmlDequantise(uint32_t type, const uint8_t *data, size_t bytes, int64_t count, float *out)
{
    const TypeInfo *t = typeInfo(type);
    if (!t)
        return Error{"cannot dequantise unknown ggml type " + std::to_string(type)};
    if (!t->run)
        return Error{"cannot dequantise " + std::string(t->name) + " (not supported)"};
    if (count < 0 || count % t->elements != 0)
        return Error{"cannot dequantise " + std::to_string(count) + " " + t->name + " values: not a whole number of " +
                     std::to_string(t->elements) + "-value blocks"};
    const int64_t blocks = count / t->elements;
    if (static_cast<uint64_t>(blocks) > bytes / static_cast<uint64_t>(t->bytes))
        return Error{"cannot dequantise " + std::to_string(count) + " " + t->name + " values from " +
                     std::to_string(bytes) + " bytes (they need " + std::to_string(blocks) + " blocks of " +
                     std::to_string(t->bytes) + " bytes)"};
    if (blocks > 0 && (!data || !out))
        return Error{"cannot dequantise " + std::string(t->name) + ": null buffer"};
    t->run(data, out, blocks);
    return Status::success();
}

} // namespace ost

#!/usr/bin/env python3
"""Writes the committed GGUF fixtures that tests/model/tst_gguf.cpp reads (CI only reads them).

Rerun (deterministic, fixed seed; needs the `gguf` and `numpy` packages, `pip install gguf numpy`):

    python3 tools/gen_gguf_fixtures.py            # writes tests/fixtures/gguf/
    python3 tools/gen_gguf_fixtures.py OUT_DIR    # somewhere else

What it writes:
  quants/<TYPE>.bin   random blocks of one ggml type (every byte random, the fp16 scales replaced by
                      finite halves of sensible magnitude, plus one block with subnormal scales and
                      one with large ones)
  quants/<TYPE>.f32   the float32 values gguf.quants.dequantize() decodes from them (little-endian);
                      Q8_K, which gguf-py cannot dequantise, gets q * d computed the same way in numpy
  quants.json         [{type, id, count, blocks}] for the files above
  tiny.gguf           a small file written by gguf.GGUFWriter: metadata of every value type (arrays of
                      strings, ints, floats, bools included), alignment 64, tensors of several types
  tiny.json           what a reader must see in tiny.gguf: version, alignment, data offset, every key
                      with its type and value (integers as decimal strings, floats as float.hex()
                      strings, so nothing is rounded on the way), every tensor with ggml dims, type,
                      offset, byte size, FNV-1a 64 of its bytes and where its values start in
  tiny.f32            the dequantised values of every tensor of tiny.gguf, in file order
The numbers printed at the end are the file sizes (keep the folder well under 300 KB).
"""
import json
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q
from gguf.constants import GGML_QUANT_SIZES

SEED = 20261201

# Byte offsets of the fp16 scale fields in each block (all other bytes are quantised values or
# packed scales, for which every bit pattern is valid).
HALF_FIELDS = {
    Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q5_0: [0], Q.Q5_1: [0, 2], Q.Q8_0: [0],
    Q.Q2_K: [80, 82], Q.Q3_K: [108], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2], Q.Q6_K: [208],
}
BLOCKS = {32: 8, 256: 4}  # blocks per type by block size (keeps each file a few KB)


def random_halves(rng, n):
    """Finite fp16 values, random sign, magnitudes log-uniform in [2^-14, 2^2]."""
    mag = np.exp2(rng.uniform(-14.0, 2.0, size=n))
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return (sign * mag).astype(np.float16)


def quant_blocks(rng, qtype):
    block_elems, block_bytes = GGML_QUANT_SIZES[qtype]
    n = BLOCKS[block_elems]
    raw = rng.integers(0, 256, size=(n, block_bytes), dtype=np.uint8)
    if qtype == Q.Q8_K:
        d = (np.exp2(rng.uniform(-20.0, 2.0, size=n)) * np.where(rng.random(n) < 0.5, -1, 1)).astype(np.float32)
        raw[:, 0:4] = d.view(np.uint8).reshape(n, 4)
        return raw
    fields = HALF_FIELDS[qtype]
    for f in fields:
        halves = random_halves(rng, n)
        halves[0] = np.uint16(0x0003 if f == fields[0] else 0x8201).view(np.float16)  # subnormal scales
        halves[1] = np.float16(-60000.0 if f == fields[0] else 1000.0)              # large scales
        raw[:, f:f + 2] = halves.view(np.uint8).reshape(n, 2)
    return raw


def dequant_q8_k(raw):
    d = raw[:, 0:4].copy().view(np.float32)            # (n, 1)
    qs = raw[:, 4:4 + 256].view(np.int8).astype(np.float32)
    return (qs * d).reshape(-1)


def float_blocks(rng, qtype):
    if qtype == Q.F32:
        bits = rng.integers(0, 2**32, size=256, dtype=np.uint64).astype(np.uint32)
        exp = (bits >> 23) & 0xFF
        bits = np.where(exp == 0xFF, bits & ~np.uint32(0x40000000), bits)  # no inf/nan
        specials = np.array([0, 0x80000000, 1, 0x807FFFFF, 0x7F7FFFFF], dtype=np.uint32)
        return np.concatenate([specials, bits]).astype('<u4').view(np.uint8)
    if qtype == Q.F16:
        # every subnormal, the boundaries, and random finite values
        sub = np.arange(0, 0x400, dtype=np.uint16)
        edges = np.array([0x8000, 0x8001, 0x83FF, 0x0400, 0x8400, 0x3C00, 0x7BFF, 0xFBFF], dtype=np.uint16)
        rnd = rng.integers(0, 2**16, size=2048, dtype=np.uint32).astype(np.uint16)
        rnd = rnd[((rnd >> 10) & 0x1F) != 0x1F]
        return np.concatenate([sub, edges, rnd]).astype('<u2').view(np.uint8)
    if qtype == Q.BF16:
        rnd = rng.integers(0, 2**16, size=2048, dtype=np.uint32).astype(np.uint16)
        rnd = rnd[((rnd >> 7) & 0xFF) != 0xFF]
        specials = np.array([0, 0x8000, 0x0001, 0x807F, 0x7F7F, 0xFF7F, 0x3F80], dtype=np.uint16)
        return np.concatenate([specials, rnd]).astype('<u2').view(np.uint8)
    raise ValueError(qtype)


def dequantize(raw, qtype):
    if qtype == Q.Q8_K:
        return dequant_q8_k(raw.reshape(-1, GGML_QUANT_SIZES[qtype][1]))
    return np.asarray(gguf.quants.dequantize(raw.reshape(-1), qtype), dtype=np.float32).reshape(-1)


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return format(h, "016x")


def write_quants(out, rng):
    qdir = os.path.join(out, "quants")
    os.makedirs(qdir, exist_ok=True)
    manifest = []
    for qtype in [Q.F32, Q.F16, Q.BF16, Q.Q4_0, Q.Q4_1, Q.Q5_0, Q.Q5_1, Q.Q8_0,
                  Q.Q2_K, Q.Q3_K, Q.Q4_K, Q.Q5_K, Q.Q6_K, Q.Q8_K]:
        block_elems, block_bytes = GGML_QUANT_SIZES[qtype]
        raw = float_blocks(rng, qtype) if block_elems == 1 else quant_blocks(rng, qtype).reshape(-1)
        values = dequantize(raw, qtype)
        assert np.all(np.isfinite(values)), qtype.name
        assert values.size == raw.size // block_bytes * block_elems
        raw.tofile(os.path.join(qdir, qtype.name + ".bin"))
        values.astype('<f4').tofile(os.path.join(qdir, qtype.name + ".f32"))
        manifest.append({"type": qtype.name, "id": int(qtype), "count": int(values.size),
                         "blocks": int(raw.size // block_bytes)})
    with open(os.path.join(out, "quants.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


VT = gguf.GGUFValueType
TYPE_NAMES = {VT.UINT8: "u8", VT.INT8: "i8", VT.UINT16: "u16", VT.INT16: "i16", VT.UINT32: "u32",
              VT.INT32: "i32", VT.FLOAT32: "f32", VT.BOOL: "bool", VT.STRING: "string", VT.ARRAY: "array",
              VT.UINT64: "u64", VT.INT64: "i64", VT.FLOAT64: "f64"}


def json_scalar(value, vtype):
    if vtype in (VT.FLOAT32, VT.FLOAT64):
        v = float(np.float32(value)) if vtype == VT.FLOAT32 else float(value)
        return v.hex()
    if vtype == VT.BOOL:
        return bool(value)
    if vtype == VT.STRING:
        return value
    return str(int(value))


def write_tiny(out, rng):
    path = os.path.join(out, "tiny.gguf")
    w = gguf.GGUFWriter(path, arch="llama")
    w.add_custom_alignment(64)
    meta = [
        ("general.name", "tiny fixture", VT.STRING, None),
        ("llama.block_count", 2, VT.UINT32, None),
        ("test.u8", 200, VT.UINT8, None),
        ("test.i8", -100, VT.INT8, None),
        ("test.u16", 60000, VT.UINT16, None),
        ("test.i16", -30000, VT.INT16, None),
        ("test.u32", 4000000000, VT.UINT32, None),
        ("test.i32", -2000000000, VT.INT32, None),
        ("test.f32", 0.1, VT.FLOAT32, None),
        ("test.bool_true", True, VT.BOOL, None),
        ("test.bool_false", False, VT.BOOL, None),
        ("test.string_utf8", "h\u00e9llo w\u00f6rld \u2603", VT.STRING, None),
        ("test.u64", 18446744073709551000, VT.UINT64, None),
        ("test.u64_small", 12345678901234, VT.UINT64, None),
        ("test.i64", -(2**62) - 7, VT.INT64, None),
        ("test.f64", 3.141592653589793, VT.FLOAT64, None),
        ("test.strings", ["a", "bc", "", "\u00fcn\u00ef", "line\nbreak"], VT.ARRAY, VT.STRING),
        ("test.i32s", [1, -2, 3, 2147483647, -2147483648], VT.ARRAY, VT.INT32),
        ("test.u8s", [0, 1, 255], VT.ARRAY, VT.UINT8),
        ("test.u64s", [0, 2**63 + 1], VT.ARRAY, VT.UINT64),
        ("test.f32s", [0.5, -1.25, 0.1], VT.ARRAY, VT.FLOAT32),
        ("test.f64s", [1e-300, -2.5], VT.ARRAY, VT.FLOAT64),
        ("test.bools", [True, False, True], VT.ARRAY, VT.BOOL),
    ]
    for key, value, vtype, sub in meta:
        w.add_key_value(key, value, vtype, sub_type=sub)

    tensors = []  # (name, raw bytes array, ggml qtype, torch shape)

    def add(name, array, qtype, raw=None):
        tensors.append((name, array, qtype))
        if raw is None:
            w.add_tensor(name, array)
        else:
            w.add_tensor(name, raw, raw_dtype=qtype)

    add("token_embd.weight", rng.standard_normal((4, 8)).astype(np.float32), Q.F32)
    add("blk.0.attn_norm.weight", rng.standard_normal(8).astype(np.float32), Q.F32)
    add("blk.0.conv.weight", rng.standard_normal((2, 3, 4)).astype(np.float32), Q.F32)
    add("blk.0.f16.weight", rng.standard_normal((3, 16)).astype(np.float16), Q.F16)
    for qtype, shape in [(Q.Q8_0, (2, 64)), (Q.Q4_1, (2, 64)), (Q.Q5_0, (3, 32)), (Q.BF16, (2, 8))]:
        raw = gguf.quants.quantize(rng.standard_normal(shape).astype(np.float32), qtype)
        add("blk.1.%s.weight" % qtype.name.lower(), raw, qtype, raw=raw)
    for qtype, rows in [(Q.Q4_K, 2), (Q.Q6_K, 1)]:
        raw = quant_blocks(rng, qtype)[:rows]
        add("blk.1.%s.weight" % qtype.name.lower(), raw, qtype, raw=raw)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()

    # What a reader must see, taken from gguf's own reader of the written file.
    reader = gguf.GGUFReader(path)
    expected_values = []
    t_json = []
    n_values = 0
    for t in reader.tensors:
        raw = np.asarray(t.data).view(np.uint8).reshape(-1)
        values = dequantize(raw.copy(), t.tensor_type)
        t_json.append({
            "name": t.name,
            "dims": [int(d) for d in t.shape],  # ggml order
            "type": int(t.tensor_type),
            "type_name": t.tensor_type.name,
            "offset": int(t.data_offset - reader.data_offset),
            "bytes": int(t.n_bytes),
            "fnv1a64": fnv1a64(raw.tobytes()),
            "values_offset": n_values,
            "count": int(values.size),
        })
        n_values += values.size
        expected_values.append(values)
    np.concatenate(expected_values).astype('<f4').tofile(os.path.join(out, "tiny.f32"))

    m_json = {"general.architecture": {"type": "string", "value": "llama"},
              "general.alignment": {"type": "u32", "value": "64"}}
    for key, value, vtype, sub in meta:
        entry = {"type": TYPE_NAMES[vtype]}
        if vtype == VT.ARRAY:
            entry["element_type"] = TYPE_NAMES[sub]
            entry["value"] = [json_scalar(v, sub) for v in value]
        else:
            entry["value"] = json_scalar(value, vtype)
        m_json[key] = entry
    assert len(m_json) == len(reader.fields) - 3  # GGUF.version, tensor_count, kv_count are not keys
    doc = {
        "version": 3,
        "alignment": 64,
        "data_offset": int(reader.data_offset),
        "file_size": os.path.getsize(path),
        "metadata": m_json,
        "tensors": t_json,
    }
    with open(os.path.join(out, "tiny.json"), "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "fixtures", "gguf")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)
    write_quants(out, rng)
    write_tiny(out, rng)
    total = 0
    for root, _, files in os.walk(out):
        for name in sorted(files):
            p = os.path.join(root, name)
            total += os.path.getsize(p)
    print("wrote %s: %d bytes" % (os.path.normpath(out), total))


if __name__ == "__main__":
    main()

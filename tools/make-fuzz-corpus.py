#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from the test fixtures (small files only,
so the fuzzer starts from every format and layout it must read). Rerun after a fixture changes."""
import json, os, re, shutil, sqlite3, struct, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fix = os.path.join(root, "tests", "fixtures")
out = os.path.join(root, "tests", "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def copy(target, path, name=None):
    with open(path, "rb") as f:
        put(target, name or os.path.basename(path), f.read())


# dataset: one seed per format and layout, with the odd cases the parser handles.
turns = [{"role": "user", "content": "<image>\nHow many?"}, {"role": "assistant", "content": "3"}]
conv = [{"from": "human", "value": "<image>\nHow many?"}, {"from": "gpt", "value": "3"}]
qwen = [{"from": "user", "value": "Picture 1: <img>a.png</img>\nHow many?"}, {"from": "assistant", "value": "3"}]
put("dataset", "messages.jsonl", "\n".join(json.dumps({"id": f"m{i}", "messages": turns, "images": ["a.png"]}) for i in range(3)) + "\n")
put("dataset", "messages.json", json.dumps([{"id": "m0", "messages": turns, "images": ["a.png"], "source": "x"}]))
put("dataset", "sharegpt.jsonl", json.dumps({"id": "s0", "conversations": conv, "images": ["a.png", "b.jpg"]}) + "\n")
put("dataset", "llava.json", json.dumps([{"id": "l0", "image": "a.png", "conversations": conv}, {"id": "l1", "image": ["a.png"], "conversations": conv}]))
put("dataset", "llava.jsonl", json.dumps({"id": "l0", "image": "a.png", "conversations": conv}) + "\r\n")
put("dataset", "qwenvl.json", json.dumps([{"id": "q0", "conversations": qwen}]))
put("dataset", "odd.jsonl", '\xef\xbb\xbf{"messages": [{"role": "user", "content": "caf\\u00e9 \\ud83d\\ude00"}, {"role": "assistant", "content": "x"}]}\n'
    '{"id": "dup", "messages": []}\n{"id": "dup", "messages": [{"role": "system", "content": ""}]}\n{broken\n\n[1, 2]\n')
put("dataset", "utf16.jsonl", '{"id": "u"}\n'.encode("utf-16"))

# tokenizer: the fixture tokenizers, each followed by a NUL and text to encode.
for name in ("tiny_tokenizer.json", "tiny_tokenizer_strmerges.json"):
    with open(os.path.join(fix, "text", name), "rb") as f:
        put("tokenizer", name, f.read() + b"\0Hello <|im_start|>user\n 123 caf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd!!")

# safetensors: small files in the layouts the reader checks (the fixture checkpoints are too big).
def safetensors(tensors, meta=None):
    header, data = {}, b""
    for name, (dtype, shape, blob) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    if meta:
        header["__metadata__"] = meta
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data

put("safetensors", "f32.safetensors", safetensors({"a.weight": ("F32", [2, 3], struct.pack("<6f", *range(6))),
                                                   "b": ("BF16", [4], b"\0\x3f" * 4)}, {"format": "pt"}))
put("safetensors", "scalar.safetensors", safetensors({"s": ("I64", [], struct.pack("<q", 7)), "e": ("U8", [0], b"")}))
put("safetensors", "mixed.safetensors", safetensors({"x": ("F16", [1, 2], b"\0<\0<"), "y": ("BOOL", [3], b"\1\0\1"),
                                                     "z": ("I32", [1], b"\1\0\0\0")}))

# config: every config.json and preprocessor_config.json of the fixture models.
for model in sorted(os.listdir(os.path.join(fix, "models"))):
    for sub in ("", "model"):
        for name in ("config.json", "preprocessor_config.json"):
            p = os.path.join(fix, "models", model, sub, name)
            if os.path.exists(p):
                copy("config", p, f"{model}-{name}")
put("config", "preprocessor-size.json", json.dumps({"size": {"shortest_edge": 3136, "longest_edge": 12845056}, "patch_size": 14,
                                                     "merge_size": 2, "temporal_patch_size": 2, "image_mean": 0.5, "image_std": [0.5, 0.5, 0.5]}))

# image: the fixture pictures under 30 KB, plus a header that claims far more pixels than it holds.
for name in sorted(os.listdir(os.path.join(fix, "vision", "images"))):
    p = os.path.join(fix, "vision", "images", name)
    if os.path.getsize(p) < 30000:
        copy("image", p)
with open(os.path.join(fix, "vision", "images", "rgba_30x20.png"), "rb") as f:
    png = bytearray(f.read())
png[16:24] = struct.pack(">II", 30000, 30000)  # IHDR width/height (its CRC is now wrong: decoders must cope)
put("image", "bomb_header.png", bytes(png))
put("image", "tiny.ppm", b"P6\n2 2\n255\n" + bytes(range(12)))
put("image", "tiny.bmp", b"BM" + struct.pack("<IHHI", 70, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 2, -2, 1, 24, 0, 16, 0, 0, 0, 0) + bytes(16))

# store: a real project store (the schema of core/store/ProjectSchema.cpp) with a run, scores, decisions.
with open(os.path.join(root, "core", "store", "ProjectSchema.cpp")) as f:
    schema = re.search(r'kSchemaV1 = R"SQL\((.*?)\)SQL"', f.read(), re.S).group(1)
tmp = os.path.join(out, "store.tmp.sqlite")
if os.path.exists(tmp):
    os.remove(tmp)
db = sqlite3.connect(tmp)
db.execute("PRAGMA page_size=512")  # small pages: a small seed, and each mutation hits the structure
db.executescript(schema)
db.execute("PRAGMA application_id=%d" % 0x4F535443)
db.execute("INSERT INTO schema_version(version, applied_at) VALUES (1, '2026-12-01T00:00:00Z')")
db.execute("INSERT INTO runs(name, status, settings_json) VALUES ('r', 'done', '{}')")
for i in range(20):
    vals = {"run_id": 1, "sample_id": f"s{i}", "content_hash": "h", "method": "ost" if i % 2 else "loss", "value": i * 0.1}
    db.execute("INSERT INTO scores(%s) VALUES (%s)" % (",".join(vals), ",".join("?" * len(vals))), list(vals.values()))
db.commit()
db.close()
with open(tmp, "rb") as f:
    put("store", "project.ostproj", f.read())
os.remove(tmp)
put("store", "not-sqlite.ostproj", b"SQLite format 3\0" + bytes(84))
print("corpora written to", out)

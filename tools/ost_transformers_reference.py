#!/usr/bin/env python3
"""The same One-Step-Train computation in plain Python / transformers, for two jobs:

1. `fixtures`: writes tests/fixtures/text_decoders/real_models.json with, for each real GGUF file
   given, the token ids transformers' own tokenizer and chat template give for a few chat-formatted
   samples (MATH-V-like, with "<image>" placeholders removed as a text-only proxy sees them) and
   the per-sample SFT loss of up to N samples (answer + <|im_end|> + "\\n" trained). The C++ tests
   read it when the GGUF files are present (tools/fetch-pretrained.sh) and skip otherwise.
2. `score`: exact OST utilities of a JSONL file (utility = L_V(θ) − L_V(θ − η·g_z), SGD step on the
   parameters of the last K decoder blocks, V = the first R reference samples), printed as JSON with
   the samples/s, to compare speed and values with `ostc score` on the same machine:
     python3 tools/ost_transformers_reference.py score --gguf FILE --data pool.jsonl --reference ref.jsonl \\
         --limit 20 --reference-max 16 --last 4 --lr 1e-3 --threads 2
3. `fast`: the first-order utility η·<∇L_V, g_z> that `--mode fast` estimates, computed the
   straightforward way (∇L_V once, then one forward and backward per candidate and a dot product),
   with |g_z| and |∇L_V| so a cosine-normalised ranking can be tried offline; same flags as `score`.

Needs: pip install torch transformers gguf numpy. transformers loads GGUF with gguf_file= and
dequantises to fp32 (it undoes llama.cpp's q/k permutation itself).
"""
import argparse
import json
import os
import time

import torch
import transformers


def load(gguf_path):
    folder, name = os.path.split(os.path.abspath(gguf_path))
    tok = transformers.AutoTokenizer.from_pretrained(folder, gguf_file=name)
    # transformers' GGUF converter ignores tokenizer.ggml.pre. For "smollm" (SmolLM2) llama.cpp and the
    # model's own tokenizer.json split every digit off first (Digits(individual_digits) before the
    # ByteLevel regex); without it ".\n\n1" tokenises differently. Put that step back.
    import gguf
    from tokenizers import pre_tokenizers
    field = gguf.GGUFReader(gguf_path).fields.get("tokenizer.ggml.pre")
    if field is not None and bytes(field.parts[field.data[0]]).decode() == "smollm":
        tok.backend_tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
            [pre_tokenizers.Digits(individual_digits=True),
             pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)])
    model = transformers.AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32)
    model.eval()
    return tok, model


def text_only(content):
    return content.replace("<image>\n", "").replace("<image>", "")


def read_jsonl(path, limit):
    out = []
    with open(path) as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
            if limit and len(out) >= limit:
                break
    return out


def encode(tok, record, max_tokens):
    """Prompt via the model's own chat template (one user turn + generation prompt), then the
    answer, <|im_end|> and "\\n" as the trained labels — what the C++ encoder lays out."""
    msgs = record["messages"]
    user = next(m for m in msgs if m["role"] == "user")
    answer = [m for m in msgs if m["role"] == "assistant"][-1]["content"]
    prompt = tok.apply_chat_template([{"role": "user", "content": text_only(user["content"])}], tokenize=False,
                                     add_generation_prompt=True)
    full = prompt + answer + "<|im_end|>\n"
    ids = tok(full, add_special_tokens=False)["input_ids"]
    prompt_len = len(tok(prompt, add_special_tokens=False)["input_ids"])
    labels = [-100] * prompt_len + ids[prompt_len:]
    if max_tokens and len(ids) > max_tokens:
        ids, labels = ids[:max_tokens], labels[:max_tokens]
    return ids, labels


def per_sample_loss(model, ids, labels):
    x = torch.tensor([ids])
    y = torch.tensor([labels])
    logits = model(input_ids=x).logits.float()
    ce = torch.nn.functional.cross_entropy(logits[0, :-1], y[0, 1:], ignore_index=-100, reduction="sum")
    return ce / (y[0, 1:] != -100).sum().clamp_min(1)


def cmd_fixtures(args):
    out = {}
    records = read_jsonl(args.data, args.limit)
    for path in args.gguf:
        tok, model = load(path)
        entry = {"file": os.path.basename(path), "chat_ids": {}, "loss": {}}
        for r in records[: args.id_samples]:
            ids, labels = encode(tok, r, args.max_tokens)
            entry["chat_ids"][r["id"]] = ids
            entry["chat_labels_from"] = entry.get("chat_labels_from", {})
            entry["chat_labels_from"][r["id"]] = next(i for i, l in enumerate(labels) if l != -100)
        with torch.no_grad():
            for r in records:
                ids, labels = encode(tok, r, args.max_tokens)
                entry["loss"][r["id"]] = per_sample_loss(model, ids, labels).item()
        out[os.path.basename(path)] = entry
        print(path, len(entry["loss"]), "losses")
    meta = {"transformers": transformers.__version__, "torch": torch.__version__, "data": os.path.basename(args.data),
            "max_tokens": args.max_tokens, "models": out}
    with open(args.out, "w") as f:
        json.dump(meta, f, indent=1)


def scoped_parameters(model, last):
    layers = model.model.layers
    params = [p for l in layers[len(layers) - last:] for p in l.parameters()]
    for p in model.parameters():
        p.requires_grad_(False)
    for p in params:
        p.requires_grad_(True)
    return params


def setup(args):
    """The model with the last K blocks trainable, V encoded, the pool records."""
    torch.set_num_threads(args.threads)
    tok, model = load(args.gguf)
    params = scoped_parameters(model, args.last)
    refs = [encode(tok, r, args.max_tokens) for r in read_jsonl(args.reference, args.reference_max)]
    return tok, model, params, refs, read_jsonl(args.data, args.limit)


def cmd_score(args):
    tok, model, params, refs, pool = setup(args)

    def reference_loss():
        with torch.no_grad():
            return sum(per_sample_loss(model, i, l).item() for i, l in refs) / len(refs)

    base = reference_loss()
    direction = None
    if args.first_order:  # ∇L_V once: the first-order utility η·<∇L_V, g_z> that fast mode estimates
        total = sum(per_sample_loss(model, i, l) for i, l in refs) / len(refs)
        direction = torch.autograd.grad(total, params)
    start = time.time()
    utilities = {}
    first_order = {}
    for r in pool:
        ids, labels = encode(tok, r, args.max_tokens)
        loss = per_sample_loss(model, ids, labels)
        grads = torch.autograd.grad(loss, params)
        if direction is not None:
            first_order[r["id"]] = args.lr * sum((g * d).sum().item() for g, d in zip(grads, direction))
        saved = [p.detach().clone() for p in params]
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.sub_(args.lr * g)
        utilities[r["id"]] = base - reference_loss()
        with torch.no_grad():
            for p, s in zip(params, saved):
                p.copy_(s)
    seconds = time.time() - start
    # The settings go with the values, so the output is also a fixture (tests/ost/tst_real_ost.cpp).
    print(json.dumps({"gguf": os.path.basename(args.gguf), "data": os.path.basename(args.data),
                      "reference": os.path.basename(args.reference), "reference_max": args.reference_max,
                      "max_tokens": args.max_tokens, "last": args.last, "lr": args.lr,
                      "transformers": transformers.__version__, "torch": torch.__version__,
                      "samples": len(pool), "seconds": seconds, "samples_per_s": len(pool) / seconds,
                      "reference_loss": base, "utilities": utilities, "first_order": first_order}, indent=1))


def cmd_fast(args):
    tok, model, params, refs, pool = setup(args)
    start = time.time()
    total = sum(per_sample_loss(model, i, l) for i, l in refs) / len(refs)
    direction = torch.autograd.grad(total, params)
    direction_norm = sum((d * d).sum().item() for d in direction) ** 0.5
    reference_seconds = time.time() - start
    start = time.time()
    utilities, norms = {}, {}
    for r in pool:
        ids, labels = encode(tok, r, args.max_tokens)
        grads = torch.autograd.grad(per_sample_loss(model, ids, labels), params)
        utilities[r["id"]] = args.lr * sum((g * d).sum().item() for g, d in zip(grads, direction))
        norms[r["id"]] = sum((g * g).sum().item() for g in grads) ** 0.5
    seconds = time.time() - start
    print(json.dumps({"gguf": os.path.basename(args.gguf), "data": os.path.basename(args.data),
                      "reference": os.path.basename(args.reference), "reference_max": args.reference_max,
                      "max_tokens": args.max_tokens, "last": args.last, "lr": args.lr,
                      "transformers": transformers.__version__, "torch": torch.__version__,
                      "samples": len(pool), "reference_seconds": reference_seconds, "seconds": seconds,
                      "samples_per_s": len(pool) / seconds, "direction_norm": direction_norm,
                      "first_order": utilities, "gradient_norm": norms}, indent=1))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fixtures")
    f.add_argument("--gguf", nargs="+", required=True)
    f.add_argument("--data", required=True)
    f.add_argument("--limit", type=int, default=50)
    f.add_argument("--id-samples", type=int, default=8)
    f.add_argument("--max-tokens", type=int, default=512)
    f.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures",
                                                 "text_decoders", "real_models.json"))
    s = sub.add_parser("score")
    fast = sub.add_parser("fast")
    for sp in (s, fast):
        sp.add_argument("--gguf", required=True)
        sp.add_argument("--data", required=True)
        sp.add_argument("--reference", required=True)
        sp.add_argument("--limit", type=int, default=20)
        sp.add_argument("--reference-max", type=int, default=16)
        sp.add_argument("--max-tokens", type=int, default=512)
        sp.add_argument("--last", type=int, default=4)
        sp.add_argument("--lr", type=float, default=1e-3)
        sp.add_argument("--threads", type=int, default=2)
    s.add_argument("--first-order", action="store_true", help="also print η·<∇L_V, g_z> per sample")
    args = ap.parse_args()
    {"fixtures": cmd_fixtures, "score": cmd_score, "fast": cmd_fast}[args.cmd](args)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference fixtures for the text-only decoders (qwen2, llama, qwen3) read from GGUF files and
from Hugging Face folders (core/model/internal/GgufProxy, QwenTextDecoder).

For each family it builds a tiny RANDOM model with transformers' own class, writes it as a GGUF
file with the `gguf` package's writer (norms F32, the weights in several ggml types: Q8_0, Q4_0,
Q4_1, Q5_0, Q5_1, F16, BF16; llama's q/k permuted as llama.cpp's converter stores them), reads the
dequantised weights back into the transformers model (so both sides compute with the very same
numbers), and runs one padded batch in fp32. Under tests/fixtures/text_decoders/<name>/:
  model.gguf             the GGUF file
  hf/config.json, hf/model.safetensors   the same (dequantised) weights as a Hugging Face folder
  inputs.safetensors     input_ids, attention_mask, labels
  expected.safetensors   logits, per_sample_loss, grad.<parameter> for a few parameters
                         (gradients of the SUM of the per-sample losses; parameter names as ours)
"llama3_hf" has only the folder: Llama 3 rope scaling (rope_type llama3), which GGUF spells as a
rope_freqs tensor this project does not read.

Run: python3 tools/gen_text_decoder_fixtures.py [--out tests/fixtures/text_decoders]
(pip install torch transformers gguf numpy; deterministic: fixed seeds)
"""
import argparse
import json
import os

import gguf
import numpy as np
import torch
import transformers
from safetensors.torch import save_file

VOCAB = 320
T = gguf.GGMLQuantizationType
# ggml type per weight; rows (the input width) must be multiples of 32 for the block types.
TYPES = {"attn_q": T.Q4_0, "attn_k": T.Q5_1, "attn_v": T.Q8_0, "attn_output": T.F16,
         "ffn_gate": T.Q4_1, "ffn_up": T.Q5_0, "ffn_down": T.BF16, "token_embd": T.Q8_0, "output": T.Q8_0}


def build(name):
    common = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6, hidden_act="silu",
                  max_position_embeddings=4096)
    if name == "qwen2":
        cfg = transformers.Qwen2Config(**common, rope_theta=1000000.0, tie_word_embeddings=True)
        return transformers.Qwen2ForCausalLM(cfg)
    if name == "llama":
        cfg = transformers.LlamaConfig(**common, rope_theta=100000.0, tie_word_embeddings=False)
        return transformers.LlamaForCausalLM(cfg)
    if name == "llama3_hf":
        cfg = transformers.LlamaConfig(**common, rope_theta=500000.0, tie_word_embeddings=True,
                                       rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                                     "high_freq_factor": 4.0,
                                                     "original_max_position_embeddings": 16})
        return transformers.LlamaForCausalLM(cfg)
    if name == "qwen3":
        # head_dim 32 != hidden / heads (16): the override must be honoured.
        cfg = transformers.Qwen3Config(**common, head_dim=32, rope_theta=1000000.0, tie_word_embeddings=True)
        return transformers.Qwen3ForCausalLM(cfg)
    raise ValueError(name)


def bytes_to_unicode():
    """GPT-2's byte -> printable character table (byte-level BPE spelling)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def permute(w, heads):
    """llama.cpp's convert_hf_to_gguf permutation of q/k rows (interleaved rotary halves)."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def unpermute(w, heads):
    return w.reshape(heads, w.shape[0] // heads // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def gguf_name(hf):
    parts = {"input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
             "self_attn.q_proj.weight": "attn_q.weight", "self_attn.q_proj.bias": "attn_q.bias",
             "self_attn.k_proj.weight": "attn_k.weight", "self_attn.k_proj.bias": "attn_k.bias",
             "self_attn.v_proj.weight": "attn_v.weight", "self_attn.v_proj.bias": "attn_v.bias",
             "self_attn.o_proj.weight": "attn_output.weight", "self_attn.q_norm.weight": "attn_q_norm.weight",
             "self_attn.k_norm.weight": "attn_k_norm.weight", "mlp.gate_proj.weight": "ffn_gate.weight",
             "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight"}
    if hf == "model.embed_tokens.weight":
        return "token_embd.weight"
    if hf == "model.norm.weight":
        return "output_norm.weight"
    if hf == "lm_head.weight":
        return "output.weight"
    _, _, layer, rest = hf.split(".", 3)
    return f"blk.{layer}.{parts[rest]}"


def write_gguf(model, arch, path):
    c = model.config
    w = gguf.GGUFWriter(path, arch)
    w.add_block_count(c.num_hidden_layers)
    w.add_context_length(c.max_position_embeddings)
    w.add_embedding_length(c.hidden_size)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_rope_freq_base(c.rope_parameters["rope_theta"] if hasattr(c, "rope_parameters") and c.rope_parameters
                         else c.rope_theta)
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    if arch == "qwen3":
        w.add_key_length(c.head_dim)
        w.add_value_length(c.head_dim)
    # A minimal byte-level vocabulary (the tests feed token ids directly; tokenizers are tested on
    # the real files), with the ChatML template the loader reads the system prompt from.
    byte_chars, specials, tokens = fixture_tokens()
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2" if arch != "llama" else "smollm")
    w.add_token_list(tokens)
    w.add_token_types([1] * 256 + [3] * len(specials) + [1] * (VOCAB - 256 - len(specials)))
    w.add_token_merges([])
    w.add_chat_template("{{'<|im_start|>system\\nFixture prompt.<|im_end|>\\n'}}")
    state = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    dequantised = {}
    for hf, value in state.items():
        name = gguf_name(hf)
        stored = value
        if arch == "llama" and name.endswith("attn_q.weight"):
            stored = permute(value, c.num_attention_heads)
        elif arch == "llama" and name.endswith("attn_k.weight"):
            stored = permute(value, c.num_key_value_heads)
        kind = name.split(".")[-2] if name.startswith("blk.") else name.split(".")[0]
        qtype = TYPES.get(kind, T.F32) if value.ndim == 2 else T.F32
        data = gguf.quants.quantize(stored, qtype) if qtype != T.F32 else stored
        w.add_tensor(name, data, raw_dtype=qtype)
        back = gguf.quants.dequantize(data, qtype).reshape(value.shape) if qtype != T.F32 else stored
        if arch == "llama" and name.endswith("attn_q.weight"):
            back = unpermute(back, c.num_attention_heads)
        elif arch == "llama" and name.endswith("attn_k.weight"):
            back = unpermute(back, c.num_key_value_heads)
        dequantised[hf] = torch.from_numpy(np.ascontiguousarray(back, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return dequantised


def fixture_tokens():
    byte_chars = list(bytes_to_unicode().values())
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    return byte_chars, specials, byte_chars + specials + [f"<t{i}>" for i in range(VOCAB - 256 - len(specials))]


def write_tokenizer_json(path):
    """The fixture vocabulary as a tokenizer.json (GPT-2 ByteLevel pre-tokenizer, no merges)."""
    byte_chars, specials, tokens = fixture_tokens()
    vocab = {t: i for i, t in enumerate(tokens) if t not in specials}
    added = [{"id": tokens.index(t), "content": t, "special": True, "single_word": False, "lstrip": False,
              "rstrip": False, "normalized": False} for t in specials]
    doc = {"version": "1.0", "added_tokens": added, "normalizer": None,
           "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
           "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
           "model": {"type": "BPE", "vocab": vocab, "merges": []}}
    with open(path, "w") as f:
        json.dump(doc, f)


def ours(hf):
    if hf.startswith("model."):
        return "model.language_model." + hf[len("model."):]
    return hf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "text_decoders"))
    args = ap.parse_args()
    for i, name in enumerate(["qwen2", "llama", "qwen3", "llama3_hf"]):
        torch.manual_seed(100 + i)
        model = build(name).float()
        with torch.no_grad():  # visible norms and biases (random init leaves them 1 and 0)
            for n, p in model.named_parameters():
                if "norm" in n or n.endswith(".bias"):
                    p.add_(torch.randn_like(p) * 0.1)
        model.config._attn_implementation = "eager"
        out = os.path.join(args.out, name)
        os.makedirs(os.path.join(out, "hf"), exist_ok=True)
        arch = name.replace("3_hf", "")
        if name != "llama3_hf":
            weights = write_gguf(model, arch, os.path.join(out, "model.gguf"))
            model.load_state_dict(weights, strict=False)
            if model.config.tie_word_embeddings:
                model.tie_weights()
        model.save_pretrained(os.path.join(out, "hf"), safe_serialization=True)
        write_tokenizer_json(os.path.join(out, "hf", "tokenizer.json"))
        with open(os.path.join(out, "hf", "tokenizer_config.json"), "w") as f:
            json.dump({"chat_template": "{{'<|im_start|>system\\nFolder prompt.<|im_end|>\\n'}}"}, f)
        for extra in ("generation_config.json",):
            p = os.path.join(out, "hf", extra)
            if os.path.exists(p):
                os.remove(p)

        g = torch.Generator().manual_seed(7)
        ids = torch.randint(0, VOCAB, (2, 12), generator=g)
        mask = torch.ones_like(ids)
        mask[1, 9:] = 0
        labels = ids.clone()
        labels[:, :4] = -100
        labels[mask == 0] = -100
        model.eval()
        logits = model(input_ids=ids, attention_mask=mask).logits.float()
        shift_logits, shift_labels = logits[:, :-1], labels[:, 1:]
        ce = torch.nn.functional.cross_entropy(shift_logits.reshape(-1, VOCAB), shift_labels.reshape(-1),
                                               reduction="none", ignore_index=-100).reshape(shift_labels.shape)
        counts = (shift_labels != -100).sum(1).clamp_min(1)
        per_sample = ce.sum(1) / counts
        model.zero_grad()
        per_sample.sum().backward()
        params = dict(model.named_parameters())
        chosen = ["model.layers.1.self_attn.q_proj.weight", "model.layers.1.self_attn.k_proj.weight",
                  "model.layers.0.mlp.down_proj.weight", "model.norm.weight"]
        if name == "qwen3":
            chosen.append("model.layers.1.self_attn.q_norm.weight")
        if name == "qwen2":
            chosen.append("model.layers.0.self_attn.k_proj.bias")
        expected = {"logits": logits.detach().contiguous(), "per_sample_loss": per_sample.detach().contiguous()}
        for p in chosen:
            expected["grad." + ours(p)] = params[p].grad.detach().contiguous()
        meta = {"transformers": transformers.__version__, "torch": torch.__version__, "gguf_types": json.dumps(
            {k: v.name for k, v in TYPES.items()}), "grad_params": json.dumps([ours(p) for p in chosen])}
        save_file({"input_ids": ids, "attention_mask": mask, "labels": labels}, os.path.join(out, "inputs.safetensors"))
        save_file(expected, os.path.join(out, "expected.safetensors"), metadata=meta)
        print(name, "written to", out)


if __name__ == "__main__":
    main()

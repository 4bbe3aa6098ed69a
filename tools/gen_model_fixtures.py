#!/usr/bin/env python3
"""Reference fixtures for the native Qwen2-VL / Qwen2.5-VL implementation (core/model).

Builds tiny RANDOM models with Hugging Face transformers' own classes, runs one padded batch
(two samples; sample 0 holds two images of different sizes, sample 1 one small image) in fp32 and
writes, per model, under tests/fixtures/models/<name>/:
  model/config.json, model/model.safetensors   the checkpoint exactly as save_pretrained writes it
  inputs.safetensors     input_ids, attention_mask, labels, pixel_values, image_grid_thw
  expected.safetensors   logits, per_sample_loss, hf_loss, grad.<parameter> for a few parameters
                         (gradients of the SUM of the per-sample losses)
The transformers / torch versions go into expected.safetensors' metadata.

Run: /opt/refenv/bin/python tools/gen_model_fixtures.py [--out tests/fixtures/models]
"""
import argparse
import json
import os

import torch
import transformers
from safetensors.torch import save_file

IMAGE, VIDEO, VSTART, VEND = 310, 311, 308, 309
VOCAB = 320


def text_config(tie):
    return dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=96, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, rms_norm_eps=1e-6, hidden_act="silu",
                max_position_embeddings=4096, tie_word_embeddings=tie,
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]})


def build_qwen2_vl():
    from transformers import Qwen2VLConfig, Qwen2VLForConditionalGeneration
    cfg = Qwen2VLConfig(
        text_config=text_config(False),
        vision_config=dict(depth=2, embed_dim=32, hidden_size=64, num_heads=4, mlp_ratio=2, in_channels=3,
                           patch_size=14, spatial_merge_size=2, temporal_patch_size=2, hidden_act="quick_gelu"),
        image_token_id=IMAGE, video_token_id=VIDEO, vision_start_token_id=VSTART, vision_end_token_id=VEND,
        tie_word_embeddings=False)
    cfg._attn_implementation = "eager"
    return Qwen2VLForConditionalGeneration(cfg), [(1, 4, 6), (1, 6, 4), (1, 4, 4)]


def build_qwen2_5_vl():
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration
    # window_size 56 = 2x2 merged patches per window: the 8x8 image splits into four full windows,
    # the 4x6 one into a full and a partial window; block 1 attends over whole images.
    cfg = Qwen2_5_VLConfig(
        text_config=text_config(True),
        vision_config=dict(depth=3, hidden_size=32, intermediate_size=64, num_heads=4, out_hidden_size=64,
                           in_channels=3, patch_size=14, spatial_merge_size=2, temporal_patch_size=2,
                           hidden_act="silu", window_size=56, fullatt_block_indexes=[1], tokens_per_second=2),
        image_token_id=IMAGE, video_token_id=VIDEO, vision_start_token_id=VSTART, vision_end_token_id=VEND,
        tie_word_embeddings=True)
    cfg._attn_implementation = "eager"
    return Qwen2_5_VLForConditionalGeneration(cfg), [(1, 8, 8), (1, 4, 6), (1, 2, 4)]


def randomise(model, gen):
    # Larger-than-default random weights so that every path contributes visibly to the outputs.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name or "ln_q" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
            else:
                fan_in = p[0].numel() if p.dim() > 1 else p.numel()
                p.copy_(torch.randn(p.shape, generator=gen) / fan_in ** 0.5)


def batch(grids, gen, merge=2):
    def tokens(n):
        return torch.randint(0, 300, (n,), generator=gen).tolist()

    def image(grid):
        t, h, w = grid
        return [VSTART] + [IMAGE] * (t * h * w // merge ** 2) + [VEND]

    # sample 0: prompt, image 0, text, image 1, prompt; answer.  sample 1: image 2, prompt; answer.
    p0 = tokens(5) + image(grids[0]) + tokens(4) + image(grids[1]) + tokens(6)
    a0 = tokens(12)
    p1 = tokens(3) + image(grids[2]) + tokens(5)
    a1 = tokens(7)
    seqs = [(p0, a0), (p1, a1)]
    length = max(len(p) + len(a) for p, a in seqs)
    ids = torch.full((2, length), 0, dtype=torch.long)
    mask = torch.zeros((2, length), dtype=torch.long)
    labels = torch.full((2, length), -100, dtype=torch.long)
    for i, (p, a) in enumerate(seqs):
        n = len(p) + len(a)
        ids[i, :n] = torch.tensor(p + a)
        mask[i, :n] = 1
        labels[i, len(p):n] = torch.tensor(a)
    patches = sum(t * h * w for t, h, w in grids)
    pixels = torch.randn((patches, 3 * 2 * 14 * 14), generator=gen)
    return ids, mask, labels, pixels, torch.tensor(grids, dtype=torch.long)


def per_sample_loss(logits, labels):
    shift_logits = logits[:, :-1].float()
    shift_labels = labels[:, 1:]
    ce = torch.nn.functional.cross_entropy(shift_logits.reshape(-1, shift_logits.shape[-1]),
                                           shift_labels.reshape(-1), ignore_index=-100, reduction="none")
    ce = ce.view(shift_labels.shape)
    valid = (shift_labels != -100).float()
    return (ce * valid).sum(1) / valid.sum(1)


GRAD_PARAMS = [
    "model.visual.patch_embed.proj.weight",
    "model.visual.blocks.0.attn.qkv.weight",
    "model.visual.merger.mlp.2.weight",
    "model.language_model.layers.0.self_attn.q_proj.weight",
    "model.language_model.layers.1.mlp.down_proj.weight",
    "model.language_model.norm.weight",
]


def generate(name, builder, out_root, seed):
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model, grids = builder()
    randomise(model, gen)
    model.eval()
    ids, mask, labels, pixels, grid = batch(grids, gen)

    out = os.path.join(out_root, name)
    model.save_pretrained(os.path.join(out, "model"), safe_serialization=True)
    save_file({"input_ids": ids, "attention_mask": mask, "labels": labels, "pixel_values": pixels,
               "image_grid_thw": grid}, os.path.join(out, "inputs.safetensors"))

    params = dict(model.named_parameters())
    res = model(input_ids=ids, attention_mask=mask, pixel_values=pixels, image_grid_thw=grid, labels=labels,
                mm_token_type_ids=(ids == IMAGE).int())
    losses = per_sample_loss(res.logits, labels)
    losses.sum().backward()
    expected = {"logits": res.logits.detach().contiguous(), "per_sample_loss": losses.detach(),
                "hf_loss": res.loss.detach().reshape(1)}
    for p in GRAD_PARAMS:
        expected["grad." + p] = params[p].grad.detach().contiguous()
    meta = {"transformers": transformers.__version__, "torch": torch.__version__, "seed": str(seed),
            "grad_params": json.dumps(GRAD_PARAMS)}
    save_file(expected, os.path.join(out, "expected.safetensors"), metadata=meta)
    print(f"{name}: logits {tuple(res.logits.shape)}, per-sample loss {losses.tolist()}, hf loss {res.loss.item():.6f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "models"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    generate("qwen2_vl_tiny", build_qwen2_vl, args.out, 1234)
    generate("qwen2_5_vl_tiny", build_qwen2_5_vl, args.out, 4321)


if __name__ == "__main__":
    main()

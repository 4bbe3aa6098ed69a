#!/opt/refenv/bin/python
"""Writes tests/fixtures/text/chat_ids.json: reference input_ids and labels for encodeChat().

input_ids come from Hugging Face: the Qwen2-VL chat template rendered by
tokenizer.apply_chat_template (structured content: an image item where the dataset text has
"<image>"), each <|image_pad|> then expanded to the image's pad count as Qwen2VLProcessor does,
and the text tokenised by the real Qwen2 tokenizer.json (../shared/tokenizers/qwen2).

labels follow Qwen's own fine-tuning code (qwen-vl-finetune, preprocess_qwen_2_visual): each turn
is tokenised on its own as "<|im_start|>ROLE\\nCONTENT<|im_end|>\\n"; system and user turns are
ignored; an assistant turn is trained except for its first three tokens
("<|im_start|>", "assistant", "\\n"). The concatenated per-turn ids are checked to equal the
template's ids, so the two references agree.

Only the small JSON is committed, never the tokenizer:
    /opt/refenv/bin/python tools/gen_chat_fixtures.py [--shared ../shared]
"""
import argparse
import json
import os

from transformers import PreTrainedTokenizerFast

IGNORE = -100
PAD = "<|image_pad|>"

# Qwen2-VL-7B-Instruct's chat_template (images and text items; videos left out).
QWEN2_VL_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")

CASES = [
    dict(name="one_image", images=4, turns=[
        ("user", "<image>\nWhat is the area of the triangle shown?"),
        ("assistant", "The base is $3$ and the height is $4$, so the area is "
                      "$\\frac{1}{2}\\cdot 3 \\cdot 4 = 6$.\n\nAnswer: 6")]),
    dict(name="two_images", images=[3, 5], turns=[
        ("user", "Compare <image> and <image>. Which circle is larger?"),
        ("assistant", "The second one: its radius is 2 cm versus 1.5 cm.")]),
    dict(name="multi_turn", images=[2], turns=[
        ("user", "<image>\nDescribe the figure."),
        ("assistant", "A circle inscribed in a square."),
        ("user", "If the square's side is 10, what's the circle's area?"),
        ("assistant", "The radius is 5, so the area is 25π ≈ 78.54.")]),
    dict(name="unicode_latex", images=[3], turns=[
        ("user", "<image>\nДокажите, что √2 иррационально. 数学题：求 x²+y²≤1 的面积。 Ünïcödé e\u0301 😀\t\ttabs"),
        ("assistant", "假设 √2 = p/q，则 p² = 2q²…  ∑_{i=1}^{n} i = \\frac{n(n+1)}{2} ✅\n\n  indented\n")]),
    dict(name="no_image", images=[], turns=[
        ("user", "What is 12*12?"),
        ("assistant", "12*12 = 144.")]),
    dict(name="image_without_placeholder", images=[2], turns=[
        ("user", "Solve the problem in the picture."),
        ("assistant", "x = 7")]),
    dict(name="own_system_prompt", images=[2], turns=[
        ("system", "You are a careful math tutor."),
        ("user", "<image>\nFind x."),
        ("assistant", "x = 3, because 2x + 1 = 7.")]),
    dict(name="prompt_only", images=[4], include_answer=False, turns=[
        ("user", "<image>\nWhat is the area of the triangle shown?"),
        ("assistant", "The area is 6.")]),
    dict(name="answer_only", images=[4], include_question=False, turns=[
        ("user", "<image>\nWhat is the area of the triangle shown?"),
        ("assistant", "The area is $6$ square units.")]),
]


def structured(content):
    """Dataset text with "<image>" placeholders -> the template's content items."""
    items = []
    parts = content.split("<image>")
    for i, part in enumerate(parts):
        if i > 0:
            items.append({"type": "image"})
        if part:
            items.append({"type": "text", "text": part})
    return items


def expand_pads(text, counts):
    """Qwen2VLProcessor's expansion: the i-th <|image_pad|> becomes counts[i] pads."""
    pieces = text.split(PAD)
    assert len(pieces) - 1 == len(counts), (len(pieces) - 1, counts)
    out = pieces[0]
    for n, rest in zip(counts, pieces[1:]):
        out += PAD * n + rest
    return out


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--shared", default=os.path.join(here, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "tests", "fixtures", "text", "chat_ids.json"))
    args = ap.parse_args()
    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(args.shared, "tokenizers", "qwen2", "tokenizer.json"))

    def ids_of(text):
        return tok(text, add_special_tokens=False)["input_ids"]

    out_cases = []
    for case in CASES:
        counts = case["images"] if isinstance(case["images"], list) else [case["images"]]
        turns = case["turns"]
        include_answer = case.get("include_answer", True)
        include_question = case.get("include_question", True)
        last_assistant = max(i for i, (r, _) in enumerate(turns) if r == "assistant")
        # With no "<image>" anywhere, all images go first in the first user turn.
        has_placeholders = any("<image>" in c for r, c in turns if r == "user")
        first_user = min(i for i, (r, _) in enumerate(turns) if r == "user")

        if not include_question:
            text = "<|im_start|>assistant\n" + turns[last_assistant][1] + "<|im_end|>\n"
            input_ids = ids_of(text)
            labels = [IGNORE] * 3 + input_ids[3:]
            image_count = 0
        else:
            rendered_turns = turns if include_answer else turns[:last_assistant]
            messages = []
            for i, (role, content) in enumerate(rendered_turns):
                if role == "user":
                    items = structured(content)
                    if not has_placeholders and i == first_user:
                        items = [{"type": "image"} for _ in counts] + items
                    messages.append({"role": role, "content": items})
                else:
                    messages.append({"role": role, "content": content})
            text = tok.apply_chat_template(messages, chat_template=QWEN2_VL_TEMPLATE, tokenize=False,
                                           add_generation_prompt=not include_answer)
            text = expand_pads(text, counts)
            input_ids = ids_of(text)
            image_count = len(counts)

            # Labels from per-turn tokenisation, as Qwen's fine-tuning code builds them.
            per_turn, labels = [], []
            if turns[0][0] != "system":
                sys_ids = ids_of("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n")
                per_turn += sys_ids
                labels += [IGNORE] * len(sys_ids)
            pad_iter = iter(counts)
            for i, (role, content) in enumerate(rendered_turns):
                if role == "user":
                    body = content
                    if not has_placeholders and i == first_user:
                        body = "<image>" * len(counts) + content
                    pieces = body.split("<image>")
                    body = pieces[0] + "".join(
                        "<|vision_start|>" + PAD * next(pad_iter) + "<|vision_end|>" + p for p in pieces[1:])
                else:
                    body = content
                ids = ids_of("<|im_start|>" + role + "\n" + body + "<|im_end|>\n")
                per_turn += ids
                labels += ([IGNORE] * 3 + ids[3:]) if role == "assistant" and include_answer else [IGNORE] * len(ids)
            if not include_answer:
                gen = ids_of("<|im_start|>assistant\n")
                per_turn += gen
                labels += [IGNORE] * len(gen)
            assert per_turn == input_ids, case["name"]

        out_cases.append({
            "name": case["name"],
            "sample": {"id": case["name"], "turns": [{"role": r, "content": c} for r, c in turns],
                       "images": ["images/%d.jpg" % i for i in range(len(counts))]},
            "imageTokenCounts": counts,
            "options": {"includeAnswer": include_answer, "includeQuestion": include_question},
            "text": text,
            "imageCount": image_count,
            "input_ids": input_ids,
            "labels": labels,
        })

    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"generator": "tools/gen_chat_fixtures.py (transformers, Qwen2 tokenizer.json, Qwen2-VL template)",
                   "cases": out_cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(out_cases), args.out))


if __name__ == "__main__":
    main()

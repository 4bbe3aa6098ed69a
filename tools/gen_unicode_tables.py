#!/usr/bin/env python3
"""Writes core/text/internal/UnicodeTables.cpp from Python's unicodedata.

The tokenizer needs a few Unicode facts that the C++ standard library does not offer: the general
categories L (letters) and N (numbers) for the Qwen2 pre-tokenizer regex, and the data for NFC
(canonical decompositions, combining classes, primary composites). Generating them from Python's
own database keeps the table honest and reproducible:

    /opt/refenv/bin/python tools/gen_unicode_tables.py > core/text/internal/UnicodeTables.cpp

Calibration: what matters is not "Unicode" but what the reference tokenizer (Hugging Face
tokenizers) does, and its two parts use different Unicode versions: its regex engine (Oniguruma)
knows letters newer than Python's database, and its NFC (unicode-normalization-alignments) is
older (about a hundred combining marks and one composite unknown). When the `tokenizers` package
is importable, the letter/number classes are probed from its Split pre-tokenizer and the NFC data
is restricted to what its normalizer applies, so we tokenise exactly as the model's own tokenizer
did. Without it, plain Python unicodedata is used (and the header says so).
"""
import sys
import unicodedata

try:
    from tokenizers import Regex, normalizers, pre_tokenizers
    HF = True
except ImportError:
    HF = False

QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
               r"\s*[\r\n]+|\s+(?!\S)|\s+")

MAX_CP = 0x110000
HANGUL = range(0xAC00, 0xD7A4)  # handled algorithmically in Nfc.cpp


def ranges(pred):
    out, start = [], None
    for cp in range(MAX_CP):
        if pred(cp):
            if start is None:
                start = cp
        elif start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, MAX_CP - 1))
    return out


def category_ranges(prefix):
    return ranges(lambda cp: unicodedata.category(chr(cp)).startswith(prefix))


def hf_classes():
    """'L', 'N' or other for every code point, as the reference regex engine classifies it."""
    split = pre_tokenizers.Split(Regex(QWEN2_REGEX), behavior="isolated")
    out = {}
    for cp in range(MAX_CP):
        if 0xD800 <= cp <= 0xDFFF or cp in (0x0A, 0x0D):
            continue
        c = chr(cp)
        if len(split.pre_tokenize_str(c + c)) == 2:  # \p{N} matches one character at a time
            out[cp] = 'N'
        elif len(split.pre_tokenize_str('a' + c)) == 1:  # \p{L}+ runs on
            out[cp] = 'L'
    return out


def hf_knows_combining_class(cp, ccc):
    """True when the reference NFD reorders cp against a mark of another class."""
    nfd = normalizers.NFD()
    s = '\u0301' + chr(cp) if ccc < 230 else chr(cp) + '\u0316'
    return nfd.normalize_str(s) != s


def hf_knows_decomposition(cp):
    return normalizers.NFD().normalize_str(chr(cp)) == unicodedata.normalize('NFD', chr(cp))


def combining(cp):
    c = unicodedata.combining(chr(cp))
    if c and HF and not hf_knows_combining_class(cp, c):
        return 0
    return c


def canonical_decomposition(cp):
    """Full (recursive) canonical decomposition, or None when cp has none."""
    d = unicodedata.decomposition(chr(cp))
    if not d or d.startswith('<'):
        return None
    out = []
    for part in d.split():
        sub = int(part, 16)
        rec = canonical_decomposition(sub)
        out.extend(rec if rec else [sub])
    return out


def main():
    if HF:
        classes = hf_classes()
        letters = ranges(lambda cp: classes.get(cp) == 'L')
        numbers = ranges(lambda cp: classes.get(cp) == 'N')
    else:
        letters = category_ranges('L')
        numbers = category_ranges('N')

    ccc_of = {}
    ccc_ranges = []
    for cp in range(MAX_CP):
        c = combining(cp)
        if c:
            ccc_of[cp] = c
        c = ccc_of.get(cp, 0)
        if c:
            if ccc_ranges and ccc_ranges[-1][1] == cp - 1 and ccc_ranges[-1][2] == c:
                ccc_ranges[-1][1] = cp
            else:
                ccc_ranges.append([cp, cp, c])

    decomps, flat = [], []
    compositions = []
    for cp in range(MAX_CP):
        if cp in HANGUL:
            continue
        full = canonical_decomposition(cp)
        if not full or (HF and not hf_knows_decomposition(cp)):
            continue
        decomps.append((cp, len(flat), len(full)))
        flat.extend(full)
        # Primary composites: two-part canonical decompositions that NFC recomposes (this
        # excludes the composition exclusions and singletons without needing their list).
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and unicodedata.normalize('NFC', chr(cp)) == chr(cp):
            compositions.append((int(parts[0], 16), int(parts[1], 16), cp))
    compositions.sort()

    # Code points in whose presence NFC may change a string; text without any is already NFC.
    seconds = {b for _, b, _ in compositions}
    decomposed = {d[0] for d in decomps}
    maybe = ranges(lambda cp: cp not in HANGUL and (
        ccc_of.get(cp, 0) != 0 or cp in seconds
        or (cp in decomposed and unicodedata.normalize('NFC', chr(cp)) != chr(cp))
        or 0x1161 <= cp <= 0x1175 or 0x11A8 <= cp <= 0x11C2))

    w = sys.stdout.write
    w('// GENERATED by tools/gen_unicode_tables.py from Python unicodedata %s%s. Do not edit.\n'
      % (unicodedata.unidata_version,
         ', calibrated against Hugging Face tokenizers (regex classes, NFC coverage)' if HF else ''))
    w('#include "core/text/internal/UnicodeTables.h"\n\nnamespace ost::text::unicode {\n\n')
    w('const char *const kUnicodeVersion = "%s";\n\n' % unicodedata.unidata_version)

    def emit_ranges(name, rs):
        w('const CodeRange %s[] = {\n' % name)
        for i in range(0, len(rs), 6):
            w('    ' + ' '.join('{0x%X, 0x%X},' % r for r in rs[i:i + 6]) + '\n')
        w('};\nconst size_t %sCount = sizeof(%s) / sizeof(%s[0]);\n\n' % (name, name, name))

    emit_ranges('kLetterRanges', letters)
    emit_ranges('kNumberRanges', numbers)
    emit_ranges('kNfcMaybeChangeRanges', maybe)

    w('const CombiningRange kCombiningRanges[] = {\n')
    for i in range(0, len(ccc_ranges), 5):
        w('    ' + ' '.join('{0x%X, 0x%X, %d},' % tuple(r) for r in ccc_ranges[i:i + 5]) + '\n')
    w('};\nconst size_t kCombiningRangesCount = sizeof(kCombiningRanges) / sizeof(kCombiningRanges[0]);\n\n')

    w('const char32_t kDecompositionData[] = {\n')
    for i in range(0, len(flat), 10):
        w('    ' + ' '.join('0x%X,' % c for c in flat[i:i + 10]) + '\n')
    w('};\n\nconst Decomposition kDecompositions[] = {\n')
    for i in range(0, len(decomps), 5):
        w('    ' + ' '.join('{0x%X, %d, %d},' % d for d in decomps[i:i + 5]) + '\n')
    w('};\nconst size_t kDecompositionsCount = sizeof(kDecompositions) / sizeof(kDecompositions[0]);\n\n')

    w('const Composition kCompositions[] = {\n')
    for i in range(0, len(compositions), 4):
        w('    ' + ' '.join('{0x%X, 0x%X, 0x%X},' % c for c in compositions[i:i + 4]) + '\n')
    w('};\nconst size_t kCompositionsCount = sizeof(kCompositions) / sizeof(kCompositions[0]);\n\n')
    w('} // namespace ost::text::unicode\n')


if __name__ == '__main__':
    main()

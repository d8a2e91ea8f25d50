#!/usr/bin/python3
"""An independent Python reference of the CLIP BPE tokenizer, used to make the Java tokenizer's goldens.

Transcribed from the two reference implementations, without their dependencies (no ftfy, no `regex` module):
  * text cleanup: HF transformers' CLIPTokenizer without ftfy, which runs
    BasicTokenizer(strip_accents=False, do_split_on_punc=False) (src/transformers/models/bert/tokenization_bert.py):
    drop NUL / U+FFFD / control and format characters, map whitespace to spaces, pad CJK ideographs with spaces,
    NFC-normalise, split on whitespace, lower-case each word;
  * pre-tokenisation, byte-level encoding and BPE: openai CLIP's simple_tokenizer.py (also HF's
    tokenization_clip.py). The `regex` pattern
    <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+ (IGNORECASE)
    is emulated with unicodedata categories, so the golden does not share a regex engine with the Java code.

Usage: /usr/bin/python3 tools/goldens/clip_tokenizer_reference.py writes the expected encodings of a panel of
texts for the test tokenizers in sdk/src/test/resources/tokenizer/ (made by make_test_tokenizer.py).
"""
import json
import os
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESOURCES = os.path.join(ROOT, "sdk", "src", "test", "resources", "tokenizer")

START = "<|startoftext|>"
END = "<|endoftext|>"
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]
# simple_tokenizer.py: merges = merges[1:49152-256-2+1]
MAX_MERGES = 49152 - 256 - 2


def bytes_to_unicode():
    """simple_tokenizer.bytes_to_unicode: printable latin-1 bytes map to themselves, the rest to U+0100 onwards."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2**8):
        if b not in bs:
            bs.append(b)
            cs.append(2**8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()


# ---- cleanup (HF BasicTokenizer) ----------------------------------------------------------------------------

def is_whitespace(ch):
    if ch in " \t\n\r":
        return True
    return unicodedata.category(ch) == "Zs"


def is_control(ch):
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch).startswith("C")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def clean_words(text):
    """The words of the cleaned text, before lower-casing."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control(ch):
            continue
        if is_whitespace(ch):
            out.append(" ")
        elif is_cjk(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).split()


# ---- pre-tokenisation (the simple_tokenizer pattern, emulated) ---------------------------------------------

def is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def is_number(ch):
    return unicodedata.category(ch).startswith("N")


def pre_tokenize(text):
    pieces = []
    i = 0
    lowered = text.lower()
    while i < len(text):
        matched = None
        for literal in [START, END] + CONTRACTIONS:
            if lowered.startswith(literal, i):
                matched = literal
                break
        if matched is not None:
            pieces.append(text[i:i + len(matched)])
            i += len(matched)
            continue
        ch = text[i]
        j = i + 1
        if is_letter(ch):
            while j < len(text) and is_letter(text[j]):
                j += 1
        elif is_number(ch):
            pass
        elif not ch.isspace():
            while j < len(text) and not (text[j].isspace() or is_letter(text[j]) or is_number(text[j])):
                j += 1
        else:
            i += 1
            continue
        pieces.append(text[i:j])
        i = j
    return pieces


# ---- BPE (simple_tokenizer.SimpleTokenizer.bpe) -------------------------------------------------------------

def get_pairs(word):
    pairs = set()
    prev = word[0]
    for ch in word[1:]:
        pairs.add((prev, ch))
        prev = ch
    return pairs


class Reference:
    def __init__(self, directory):
        with open(os.path.join(directory, "vocab.json"), encoding="utf-8") as handle:
            self.encoder = json.load(handle)
        with open(os.path.join(directory, "merges.txt"), encoding="utf-8") as handle:
            merges = handle.read().strip().split("\n")[1:MAX_MERGES + 1]
        self.ranks = {tuple(line.split()): rank for rank, line in enumerate(merges)}
        config = {}
        for name in ("tokenizer_config.json", "special_tokens_map.json"):
            path = os.path.join(directory, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    config.update(json.load(handle))

        def token(key, default):
            value = config.get(key, default)
            return value["content"] if isinstance(value, dict) else value

        self.bos = self.encoder[token("bos_token", START)]
        self.eos = self.encoder[token("eos_token", END)]
        self.unk = self.encoder[token("unk_token", END)]
        self.pad = self.encoder[token("pad_token", END)]
        self.max_length = config.get("model_max_length", 77)
        self.lower = config.get("do_lower_case", True)
        self.cache = {START: START, END: END}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = get_pairs(word)
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda pair: self.ranks.get(pair, float("inf")))
            if bigram not in self.ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        result = " ".join(word)
        self.cache[token] = result
        return result

    def tokens_with_words(self, text):
        """(bpe token, index of the cleaned word it came from) for every token of the text."""
        result = []
        for index, word in enumerate(clean_words(text)):
            if self.lower:
                word = word.lower()
            for piece in pre_tokenize(word):
                encoded = "".join(BYTE_ENCODER[b] for b in piece.encode("utf-8"))
                for bpe_token in self.bpe(encoded).split(" "):
                    result.append((bpe_token, index))
        return result

    def encode(self, text):
        words = clean_words(text)
        tokens = self.tokens_with_words(text)
        room = self.max_length - 2
        kept = tokens[:room]
        dropped_indices = []
        for _, index in tokens[room:]:
            if index not in dropped_indices:
                dropped_indices.append(index)
        ids = [self.bos] + [self.encoder.get(t, self.unk) for t, _ in kept] + [self.eos]
        count = len(ids)
        ids += [self.pad] * (self.max_length - count)
        return {"ids": ids, "tokenCount": count, "droppedWords": [words[i] for i in dropped_indices],
                "tokens": [t for t, _ in kept]}


LONG_PROMPT = (
    "a highly detailed photograph of an astronaut riding a horse on the moon, dramatic lighting, 8k, "
    "trending on artstation, by greg rutkowski and alphonse mucha, cinematic composition, volumetric fog, "
    "golden hour, ultra realistic, sharp focus, intricate details, octane render, unreal engine 5, "
    "masterpiece, best quality, a cat sitting beside a window while the rain falls softly outside"
)

PANEL = [
    "a photograph of an astronaut riding a horse",
    "A PHOTOGRAPH of an Astronaut, riding a Horse!",
    "",
    "   ",
    "hello, world!!! (masterpiece:1.2) [best quality] {a|b} ...",
    "1234567890 and 3.14 or 2,048px 8k",
    "it's the cat's toy; they're here, we've gone, i'm sure, you'll see, he'd go, don't 'quoted'",
    "IT'S a Rock'N'Roll night",
    "café, naïve, crème brûlée, straße, ß, Æsir",
    "cafe\u0301 composed versus café precomposed",
    "emoji \U0001F600 \U0001F680🚀 and ❤️ heart, family 👨‍👩‍👧",
    "中文字符 and 日本語のテキスト and 한국어",
    "multiple    spaces\n\nnew lines\tand\ttabs\r\nend ",
    "control\u0000chars\u0007 and \ufffd replacement",
    "<|endoftext|> at the start",
    "a cat<|endoftext|>a dog <|startoftext|> and <|ENDOFTEXT|>",
    "a'",
    "'''",
    "x",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "αβγ ΟΔΟΣ Ωmega",
    "math: x²+y²=z³, ½ ¼ Ⅻ",
    "tab\u00a0nbsp\u2003emspace\u3000ideographic",
    LONG_PROMPT,
    LONG_PROMPT + " " + LONG_PROMPT,
    " ".join(["word%d" % i for i in range(40)]),
    "photographphotographphotographphotographphotographphotographphotographphotographphotograph " * 3,
]


def main():
    for name in ("sd1", "sd2"):
        directory = os.path.join(RESOURCES, name)
        reference = Reference(directory)
        cases = []
        for text in PANEL:
            case = {"text": text}
            case.update(reference.encode(text))
            cases.append(case)
        doc = {"maxLength": reference.max_length, "padTokenId": reference.pad, "bosTokenId": reference.bos,
               "eosTokenId": reference.eos, "vocabSize": len(reference.encoder), "cases": cases}
        path = os.path.join(directory, "expected.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(doc, handle, ensure_ascii=True, indent=1)
            handle.write("\n")
        print("wrote", path, sum(1 for c in cases if c["droppedWords"]), "truncated cases")


if __name__ == "__main__":
    main()

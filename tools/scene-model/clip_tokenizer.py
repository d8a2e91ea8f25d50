"""CLIP-format byte-level BPE tokenizer: training (merges from the caption vocabulary) and encoding.

Encoding follows openai/CLIP and transformers' CLIPTokenizer exactly:
  1. whitespace runs -> one space, strip, lower-case;
  2. pre-tokenise with  <\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+
     (implemented here without the `regex` module: the alternatives are tried in order at each position);
  3. each piece -> UTF-8 bytes -> bytes_to_unicode characters; '</w>' appended to the last character;
  4. BPE: repeatedly merge the adjacent pair with the lowest merge rank;
  5. ids = [<|startoftext|>] + tokens + [<|endoftext|>], truncated to 77 (keeping the end token), padded with
     the pad token (<|endoftext|>) to 77.
"""
import json
import os
import unicodedata

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
MAX_LEN = 77
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"]


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def _is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def _is_number(ch):
    return unicodedata.category(ch).startswith("N")


def pretokenize(text):
    text = " ".join(text.split()).strip().lower()
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith(BOS, i):
            out.append(BOS); i += len(BOS); continue
        if text.startswith(EOS, i):
            out.append(EOS); i += len(EOS); continue
        c = next((c for c in CONTRACTIONS if text.startswith(c, i)), None)
        if c:
            out.append(c); i += len(c); continue
        if _is_letter(ch):
            j = i
            while j < n and _is_letter(text[j]):
                j += 1
            out.append(text[i:j]); i = j; continue
        if _is_number(ch):
            out.append(ch); i += 1; continue
        if ch.isspace():
            i += 1; continue
        j = i
        while j < n and not (text[j].isspace() or _is_letter(text[j]) or _is_number(text[j])):
            j += 1
        out.append(text[i:j]); i = j
    return out


def _word_symbols(piece, b2u):
    chars = [b2u[b] for b in piece.encode("utf-8")]
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def train_merges(words, b2u=None):
    """Greedy BPE on the distinct words (each counted once) until every word is a single symbol.
    Ties: most frequent pair, then lexicographically smallest pair."""
    b2u = b2u or bytes_to_unicode()
    seqs = [list(_word_symbols(w, b2u)) for w in words]
    merges = []
    while True:
        counts = {}
        for s in seqs:
            for p in zip(s, s[1:]):
                counts[p] = counts.get(p, 0) + 1
        if not counts:
            return merges
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        for k, s in enumerate(seqs):
            i, out = 0, []
            while i < len(s):
                if i < len(s) - 1 and (s[i], s[i + 1]) == best:
                    out.append(s[i] + s[i + 1]); i += 2
                else:
                    out.append(s[i]); i += 1
            seqs[k] = out


class CLIPTokenizer:
    def __init__(self, vocab, merges):
        self.encoder = vocab
        self.decoder = {v: k for k, v in vocab.items()}
        self.ranks = {tuple(m): i for i, m in enumerate(merges)}
        self.b2u = bytes_to_unicode()
        self.bos_id, self.eos_id = vocab[BOS], vocab[EOS]
        self.pad_id = self.eos_id
        self.cache = {}

    @classmethod
    def load(cls, directory):
        with open(os.path.join(directory, "vocab.json"), encoding="utf-8") as f:
            vocab = json.load(f)
        with open(os.path.join(directory, "merges.txt"), encoding="utf-8") as f:
            lines = f.read().strip().split("\n")[1:]
        return cls(vocab, [tuple(l.split()) for l in lines if l])

    def bpe(self, piece):
        if piece in (BOS, EOS):
            return [piece]
        if piece in self.cache:
            return self.cache[piece]
        word = list(_word_symbols(piece, self.b2u))
        while len(word) > 1:
            pairs = list(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            i, out = 0, []
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1]); i += 2
                else:
                    out.append(word[i]); i += 1
            word = out
        self.cache[piece] = word
        return word

    def tokenize(self, text):
        return [t for p in pretokenize(text) for t in self.bpe(p)]

    def encode(self, text, max_length=MAX_LEN):
        ids = [self.encoder[t] for t in self.tokenize(text)]
        ids = [self.bos_id] + ids[: max_length - 2] + [self.eos_id]
        return ids + [self.pad_id] * (max_length - len(ids))


def build(words, out_dir):
    b2u = bytes_to_unicode()
    merges = train_merges(words, b2u)
    vocab_list = list(b2u.values())
    vocab_list += [v + "</w>" for v in vocab_list]
    vocab_list += ["".join(m) for m in merges]
    vocab_list += [BOS, EOS]
    vocab = {t: i for i, t in enumerate(vocab_list)}
    assert len(vocab) == len(vocab_list), "duplicate vocab entry"
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    special = {"content": None, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False,
               "__type": "AddedToken"}
    def tok(c, normalized=True):
        d = dict(special); d["content"] = c; d["normalized"] = normalized
        return d
    config = {
        "add_prefix_space": False,
        "bos_token": tok(BOS),
        "do_lower_case": True,
        "eos_token": tok(EOS),
        "errors": "replace",
        "model_max_length": MAX_LEN,
        "name_or_path": "diffusion4j/scenes",
        "pad_token": tok(EOS),
        "special_tokens_map_file": None,
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": tok(EOS),
    }
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w") as f:
        json.dump(config, f, indent=2)
    smap = {k: {kk: vv for kk, vv in tok(EOS if k != "bos_token" else BOS).items() if kk != "__type"}
            for k in ("bos_token", "eos_token", "pad_token", "unk_token")}
    with open(os.path.join(out_dir, "special_tokens_map.json"), "w") as f:
        json.dump(smap, f, indent=2)
    return CLIPTokenizer(vocab, merges)


if __name__ == "__main__":
    import sys
    from scenes import caption_words
    out = sys.argv[1] if len(sys.argv) > 1 else "work/tokenizer"
    tk = build(caption_words(), out)
    tk2 = CLIPTokenizer.load(out)
    for w in caption_words():
        assert len(tk2.tokenize(w)) == 1, w
    print(len(tk2.encoder), "tokens")
    print(tk2.tokenize("A small red circle on the left of a blue background!"), tk2.encode("a red circle")[:8])
    print(tk2.encode("")[:4])

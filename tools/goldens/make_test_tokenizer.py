#!/usr/bin/python3
"""Builds the small CLIP-format test tokenizers in sdk/src/test/resources/tokenizer/{sd1,sd2}.

The vocabulary is laid out as openai CLIP's simple_tokenizer.py builds it: the 256 byte-level symbols (in
bytes_to_unicode order), the same 256 symbols with the `</w>` end-of-word suffix, one entry per merge, then
<|startoftext|> and <|endoftext|>. The merges are learned by plain BPE training (most frequent adjacent pair,
ties broken by the pair's text so the output is reproducible) over a small corpus of prompts.

sd1 pads with <|endoftext|> (as SD 1.x tokenizers do); sd2 pads with "!" (token id 0, as SD 2.x does). Both share
the vocabulary and merges. Run: /usr/bin/python3 tools/goldens/make_test_tokenizer.py
"""
import collections
import json
import os

from clip_tokenizer_reference import BYTE_ENCODER, END, RESOURCES, START, clean_words, pre_tokenize

MERGE_COUNT = 200

CORPUS = """
a photograph of an astronaut riding a horse on the moon
a beautiful painting of a castle in the mountains, highly detailed, trending on artstation
a portrait of a cat wearing a hat, studio lighting, sharp focus, 8k, ultra realistic
the city at night, neon lights, rain, cinematic, photorealistic, octane render
it's a lovely day; the dog's ball is red and the cat's toy is blue
they're riding horses near the river while we've been painting the sunset
a café in paris with crème brûlée on the table, straße in berlin, naïve art
masterpiece, best quality, highly detailed, intricate details, volumetric lighting
an astronaut and a horse and a cat and a dog in a photograph of the mountains
photograph photograph photography photographer painting painter paint
the the the a a a of of of and and and in in on on with with
""" * 3


def train(corpus, merge_count):
    words = collections.Counter()
    for line in corpus.strip().split("\n"):
        for word in clean_words(line):
            for piece in pre_tokenize(word.lower()):
                symbols = [BYTE_ENCODER[b] for b in piece.encode("utf-8")]
                symbols[-1] += "</w>"
                words[tuple(symbols)] += 1
    merges = []
    for _ in range(merge_count):
        pairs = collections.Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merges.append(best)
        merged = collections.Counter()
        for word, count in words.items():
            out = []
            i = 0
            while i < len(word):
                if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            merged[tuple(out)] += count
        words = merged
    return merges


def special(content):
    return {"__type": "AddedToken", "content": content, "lstrip": False, "normalized": True, "rstrip": False,
            "single_word": False}


def main():
    merges = train(CORPUS, MERGE_COUNT)
    vocab = list(BYTE_ENCODER.values())
    vocab += [v + "</w>" for v in vocab]
    for first, second in merges:
        vocab.append(first + second)
    vocab += [START, END]
    encoder = {token: index for index, token in enumerate(vocab)}
    # BPE never learns the same merge result twice from distinct pairs here; a duplicate would shift ids.
    assert len(encoder) == len(vocab), "duplicate vocabulary entries"
    for name, pad in (("sd1", END), ("sd2", "!")):
        directory = os.path.join(RESOURCES, name)
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "vocab.json"), "w", encoding="utf-8") as handle:
            json.dump(encoder, handle, ensure_ascii=False)
        with open(os.path.join(directory, "merges.txt"), "w", encoding="utf-8") as handle:
            handle.write("#version: 0.2\n")
            for first, second in merges:
                handle.write(first + " " + second + "\n")
        config = {"add_prefix_space": False, "bos_token": special(START), "do_lower_case": True,
                  "eos_token": special(END), "errors": "replace", "model_max_length": 77,
                  "pad_token": pad if name == "sd1" else special(pad), "tokenizer_class": "CLIPTokenizer",
                  "unk_token": special(END)}
        with open(os.path.join(directory, "tokenizer_config.json"), "w", encoding="utf-8") as handle:
            json.dump(config, handle, indent=2)
        tokens_map = {"bos_token": special(START), "eos_token": special(END), "pad_token": pad,
                      "unk_token": special(END)}
        with open(os.path.join(directory, "special_tokens_map.json"), "w", encoding="utf-8") as handle:
            json.dump(tokens_map, handle, indent=2)
        print("wrote", directory, len(encoder), "tokens,", len(merges), "merges")


if __name__ == "__main__":
    main()

"""Near-duplicate detection for submitted text: MinHash signatures with LSH banding (datasketch).

Each text of at least MIN_WORDS words becomes a set of 5-word shingles and a 128-value MinHash. Its
LSH bands are stored as indexed integer keys, so finding candidates among 100,000 stored texts is one
indexed query rather than an in-memory index rebuilt per process. Every candidate is then verified with the exact
Jaccard similarity of the two shingle sets; only verified matches are stored, with the passages
the two texts share. The result is "needs review", never a verdict: quoting a brief, boilerplate or
a shared template all look alike to this measure.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

SHINGLE_WORDS = 5
# Below this many words a text is neither indexed nor flagged. Short notes ("Final files attached.",
# "See the link.") are alike by nature: they are one shingle or a few, so two of them that share a
# phrase score 50 to 100% without anyone copying anything, and each would be a candidate of every
# other. Thirty words, two or three sentences, give a five-word window enough runs to tell texts apart.
MIN_WORDS = 30
NUM_PERM = 128
SEED = 1
# Candidates are looked for from this similarity up; a workspace threshold below it is treated as it.
LSH_THRESHOLD = 0.25
MAX_PASSAGES = 5
MAX_PASSAGE_CHARS = 400

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Shingled:
    words: list[tuple[int, int]]  # (start, end) character spans of each word in the text
    shingles: list[str]  # in order; shingles[i] starts at word i

    @property
    def shingle_set(self) -> set[str]:
        return set(self.shingles)


def shingle(text: str) -> Shingled:
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    words = [text[a:b].lower() for a, b in spans]
    if not words:
        return Shingled(words=[], shingles=[])
    if len(words) < SHINGLE_WORDS:
        return Shingled(words=spans, shingles=[" ".join(words)])
    return Shingled(
        words=spans, shingles=[" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)]
    )


def too_short(text: str | Shingled) -> bool:
    """Fewer than MIN_WORDS words: not compared with anything."""
    words = text.words if isinstance(text, Shingled) else _WORD.findall(text)
    return len(words) < MIN_WORDS


def signature(shingles: set[str]) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


@lru_cache(maxsize=1)
def _hashranges() -> tuple[tuple[int, int], ...]:
    """The (start, end) of each band, as datasketch's optimiser picks them for our threshold."""
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    return tuple(lsh.hashranges)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (the band's number is part of the key, so bands never collide)."""
    keys = []
    for number, (start, end) in enumerate(_hashranges()):
        digest = hashlib.blake2b(number.to_bytes(2, "big") + sig[start:end].tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True))
    return keys


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype(np.uint64).tobytes()


def from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype=np.uint64)


def estimated_similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / float(len(a))


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def shared_passages(text: str, mine: Shingled, other: set[str]) -> list[str]:
    """The longest runs of `text` made of shingles the other text also has, longest first."""
    covered = [False] * len(mine.words)
    size = min(SHINGLE_WORDS, len(mine.words))
    for i, piece in enumerate(mine.shingles):
        if piece in other:
            for j in range(i, min(i + size, len(covered))):
                covered[j] = True
    runs: list[tuple[int, int]] = []
    start = None
    for i, flag in enumerate([*covered, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i - 1))
            start = None
    runs.sort(key=lambda run: (run[0] - run[1], run[0]))
    passages = []
    for first, last in runs[:MAX_PASSAGES]:
        passage = text[mine.words[first][0] : mine.words[last][1]]
        if len(passage) > MAX_PASSAGE_CHARS:
            passage = passage[: MAX_PASSAGE_CHARS - 1].rstrip() + "…"
        passages.append(passage)
    return passages

"""Text handling for the guide: normalisation, jieba tokens (loaded lazily once per process, quietly),
character bigrams and pinyin keys."""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import Any

from onewindow.navigator.synonyms import DOMAIN_WORDS, STOPWORDS, SYNONYMS

_lock = threading.Lock()
_tokenizer = None
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, collapsed spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text or "")).strip().lower()


def tokenizer() -> Any:
    """A private jieba tokenizer with the domain dictionary (jieba's global one stays untouched)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                for word in DOMAIN_WORDS:
                    tk.add_word(word, freq=20000)
                for row in SYNONYMS:
                    for word in (*row[0], *row[1]):
                        if len(word) >= 2:
                            tk.add_word(normalise(word), freq=20000)
                _tokenizer = tk
    return _tokenizer


def add_words(words: Iterable[str]) -> None:
    tk = tokenizer()
    for word in words:
        word = normalise(word)
        if 2 <= len(word) <= 12 and _CJK.fullmatch(word):
            tk.add_word(word, freq=20000)


def words(text: str) -> list[str]:
    """Search-mode jieba words without stopwords and punctuation."""
    text = normalise(text)
    if not text:
        return []
    out = []
    for w in tokenizer().cut_for_search(text):
        w = w.strip()
        if not w or w in STOPWORDS:
            continue
        if not (_CJK.search(w) or _ASCII_WORD.fullmatch(w)):
            continue
        out.append(w)
    return out


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs inside Chinese runs: they catch partial words and one wrong character."""
    out = []
    for run in _CJK.findall(normalise(text)):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


@functools.lru_cache(maxsize=50_000)
def pinyin_key(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))


@functools.lru_cache(maxsize=1)
def synonym_table() -> tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...]:
    """SYNONYMS with every phrase normalised once, and each row's weight."""
    return tuple((tuple(normalise(p) for p in row[0]), row[1], row[2] if len(row) > 2 else 0.9)  # type: ignore[misc]
                 for row in SYNONYMS)


def is_pinyin_like(word: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{3,}", word))

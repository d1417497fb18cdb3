"""Text handling for the guide: normalisation (full width, tone marks), jieba tokens (loaded once per process,
quietly), character bigrams, pinyin keys, pinyin syllables and English words."""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import Any

from onewindow.navigator.synonyms import DOMAIN_WORDS, EN_STOPWORDS, EN_VARIANTS, STOPWORDS, SYNONYMS

_lock = threading.Lock()
_tokenizer = None
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_LATIN_RUN = re.compile(r"[a-z]+(?:[\s'’-]+[a-z]+)*")
_TONE_DIGIT = re.compile(r"(?<=[a-z])[1-5](?=[^0-9]|$)")

# Every syllable of Mandarin as pypinyin spells it (ü as v), for telling pinyin from English.
SYLLABLES = frozenset(['a', 'ai', 'an', 'ang', 'ao', 'ba', 'bai', 'ban', 'bang', 'bao', 'bei', 'ben', 'beng', 'bi', 'bian', 'biao', 'bie', 'bin', 'bing', 'bo', 'bu', 'ca', 'cai', 'can', 'cang', 'cao', 'ce', 'cen', 'ceng', 'cha', 'chai', 'chan', 'chang', 'chao', 'che', 'chen', 'cheng', 'chi', 'chong', 'chou', 'chu', 'chua', 'chuai', 'chuan', 'chuang', 'chui', 'chun', 'chuo', 'ci', 'cong', 'cou', 'cu', 'cuan', 'cui', 'cun', 'cuo', 'da', 'dai', 'dan', 'dang', 'dao', 'de', 'den', 'deng', 'di', 'dian', 'diao', 'die', 'ding', 'diu', 'dong', 'dou', 'du', 'duan', 'dui', 'dun', 'duo', 'e', 'ei', 'en', 'eng', 'er', 'fa', 'fan', 'fang', 'fei', 'fen', 'feng', 'fiao', 'fo', 'fou', 'fu', 'ga', 'gai', 'gan', 'gang', 'gao', 'ge', 'gei', 'gen', 'geng', 'gong', 'gou', 'gu', 'gua', 'guai', 'guan', 'guang', 'gui', 'gun', 'guo', 'ha', 'hai', 'han', 'hang', 'hao', 'he', 'hei', 'hen', 'heng', 'hm', 'hong', 'hou', 'hu', 'hua', 'huai', 'huan', 'huang', 'hui', 'hun', 'huo', 'ji', 'jia', 'jian', 'jiang', 'jiao', 'jie', 'jin', 'jing', 'jiong', 'jiu', 'ju', 'juan', 'jue', 'jun', 'ka', 'kai', 'kan', 'kang', 'kao', 'ke', 'ken', 'keng', 'kong', 'kou', 'ku', 'kua', 'kuai', 'kuan', 'kuang', 'kui', 'kun', 'kuo', 'la', 'lai', 'lan', 'lang', 'lao', 'le', 'lei', 'leng', 'li', 'lia', 'lian', 'liang', 'liao', 'lie', 'lin', 'ling', 'liu', 'lo', 'long', 'lou', 'lu', 'luan', 'lun', 'luo', 'lv', 'lve', 'm', 'ma', 'mai', 'man', 'mang', 'mao', 'me', 'mei', 'men', 'meng', 'mi', 'mian', 'miao', 'mie', 'min', 'ming', 'miu', 'mo', 'mou', 'mu', 'n', 'na', 'nai', 'nan', 'nang', 'nao', 'ne', 'nei', 'nen', 'neng', 'ni', 'nian', 'niang', 'niao', 'nie', 'nin', 'ning', 'niu', 'nong', 'nou', 'nu', 'nuan', 'nun', 'nuo', 'nv', 'nve', 'o', 'ou', 'pa', 'pai', 'pan', 'pang', 'pao', 'pei', 'pen', 'peng', 'pi', 'pian', 'piao', 'pie', 'pin', 'ping', 'po', 'pou', 'pu', 'qi', 'qia', 'qian', 'qiang', 'qiao', 'qie', 'qin', 'qing', 'qiong', 'qiu', 'qu', 'quan', 'que', 'qun', 'ran', 'rang', 'rao', 're', 'ren', 'reng', 'ri', 'rong', 'rou', 'ru', 'rua', 'ruan', 'rui', 'run', 'ruo', 'sa', 'sai', 'san', 'sang', 'sao', 'se', 'sen', 'seng', 'sha', 'shai', 'shan', 'shang', 'shao', 'she', 'shen', 'sheng', 'shi', 'shou', 'shu', 'shua', 'shuai', 'shuan', 'shuang', 'shui', 'shun', 'shuo', 'si', 'song', 'sou', 'su', 'suan', 'sui', 'sun', 'suo', 'ta', 'tai', 'tan', 'tang', 'tao', 'te', 'teng', 'ti', 'tian', 'tiao', 'tie', 'ting', 'tong', 'tou', 'tu', 'tuan', 'tui', 'tun', 'tuo', 'wa', 'wai', 'wan', 'wang', 'wei', 'wen', 'weng', 'wo', 'wu', 'xi', 'xia', 'xian', 'xiang', 'xiao', 'xie', 'xin', 'xing', 'xiong', 'xiu', 'xu', 'xuan', 'xue', 'xun', 'ya', 'yan', 'yang', 'yao', 'ye', 'yi', 'yin', 'ying', 'yo', 'yong', 'you', 'yu', 'yuan', 'yue', 'yun', 'za', 'zai', 'zan', 'zang', 'zao', 'ze', 'zei', 'zen', 'zeng', 'zha', 'zhai', 'zhan', 'zhang', 'zhao', 'zhe', 'zhen', 'zheng', 'zhi', 'zhong', 'zhou', 'zhu', 'zhua', 'zhuai', 'zhuan', 'zhuang', 'zhui', 'zhun', 'zhuo', 'zi', 'zong', 'zou', 'zu', 'zuan', 'zui', 'zun', 'zuo']) - {"hm", "hng", "m", "n", "ng", "o", "lo", "yo", "fiao", "den"}  # interjections, rare
_MAX_SYLLABLE = max(len(s) for s in SYLLABLES)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, tone marks and tone digits dropped, collapsed spaces.

    "kāi fàn guǎn", "kai1 fan4 guan3" and "kai fan guan" all become "kai fan guan"; ü is written v as in pypinyin.
    """
    text = unicodedata.normalize("NFKC", text or "").lower().replace("ü", "v")
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
        text = unicodedata.normalize("NFC", text)
    text = _TONE_DIGIT.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


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


def cjk_text(text: str) -> str:
    """The Chinese part of a text (runs of Chinese characters, space separated)."""
    return " ".join(_CJK.findall(normalise(text)))


def latin_runs(text: str) -> list[str]:
    """Runs of Latin words in a normalised text ("办 she bao ka 丢了" → ["she bao ka"])."""
    return [m.group(0) for m in _LATIN_RUN.finditer(text)]


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs inside Chinese runs: they catch partial words and one wrong character."""
    out: list[str] = []
    for run in _CJK.findall(normalise(text)):
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out


@functools.lru_cache(maxsize=50_000)
def pinyin_key(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))


@functools.lru_cache(maxsize=10_000)
def char_pinyin(run: str) -> tuple[str, ...]:
    """The toneless pinyin of each character of a Chinese run, read in context (one syllable per character)."""
    from pypinyin import lazy_pinyin

    out = tuple(lazy_pinyin(run))
    return out if len(out) == len(run) else tuple(pinyin_key(ch) for ch in run)


@functools.lru_cache(maxsize=10_000)
def syllables(word: str) -> tuple[str, ...] | None:
    """`word` split into pinyin syllables (fewest syllables first), or None when it is not pinyin."""
    n = len(word)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, min(n, i + _MAX_SYLLABLE) + 1):
            piece = word[i:j]
            if piece in SYLLABLES:
                candidate = (*best[i], piece)  # type: ignore[misc]
                if best[j] is None or len(candidate) < len(best[j]):  # type: ignore[arg-type]
                    best[j] = candidate
    return best[n]


def is_pinyin(text: str) -> bool:
    """Latin text made only of pinyin syllables ("she bao ka", "shebaoka")."""
    compact = text.replace(" ", "").replace("-", "").replace("'", "").replace("’", "")
    return bool(compact) and compact.isalpha() and compact.isascii() and syllables(compact) is not None


@functools.lru_cache(maxsize=1)
def synonym_table() -> tuple[tuple[tuple[str, ...], tuple[str, ...], float], ...]:
    """SYNONYMS with every phrase normalised once, and each row's weight."""
    return tuple((tuple(normalise(p) for p in row[0]), row[1], row[2] if len(row) > 2 else 0.9)
                 for row in SYNONYMS)


def is_pinyin_like(word: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{3,}", word))


# --- English ---------------------------------------------------------------------------------------------------

_EN_WORD = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=50_000)
def en_stem(word: str) -> str:
    """A light stem: British and American spellings as one, plurals and -ing/-ed endings dropped."""
    word = EN_VARIANTS.get(word, word)
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            if suffix == "es" and not word.endswith(("ches", "shes", "xes", "sses")):
                continue
            word = word[: len(word) - len(suffix)] + keep
            break
    return EN_VARIANTS.get(word, word)


def en_words(text: str) -> list[str]:
    """English stems without stopwords ("I lost my job" → ["lost", "job"])."""
    return [en_stem(w) for w in _EN_WORD.findall(normalise(text)) if w not in EN_STOPWORDS and len(w) > 1]

"""The guide's index: BM25F over the fields of bundles and items, in Chinese, pinyin and English.

Fields and weights: name 3, aliases 2.5, keywords 1.5 (department, category, bundle situations, item names in
a bundle), description 1, common questions 0.8, materials 0.5; English name 3, English aliases 2.5, other English
text 1, English materials 0.5. A token's IDF counts the documents naming it in name, aliases or keywords (where it
occurs there), so words every item's materials mention (居民身份证) still tell services apart. Token streams: jieba words (full weight), character bigrams (0.3: partial words, one wrong character),
pinyin of words (0.4: homophone typos such as 社宝卡) and English stems (full weight).

A query is read in three ways at once: its Chinese part as words, synonyms and typos; its pinyin ("kai fan guan",
"shebaoka", "kāi fàn guǎn") turned back into the catalog's own Chinese words by sound; its English words as
stems, English synonyms and the English names and aliases as phrases. The index is plain Python: a few hundred
documents score in a few milliseconds.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from onewindow.navigator import text
from onewindow.navigator.synonyms import EN_STOPWORDS, STOPWORDS

FIELD_WEIGHTS = {"name": 3.0, "aliases": 2.5, "keywords": 1.5, "description": 1.0, "faq": 0.8, "materials": 0.5,
                 "name_en": 3.0, "aliases_en": 2.5, "english": 1.0, "materials_en": 0.5}
EN_FIELDS = frozenset({"name_en", "aliases_en", "english", "materials_en"})
# Materials and conditions (居民身份证, 营业执照, 户口簿 …) are mentioned by almost every service: a word's rarity
# (IDF) is counted over the fields that say what a service is, where it occurs there, so that "身份证" still tells
# the ID card services apart from the hundreds that only want a copy of one.
TITLE_FIELDS = frozenset({"name", "aliases", "keywords", "name_en", "aliases_en"})
# c: the characters of names and aliases, for one-character query words ("税" in 税费, "租" in 出租)
STREAM_WEIGHTS = {"w": 1.0, "b": 0.3, "p": 0.4, "e": 1.0, "c": 0.5}
CHAR_FIELDS = frozenset({"name", "aliases"})
CHAR_OF_UNKNOWN = 0.5  # the characters of a word the catalog does not know ("租出去" → 租) count half
# characters that only carry a sentence along (去, 来, 怎, 么, 弄 …), never searched by themselves
FILLER_CHARS = frozenset("去来出进怎么弄啥几给想要把让得着过吧呢吗啊呀哪谁别")
K1 = 1.2
B = 0.75
BUNDLE_PRIOR = 1.3  # a "one thing" bundle answers a life event better than any one of its items
FUZZY_MIN = 66.0
RELATIVE_CUTOFF = 0.25  # drop results scoring below this share of the best one
PHRASE_BONUS = 2.0  # per character of a document's whole name or alias found in the query
PHRASE_BONUS_EN = 4.0  # per word of a document's whole English name or alias found in the query
MAX_PINYIN_KEY = 40
SOUND_SPAN = 8  # the longest catalog word (in characters) a Chinese typo is read back to by sound
MAX_SOUND_RUN = 40
# An item that changes, replaces or closes something ("食品经营许可注销", "居民身份证补领") answers "开饭馆" or
# "身份证" less well than the one that grants it, unless the query itself is about a change or a loss.
MODIFIER_NAME = ("注销", "撤销", "歇业", "变更", "延续", "延期", "补发", "补领", "补办", "换领", "补换", "更正", "换发", "挂失")
MODIFIER_QUERY = ("注销", "撤销", "歇业", "变更", "延续", "补", "换", "更正", "挂失", "丢", "掉", "遗失", "改", "关",
                  "停", "过期", "到期", "不干", "转", "迁", "退")
MODIFIER_EN = frozenset({"close", "closing", "cancel", "deregist", "deregister", "change", "replace", "lost", "renew",
                         "extend", "correct", "update", "wind", "suspend", "stop", "transfer", "move", "damag",
                         "damaged", "expir", "expired", "expire", "reissue", "amend", "quit"})
MODIFIER_FACTOR = 0.5
# What a query asks to do with something it already has, and the words of the catalog's names that do it: a query
# about a lost card ranks 补领/挂失 above 注销 or 变更 of the same thing; an expiring ID card ranks 换领 first.
INTENTS: tuple[tuple[tuple[str, ...], frozenset[str], tuple[str, ...]], ...] = (
    (("丢", "掉了", "遗失", "不见", "补办", "补领", "补一", "坏了", "损坏", "被偷"),
     frozenset({"lost", "lose", "missing", "stolen", "replace", "replacement", "damag", "damaged", "broken"}),
     ("补领", "补发", "补办", "补换", "挂失", "遗失", "换领", "换发")),
    (("过期", "续期", "延续", "延期", "换新", "换证", "更换", "续办"),
     frozenset({"renew", "renewal", "expir", "expire", "expired", "extend"}),
     ("换领", "换发", "延续", "延期")),
    (("注销", "关店", "关门", "倒闭", "不干", "歇业"),
     frozenset({"close", "closing", "cancel", "deregist", "deregister", "deregistration", "wind"}),
     ("注销", "歇业")),
    (("变更", "更改", "修改", "改名", "更正", "改地址"),
     frozenset({"change", "update", "correct", "amend"}),
     ("变更", "更正")),
)
INTENT_FACTOR = 1.3
# Words that say the asker is a company or an employer; the person's services then count PERSON_FACTOR.
EMPLOYER_WORDS = ("公司", "企业", "单位", "老板", "雇主", "店里", "工厂", "厂里", "门店", "员工", "雇员", "招人", "招工",
                  "招聘", "用工")
EMPLOYER_EN = frozenset({"company", "employer", "staff", "employee", "firm", "hire", "hiring", "recruit"})
PERSON_FACTOR = 0.6
COORD_FLOOR = 0.6  # a document matching none but one of the query's parts keeps this share of its score
# Two concepts in one question: an item whose name says a subject of the query the leading bundle's name does not
# (and that answers the bundle's concept too) goes first when it scores this share of the bundle's score; it is
# looked for among the first SPECIFIC_WINDOW results. A subject is a word at most SUBJECT_SHARE of the names hold.
SPECIFIC_SHARE = 0.3
SPECIFIC_WINDOW = 10
SUBJECT_SHARE = 0.04
# A bundle's name without the words every bundle has ("我要开餐饮店" → 餐饮店, "失业一件事" → 失业): a query naming
# that core names the bundle as much as its full name would.
BUNDLE_AFFIXES = ("我要开", "我要办", "我要做", "我要", "一件事")

Synonym = tuple[tuple[str, ...], tuple[str, ...], float]  # (phrases, catalog words, weight)
_VOWELS = frozenset("aeiouv")


@dataclass
class Doc:
    kind: str  # "bundle" | "item"
    code: str
    name: str
    url: str
    fields: dict[str, str]
    audience: str = ""
    department: str = ""
    extra: dict = field(default_factory=dict)
    name_en: str = ""
    department_en: str = ""


@dataclass
class Hit:
    doc: Doc
    score: float
    matched: list[str]  # query terms that matched, with the field they matched (for the API)
    synonyms: list[str]  # "小饭馆 → 餐饮"
    fuzzy: list[str]  # "社宝 → 社保", "kaifanguan → 开饭馆"
    reason: list[str] = field(default_factory=list)  # the catalog's words the query matched, for citizens

    def as_dict(self) -> dict:
        d = self.doc
        return {"type": d.kind, "code": d.code, "name": d.name, "name_en": d.name_en, "url": d.url,
                "audience": d.audience, "department": d.department, "department_en": d.department_en,
                "score": round(self.score, 3), "reason": self.reason,
                "why": {"matched": self.matched, "synonyms": self.synonyms, "fuzzy": self.fuzzy}}


@dataclass
class QueryTerm:
    token: str  # stream-prefixed: "w:社保", "b:社保", "p:shebao", "e:card"
    weight: float
    label: str  # what to show in "why"
    source: str = "query"  # query | synonym | fuzzy | pinyin
    plain: str = ""  # the catalog's word to tell a citizen ("" for bigrams and sounds)
    group: str = ""  # the part of the query it stands for (a word, or a synonym's phrase); "" for bigrams


@dataclass
class Named:
    """Which of the query's parts (words, synonym phrases) each document matches by a word: anywhere, in its name,
    in its name by a subject word, in its aliases."""

    parts: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    said: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    subjects: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    aliases: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass
class ReadQuery:
    """A query read as Chinese (with its pinyin turned into Chinese) and as English."""

    zh: str
    en: list[str]
    synonyms: list[str]
    fuzzy: list[str]
    en_said: dict[str, str] = field(default_factory=dict)  # stem → the word as typed ("driv" → "driving")
    raw: str = ""  # the whole normalised query (synonym phrases in Latin letters such as "ktv" are matched here)
    # catalog words synonyms led to, with the bonus naming one is worth (the typed phrase's length × the weight)
    targets: dict[str, float] = field(default_factory=dict)
    # synonym phrases that read words as something else ("lost my job" is 失业, not a lost document)
    consumed: list[str] = field(default_factory=list)


def _streams(value: str) -> list[str]:
    words = text.words(value)
    toks = [f"w:{w}" for w in words]
    toks += [f"b:{b}" for b in text.bigrams(value) if b not in STOPWORDS]
    toks += [f"p:{text.pinyin_key(w)}" for w in words if len(w) >= 2 and not w.isascii()]
    return toks


def _en_streams(value: str) -> list[str]:
    return [f"e:{w}" for w in text.en_words(value)]


def _contains(seq: list[str], sub: tuple[str, ...]) -> bool:
    n = len(sub)
    return n > 0 and any(tuple(seq[i:i + n]) == sub for i in range(len(seq) - n + 1))


class Index:
    def __init__(self, docs: list[Doc], *, synonyms: tuple[Synonym, ...] = (),
                 en_synonyms: tuple[Synonym, ...] = ()) -> None:
        self.docs = docs
        self.synonyms = synonyms
        self.en_synonyms = tuple((tuple(tuple(text.en_words(p)) for p in phrases), targets, weight)
                                 for phrases, targets, weight in en_synonyms)
        self.en_synonym_phrases = [phrases for phrases, _t, _w in en_synonyms]
        self.postings: dict[str, list[tuple[int, str, int]]] = defaultdict(list)  # token → (doc, field, tf)
        self.lengths: list[dict[str, int]] = []
        totals: Counter[str] = Counter()
        for i, doc in enumerate(docs):
            lens: dict[str, int] = {}
            for fname, value in doc.fields.items():
                stream = _en_streams if fname in EN_FIELDS else _streams
                toks = stream(value) if value else []
                lens[fname] = len(toks)
                totals[fname] += len(toks)
                if fname in CHAR_FIELDS and value:  # characters of names and aliases, for one-character words
                    toks += [f"c:{ch}" for ch in dict.fromkeys(text.cjk_text(value).replace(" ", ""))]
                for tok, tf in Counter(toks).items():
                    self.postings[tok].append((i, fname, tf))
            self.lengths.append(lens)
        n = max(len(docs), 1)
        self.avg = {f: (totals[f] / n) or 1.0 for f in FIELD_WEIGHTS}
        self.df = {tok: len({d for d, f, _tf in plist if f in TITLE_FIELDS})
                   or len({d for d, _f, _tf in plist}) for tok, plist in self.postings.items()}
        self.idf = {tok: math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) for tok, df in self.df.items()}
        self.vocab_words = sorted({t[2:] for t in self.postings if t.startswith("w:") and len(t) >= 4})
        self.vocab_pinyin = sorted({t[2:] for t in self.postings if t.startswith("p:")})
        self.vocab_en = sorted({t[2:] for t in self.postings if t.startswith("e:") and len(t) >= 6})
        self.name_df = {tok: n for tok, plist in self.postings.items()
                        if (n := sum(1 for _d, f, _tf in plist if f == "name"))}
        self._build_phrases()
        self._build_lexicon()
        self.modifier_docs = {i for i, doc in enumerate(docs) if any(m in doc.name for m in MODIFIER_NAME)}
        self.intent_docs = [{i for i, doc in enumerate(docs) if any(m in doc.name for m in names)}
                            for _said, _en, names in INTENTS]
        self.intent_bundles = [{i for i, doc in enumerate(docs) if doc.kind == "bundle" and any(
            m in doc.name or m in doc.fields.get("keywords", "") for m in names)} for _said, _en, names in INTENTS]

    def _build_phrases(self) -> None:
        # whole names and aliases: a query that contains one names that document outright
        self.names_normalised = [text.normalise(doc.name) for doc in self.docs]
        self.phrases: list[tuple[str, int]] = []
        self.phrases_en: list[tuple[tuple[str, ...], str, int]] = []
        self.phrase_docs: dict[str, set[int]] = defaultdict(set)
        self.en_phrase_ids: dict[str, list[int]] = defaultdict(list)  # stem → phrases_en holding it
        self._en_spelled_cache: dict[tuple[str, ...], list[tuple[int, bool]]] = {}
        self._zh_spelled_cache: dict[str, list[tuple[str, int]]] = {}
        names = []
        for i, doc in enumerate(self.docs):
            for phrase in [doc.name, *doc.fields.get("aliases", "").split(","), *_core_names(doc)]:
                phrase = text.normalise(phrase)
                if len(phrase) >= 2:
                    self.phrases.append((phrase, i))
                    names.append(phrase)
            # a synonym's catalog word names a document when it is its name or its bundle core, not an alias
            for phrase in [doc.name, *_core_names(doc)]:
                self.phrase_docs[text.normalise(phrase)].add(i)
            for phrase in [doc.name_en, *doc.fields.get("aliases_en", "").split(",")]:
                stems = tuple(text.en_words(phrase))
                if stems:
                    for w in set(stems):
                        self.en_phrase_ids[w].append(len(self.phrases_en))
                    self.phrases_en.append((stems, phrase.strip(), i))
        self.suggestions = sorted({doc.name for doc in self.docs} | set(names))
        self.suggestion_pinyin = [text.pinyin_key(s) for s in self.suggestions]

    def _build_lexicon(self) -> None:
        """Pinyin → the catalog's Chinese words that sound so (to read "kai fan guan" as 开饭馆)."""
        words = {t[2:] for t in self.postings if t.startswith("w:") and len(t) >= 4 and not t.isascii()}
        self.lexicon = dict(self._words_by_sound(words, longest=16, longest_key=MAX_PINYIN_KEY))
        self._build_sounds()

    def _words_by_sound(self, words: set[str], *, longest: int, longest_key: int | None = None) -> dict[str, list[str]]:
        """The Chinese words given, with the phrases and synonyms, by toneless pinyin (shortest first, 4 a sound)."""
        words = words | {p for p, _d in self.phrases}
        for phrases, targets, _w in (*text.synonym_table(), *self.synonyms):
            words.update(phrases)
            words.update(targets)
        by_sound: dict[str, list[str]] = defaultdict(list)
        for word in sorted(words, key=lambda w: (len(w), w)):
            if 2 <= len(word) <= longest and text.cjk_text(word) == word:
                key = text.pinyin_key(word)
                if (longest_key is None or len(key) <= longest_key) and len(by_sound[key]) < 4:
                    by_sound[key].append(word)
        return by_sound

    def _build_sounds(self) -> None:
        """Service words by their sound, filler sounds and initials."""
        # the words that say what a service is (names, aliases, keywords, synonyms) by sound, for Chinese typed
        # with a wrong character of the same sound (离昏 → 离婚, 出声登记 → 出生登记)
        title = {t[2:] for t, plist in self.postings.items()
                 if t.startswith("w:") and len(t) >= 4 and any(f in TITLE_FIELDS for _d, f, _tf in plist)}
        sounds = self._words_by_sound(title, longest=SOUND_SPAN)
        self.sound_words = dict(sounds)
        self._build_initials(sounds)

    def _build_initials(self, sounds: dict[str, list[str]]) -> None:
        """Filler sounds, and initials of the service words."""
        # the sounds of filler words (wo, xiang, yao, ban, shen me, zen me, le …): read, but not searched
        self.fillers = frozenset(key for w in STOPWORDS if text.cjk_text(w) == w
                                 for key in [text.pinyin_key(w)] if len(key) >= 2)
        # initials ("sbk" → 社保卡): the word of the catalog's names and aliases most aliases say, then most names
        aliases: Counter[str] = Counter()
        names: Counter[str] = Counter()
        for t, plist in self.postings.items():
            if t.startswith("w:") and 2 <= len(t) - 2 <= 4:
                aliases[t[2:]] = len({d for d, f, _tf in plist if f == "aliases"})
                names[t[2:]] = len({d for d, f, _tf in plist if f in TITLE_FIELDS})
        initials: dict[str, tuple[int, int, str]] = {}
        for word in {w for ws in sounds.values() for w in ws if 2 <= len(w) <= 4}:
            key = "".join(p[0] for p in text.char_pinyin(word))
            rank = (aliases[word], names[word], word)
            if key not in initials or rank > initials[key]:
                initials[key] = rank
        self.initials = {k: w for k, (_a, n, w) in initials.items() if n}

    # --- reading a query ---------------------------------------------------------------------------------
    def read(self, q: str) -> ReadQuery:
        """The query's Chinese (its pinyin turned into the catalog's words) and its English stems."""
        qn = text.normalise(q)
        fuzzy: list[str] = []
        zh_parts = [" ".join(self._by_sound(run, fuzzy) for run in text.cjk_text(qn).split())]
        en: list[str] = []
        said: dict[str, str] = {}
        for run in text.latin_runs(qn):
            for chunk, is_pinyin in self._pinyin_groups(self._repair_pinyin(self._spell_initials(run, fuzzy), fuzzy)):
                hanzi = self._from_pinyin(chunk, fuzzy) if is_pinyin else ""
                if hanzi:
                    zh_parts.append(hanzi)
                    continue
                en.extend(text.en_words(chunk))
                said.update((text.en_stem(w), w) for w in chunk.split())
        return ReadQuery(" ".join(p for p in zh_parts if p), en, [], fuzzy, said, qn)

    def _by_sound(self, run: str, fuzzy: list[str]) -> str:
        """A Chinese run with a character typed wrong by sound (phone input) put right: the run is read as the
        catalog's service words by their toneless pinyin, the words spelled as typed first; a word that differs
        from what was typed in one character (of three) replaces it ("出声登记" → 出生登记, "领失叶金" → 领失业金)."""
        if len(run) < 2 or len(run) > MAX_SOUND_RUN:
            return run
        sylls = text.char_pinyin(run)
        n = len(run)
        # best[i]: (2 × characters read as words - 3 × corrections, -corrections, -pieces, pieces) for run[:i]: a
        # correction must read two more characters than the words typed right do ("卖二手房" stays, though 买二手房
        # sounds the same; "开公积金" is not 开工 + 积金)
        none: list[tuple[int, int, str]] = []
        best: list[tuple[int, int, int, list[tuple[int, int, str]]]] = [(0, 0, 0, none)] + [(-1, 0, 0, none)] * n
        for i in range(n):
            covered, fixes, neg, pieces = best[i]
            if covered < 0:
                continue
            if best[i + 1][:3] < (covered, fixes, neg):
                best[i + 1] = (covered, fixes, neg, pieces)
            key = ""
            for j in range(i + 1, min(n, i + SOUND_SPAN) + 1):
                key += sylls[j - 1]
                if j - i < 2 or key not in self.sound_words:
                    continue
                span = run[i:j]
                word = max(self.sound_words[key], key=lambda w: sum(a == b for a, b in zip(w, span, strict=False)))
                wrong = sum(a != b for a, b in zip(word, span, strict=False)) if len(word) == len(span) else j - i
                if wrong > max(1, (j - i) // 3):
                    continue
                candidate = (covered + 2 * (j - i) - 3 * (wrong > 0), fixes - (wrong > 0), neg - 1,
                             [*pieces, (i, j, word)])
                if candidate[:3] > best[j][:3]:
                    best[j] = candidate
        pieces = [(i, j, w) for i, j, w in best[n][3] if w != run[i:j]]
        if not pieces:
            return run
        out, at = [], 0
        for i, j, word in pieces:
            out += [run[at:i], word]
            fuzzy.append(f"{run[i:j]} → {word}")
            at = j
        return "".join([*out, run[at:]])

    def _english(self, word: str) -> bool:
        return word in EN_STOPWORDS or f"e:{text.en_stem(word)}" in self.postings

    def _pinyin_groups(self, run: str) -> list[tuple[str, bool]]:
        """A run of Latin words cut into pinyin and English: "she bao ka" is pinyin, "open a restaurant" English,
        "shebaoka lost" both."""
        words = run.replace("-", " ").replace("'", " ").replace("’", " ").split()
        if text.is_pinyin(run) and not all(self._english(w) for w in words):
            return [(run, True)]
        groups: list[tuple[str, bool]] = []
        for w in words:
            pinyin = text.is_pinyin(w) and not self._english(w)
            if groups and groups[-1][1] == pinyin:
                groups[-1] = (f"{groups[-1][0]} {w}", pinyin)
            else:
                groups.append((w, pinyin))
        return groups

    def _from_pinyin(self, run: str, fuzzy: list[str]) -> str:
        """Pinyin ("kai fan guan", "shebaoka") as the catalog's Chinese words that sound the same ("" if none).
        Filler words (wo xiang, yao ban, shen me, le: the stopwords' sounds) are read as such, so a whole spoken
        sentence ("wo ba ba qu shi le yao ban shen me shou xu") is read by its words (去世)."""
        if not text.is_pinyin(run):
            return ""
        compact = "".join(ch for ch in run if ch.isalpha())
        covered, real, keys = self._cover(compact)
        if not keys or covered < max(4, len(compact) // 2):
            return self._pinyin_fuzzy(compact, fuzzy)
        words = [w for key in keys for w in self.lexicon[key]]
        fuzzy.append(f"{compact} → {'、'.join(words)}")
        return " ".join(words)

    def _cover(self, compact: str) -> tuple[int, int, list[str]]:
        """The catalog's words (as pinyin keys) that read most of the letters, fillers counted as read: (letters
        read, letters read as words, keys)."""
        n = len(compact)
        # best[i]: (letters read, letters read as words, -pieces, keys) for compact[:i]; unread letters are skipped
        empty: list[str] = []
        best: list[tuple[int, int, int, list[str]]] = [(0, 0, 0, empty)] + [(-1, 0, 0, empty)] * n
        for i in range(n):
            covered, real, neg, pieces = best[i]
            if covered < 0:
                continue
            if best[i + 1][:3] < (covered, real, neg):
                best[i + 1] = (covered, real, neg, pieces)
            for j in range(i + 2, min(n, i + MAX_PINYIN_KEY) + 1):
                key = compact[i:j]
                if j - i >= 4 and key in self.lexicon:
                    candidate = (covered + j - i, real + j - i, neg - 1, [*pieces, key])
                elif key in self.fillers:
                    candidate = (covered + j - i, real, neg - 1, pieces)
                else:
                    continue
                if candidate[:3] > best[j][:3]:
                    best[j] = candidate
        covered, real, _neg, keys = best[n]
        return covered, real, keys

    def _repair_pinyin(self, run: str, fuzzy: list[str]) -> str:
        """Spaced pinyin with one word that is no syllable ("zhaun", "bna", "tqi u"): two letters swapped, or one
        letter wrong, within the word or across its space, whichever reads most of the run as the catalog's words."""
        words = run.split()
        bad = [i for i, w in enumerate(words) if not text.is_pinyin(w)]
        if not bad or len(bad) > 2 or len(words) - len(bad) < 2 or any(
                self._english(words[i]) or not set(words[i]) & _VOWELS for i in bad):
            return run
        for i in bad:
            w = words[i]
            options: list[tuple[int, list[str]]] = []
            spans = [(i, i + 1)] + [(i, i + 2)] * (i + 1 < len(words)) + [(i - 1, i + 1)] * (i > 0)
            for a, b in spans:
                joined = "".join(words[a:b])
                for k in range(len(joined) - 1):  # two letters swapped
                    fixed = joined[:k] + joined[k + 1] + joined[k] + joined[k + 2:]
                    if text.is_pinyin(fixed):
                        options.append((0, [*words[:a], fixed, *words[b:]]))
            for k in range(len(w)):  # one letter wrong
                for ch in "abcdefghijklmnopqrstuwxyz":
                    fixed = w[:k] + ch + w[k + 1:]
                    if ch != w[k] and text.is_pinyin(fixed):
                        options.append((1, [*words[:i], fixed, *words[i + 1:]]))
            if not options:
                return run
            scored = [(self._cover("".join(ws))[1], -kind, ws) for kind, ws in options]
            best = max(scored, key=lambda x: x[:2])
            if best[0] == 0:
                return run
            fuzzy.append(f"{' '.join(words)} → {' '.join(best[2])}")
            words = best[2]
            bad = [j for j, x in enumerate(words) if not text.is_pinyin(x)]
            if not bad:
                break
        return " ".join(words)

    def _spell_initials(self, run: str, fuzzy: list[str]) -> str:
        """Words of initials ("sbk", "bdc", "gjj", "sfz") spelled out as the pinyin of the catalog's word they most
        often stand for in its names and aliases ("sbk bu ban" → "shebaoka bu ban", read as 社保卡补办)."""
        words = run.split()
        for i, w in enumerate(words):
            if 2 <= len(w) <= 5 and not set(w) & _VOWELS and w in self.initials and not self._english(w):
                word = self.initials[w]
                fuzzy.append(f"{w} → {word}")
                words[i] = text.pinyin_key(word)
        return " ".join(words)

    def _pinyin_fuzzy(self, compact: str, fuzzy: list[str]) -> str:
        """Pinyin with a wrong letter: the closest sounds the catalog knows."""
        if len(compact) < 5:
            return ""
        found = process.extract(compact, list(self.lexicon), scorer=fuzz.ratio, limit=2, score_cutoff=85)
        words = [w for key, _s, _i in found for w in self.lexicon[key]]
        if words:
            fuzzy.append(f"{compact} → {'、'.join(words)}")
        return " ".join(words)

    def query_terms(self, q: str) -> tuple[list[QueryTerm], list[str], list[str]]:
        """The weighted tokens a query searches for, and the synonyms and typo corrections used (for "why")."""
        read = self.read(q)
        return self._terms(read), read.synonyms, read.fuzzy

    def _terms(self, read: ReadQuery) -> list[QueryTerm]:
        return [*(self._zh_terms(read) if read.zh else []), *self._en_terms(read)]

    def _zh_terms(self, read: ReadQuery) -> list[QueryTerm]:
        words = text.words(read.zh)
        terms = [*self._word_terms(words), *(QueryTerm(f"b:{bg}", 1.0, bg) for bg in text.bigrams(read.zh)
                                             if bg not in STOPWORDS)]
        terms += self._synonym_terms(read)
        known = any(f"w:{w}" in self.postings for w in words)
        for w in words:
            if f"w:{w}" not in self.postings:
                terms += self._unknown_word_terms(w, read.fuzzy)
                # a word the catalog does not know is often a one-character verb glued to a filler ("租出去", "想招",
                # "租给"): its characters, fillers aside, are searched in the names like a one-character word, beside
                # a word the catalog knows (alone, "干洗店" stays a query with no result)
                if known and 2 <= len(w) <= 3 and not w.isascii() and not any(w in o and w != o for o in words):
                    terms += [QueryTerm(f"c:{ch}", CHAR_OF_UNKNOWN, ch, plain=ch, group=w) for ch in w
                              if ch not in STOPWORDS and ch not in FILLER_CHARS]
        return terms

    def _word_terms(self, words: list[str]) -> list[QueryTerm]:
        terms = []
        for w in words:
            if len(w) == 1 and not w.isascii():
                # a one-character word ("税", "租", "招") is said inside the catalog's words (税费, 个税, 出租, 招用):
                # it matches the characters of names and aliases (where it stands alone is an accident of cutting)
                terms.append(QueryTerm(f"c:{w}", 1.0, w, plain=w))
                continue
            terms.append(QueryTerm(f"w:{w}", 1.0, w, plain=w))
            if not w.isascii() and len(w) >= 2:
                key = f"p:{text.pinyin_key(w)}"
                # a word the catalog does not know but that sounds like one it does: most likely a wrong
                # character (结昏 → 结婚), so its sound counts as much as a word would
                known = f"w:{w}" in self.postings
                sounds_like = not known and key in self.postings
                weight = 1.0 / STREAM_WEIGHTS["p"] if sounds_like else 1.0
                # the citizen is told the catalog's word it sounds like (结昏 → 结婚), never the sound itself
                plain = (self.lexicon.get(key[2:]) or [""])[0] if sounds_like else ""
                terms.append(QueryTerm(key, weight, f"{w}（同音）", "pinyin", plain))
        return terms

    def _synonym_terms(self, read: ReadQuery) -> list[QueryTerm]:
        """Colloquial phrases → catalog words. A phrase inside a longer name the query spells out ("营业执照" in
        "营业执照补领") gives way to it: the catalog's own words say more."""
        qn = read.zh
        spelled = [(p, d) for p, d in self._zh_spelled(qn) if len(p) >= 3 and p == self.names_normalised[d]]
        terms = []
        hits = []
        for phrases, targets, weight in (*text.synonym_table(), *self.synonyms):
            hit = next((p for p in phrases if p and (p in qn or (p.isascii() and p in read.raw))), None)
            if hit is None or any(len(s) > len(hit) and hit in s and not self._leads_to(d, targets) for s, d in spelled):
                continue
            hits.append((hit, targets, weight))
        for hit, targets, weight in hits:
            # a phrase inside a longer phrase the query says gives way to it ("员工走了" is leaving, not "走了")
            if any(len(other) > len(hit) and hit in other for other, _t, _w in hits):
                continue
            read.synonyms.append(f"{hit} → {'、'.join(targets)}")
            self._consume(read, hit, targets)
            terms += self._target_terms(read, targets, weight, hit)
        return terms

    @staticmethod
    def _consume(read: ReadQuery, hit: str, targets: tuple[str, ...]) -> None:
        """A synonym that is not about replacing, renewing, closing or changing takes its words out of what the
        query is read to ask ("丢了工作", "lost my job": no document was lost)."""
        if not any(m in t for t in targets for _said, _en, names in INTENTS for m in names):
            read.consumed.append(hit)

    def _leads_to(self, d: int, targets: tuple[str, ...]) -> bool:
        """Whether a synonym's catalog words are in the document's name (then it agrees with that name)."""
        return any(t in self.docs[d].name for t in targets)

    @staticmethod
    def _target_terms(read: ReadQuery, targets: tuple[str, ...], weight: float, hit: str) -> list[QueryTerm]:
        terms = []
        # a row with many catalog words spreads its weight over them: one colloquial phrase ("离职") should not
        # outweigh the query's own words ("公积金", "取") by the number of words it expands to
        share = weight / math.sqrt(len(targets)) if targets else weight
        for target in targets:
            said = PHRASE_BONUS_EN * len(hit.split()) if hit.isascii() else PHRASE_BONUS * len(hit)
            read.targets[target] = max(said * weight, read.targets.get(target, 0.0))
            terms += [QueryTerm(tok, share, target, "synonym", target if tok[0] == "w" else "", hit)
                      for tok in _streams(target)]
        return terms

    def _en_terms(self, read: ReadQuery) -> list[QueryTerm]:
        """English stems, English synonyms (→ the catalog's Chinese words) and English typos."""
        terms = [QueryTerm(f"e:{w}", 1.0, w, plain=read.en_said.get(w, w)) for w in read.en]
        # English names the query spells out (or that spell out the whole query): a synonym inside one of them
        # gives way ("business licence" in "food business licence" is not 企业开办)
        query = tuple(read.en)
        spelled = [(self.phrases_en[i][0] if inside else query, self.phrases_en[i][2])
                   for i, inside in self._en_spelled(read.en)
                   if self.phrases_en[i][1] == self.docs[self.phrases_en[i][2]].name_en.strip()]
        for phrases, targets, weight in self.en_synonyms:
            hit = next((p for p in phrases if _contains(read.en, p)), None)
            if hit is None or any(len(s) > len(hit) and _contains(list(s), hit) and not self._leads_to(d, targets)
                                  for s, d in spelled):
                continue
            read.synonyms.append(f"{' '.join(hit)} → {'、'.join(targets)}")
            self._consume(read, " ".join(hit), targets)
            terms += self._target_terms(read, targets, weight, " ".join(hit))
        for w in read.en:
            if f"e:{w}" in self.postings or len(w) < 4:
                continue
            for match, score, _i in process.extract(w, self.vocab_en, scorer=fuzz.ratio, limit=2, score_cutoff=80):
                terms.append(QueryTerm(f"e:{match}", 0.8 * score / 100.0, f"{w}≈{match}", "fuzzy"))
                read.fuzzy.append(f"{w} → {match}")
        return terms

    def _unknown_word_terms(self, w: str, fuzzy: list[str]) -> list[QueryTerm]:
        """A Chinese word the index does not know: the nearest known words (a typo)."""
        terms: list[QueryTerm] = []
        if len(w) < 2 or w.isascii():
            return terms
        for match, score, _i in process.extract(w, self.vocab_words, scorer=fuzz.ratio, limit=2,
                                                score_cutoff=FUZZY_MIN):
            if match != w:
                terms.append(QueryTerm(f"w:{match}", 0.7 * score / 100.0, f"{w}≈{match}", "fuzzy", match))
                fuzzy.append(f"{w} → {match}")
        return terms

    # --- scoring ---------------------------------------------------------------------------------------
    def search(self, q: str, *, limit: int = 10, audience: str | None = None,
               kinds: tuple[str, ...] = ("bundle", "item")) -> list[Hit]:
        read = self.read(q)
        terms = self._terms(read)
        if not terms:
            return []
        # the same token from several sources counts once, at its best weight
        best: dict[str, QueryTerm] = {}
        for t in terms:
            if t.token not in best or t.weight > best[t.token].weight:
                best[t.token] = t
        scores: dict[int, float] = defaultdict(float)
        why: dict[int, dict[str, float]] = defaultdict(dict)
        plain: dict[int, dict[str, float]] = defaultdict(dict)
        self._bm25(best, scores, why, plain)
        named = Named()
        self._coordinate(best, scores, named)
        prior = self._add_bonuses(read, scores, why, plain)
        self._weigh_intents(read, scores, prior)
        self._weigh_audience(read, scores)
        ranked = self._rank(scores, audience=audience, kinds=kinds, prior=prior)
        if not ranked:
            return []
        ranked = self._specific_first(ranked, named)
        top = ranked[0][0]
        return [Hit(self.docs[d], s, _matched(why[d]), read.synonyms, read.fuzzy, _reason(plain[d]))
                for s, d in ranked[:limit] if s >= top * RELATIVE_CUTOFF]

    def _add_bonuses(self, read: ReadQuery, scores: dict[int, float], why: dict[int, dict[str, float]],
                     plain: dict[int, dict[str, float]]) -> set[int]:
        """Whole names and aliases found in the query (or leading from its synonyms) add to the score. Returns
        the bundles that keep the bundle prior."""
        bonuses = self._phrase_bonus(read.zh) if read.zh else {}
        named = {d for d, (_b, p) in bonuses.items() if self._names(d, p)}
        for d, (bonus, phrase) in self._phrase_bonus_en(read.en, named).items():
            if bonus > bonuses.get(d, (0.0, ""))[0]:
                bonuses[d] = (bonus, phrase)
        # a bundle is the better answer to a life event, not to a query that names one of its items by the item's
        # own name ("工伤认定" is the item 工伤认定申请, "工伤了" the bundle 工伤一件事, "失业登记" the item)
        best_item = max((bonuses[d][0] for d in named if self.docs[d].kind == "item"), default=0.0)
        prior = {d for d in scores if self.docs[d].kind == "bundle"
                 and (best_item == 0.0 or bonuses.get(d, (0.0, ""))[0] > best_item)}
        for d, (bonus, phrase) in self._target_bonus(read).items():
            if bonus > bonuses.get(d, (0.0, ""))[0]:
                bonuses[d] = (bonus, phrase)
        for d, (bonus, phrase) in bonuses.items():
            scores[d] += bonus
            why[d][f"“{phrase}”（整词）"] = bonus
            plain[d][phrase] = plain[d].get(phrase, 0.0) + bonus
        return prior

    def _weigh_intents(self, read: ReadQuery, scores: dict[int, float], prior: set[int]) -> None:
        """Changes, replacements and closures count half unless asked for; what the query asks for counts more."""
        intents = self._intents(read)
        if not self._modifies(read):
            modified = self.modifier_docs
        else:  # asked to close: changing or replacing it counts half, and so on
            modified = self.modifier_docs.difference(*(self.intent_docs[k] for k in intents)) if intents else set()
        for d in modified.intersection(scores):
            scores[d] *= MODIFIER_FACTOR
        for k in intents:
            for d in self.intent_docs[k].intersection(scores):
                scores[d] *= INTENT_FACTOR
            # a bundle starts something; a query about replacing, renewing, closing or changing it wants the item
            # that does so, unless the bundle is about that or holds such an item ("企业注销一件事", 社保卡一件事)
            prior.intersection_update(self.intent_bundles[k])

    def _weigh_audience(self, read: ReadQuery, scores: dict[int, float]) -> None:
        """A company's or an employer's need ("公司想招几个人", "单位给员工交公积金", "my company") is the unit's
        service: services for a person only count less. A query in the passive ("被公司开除了") is the person's."""
        if "被" in read.zh or not (any(w in read.zh for w in EMPLOYER_WORDS) or EMPLOYER_EN.intersection(read.en)):
            return
        for d in scores:
            if self.docs[d].audience == "person" or "个人" in self.docs[d].name:
                scores[d] *= PERSON_FACTOR

    def _names(self, d: int, phrase: str) -> bool:
        """Whether a phrase the query spelled is the document's own name, or most of it (two thirds), rather than
        one of its aliases or a word of it."""
        phrase, name = text.normalise(phrase), self.names_normalised[d]
        return phrase in name and 3 * len(phrase) >= 2 * len(name)

    def _target_bonus(self, read: ReadQuery) -> dict[int, tuple[float, str]]:
        """A synonym that leads to a document's whole name (or a bundle's core) names it, as if the query had
        ("小饭馆" → 餐饮店, the core of 我要开餐饮店); worth what the phrase typed is worth, whichever name it leads to."""
        bonus: dict[int, tuple[float, str]] = {}
        for target, value in read.targets.items():
            for d in self.phrase_docs.get(text.normalise(target), ()):
                if value > bonus.get(d, (0.0, ""))[0]:
                    bonus[d] = (value, target)
        return bonus

    @staticmethod
    def _intents(read: ReadQuery) -> list[int]:
        """What the query asks to do (replace, renew, close, change): indexes into INTENTS."""
        zh = read.zh
        en = list(read.en)
        for hit in read.consumed:
            zh = zh.replace(hit, " ")
            for w in hit.split():
                if w in en:
                    en.remove(w)
        return [k for k, (said, said_en, _names) in enumerate(INTENTS)
                if any(w in zh for w in said) or any(w in said_en for w in en)]

    @staticmethod
    def _modifies(read: ReadQuery) -> bool:
        """Whether the query asks to change, replace or close something (its synonyms' words count too)."""
        zh = read.zh + " ".join(read.synonyms)
        return any(m in zh for m in MODIFIER_QUERY) or any(w in MODIFIER_EN for w in read.en)

    def _bm25(self, best: dict[str, QueryTerm], scores: dict[int, float], why: dict[int, dict[str, float]],
              plain: dict[int, dict[str, float]]) -> None:
        """BM25F of every matching document, and what each term contributed (for "why")."""
        for tok, term in best.items():
            plist = self.postings.get(tok)
            if not plist:
                continue
            idf = self.idf[tok]
            stream = STREAM_WEIGHTS[tok[0]]
            for d, fname, tf in plist:
                length = self.lengths[d][fname]
                norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / self.avg[fname]))
                s = term.weight * stream * FIELD_WEIGHTS[fname] * idf * norm
                scores[d] += s
                if tok[0] in "we" or term.source != "query":
                    label = f"{term.label}（{FIELD_LABELS[fname]}）"
                    why[d][label] = why[d].get(label, 0.0) + s
                if term.plain:
                    plain[d][term.plain] = plain[d].get(term.plain, 0.0) + s

    def _coordinate(self, best: dict[str, QueryTerm], scores: dict[int, float], named: Named) -> None:
        """Documents that answer more of the query's parts rank higher: "残疾人补贴" is the disability allowance
        (残疾, 补贴), not every disability service, and "离职提取公积金" the withdrawal on leaving a job rather than
        the bundle about leaving a job, however many words 离职 expands to. The parts are the smallest words of the
        query (and synonym phrases); a longer word or a synonym phrase matched counts for the parts inside it."""
        groups = {t.token: _group(t) for t in best.values()}
        names = {g for g in groups.values() if g}
        parts = {g for g in names if not any(other != g and other in g for other in names)}
        if len(parts) < 2:
            return
        covers = {g: {p for p in parts if p in g} for g in names}
        matched: dict[int, set[str]] = defaultdict(set)
        subject_max = SUBJECT_SHARE * len(self.docs)
        for tok, group in groups.items():
            if group:
                word = tok[0] != "b"
                # a subject: a word the citizen typed (not a synonym's) that few names hold (not 许可, 登记, 备案)
                subject = (word and best[tok].source in ("query", "pinyin")
                           and self.name_df.get(tok, 0) <= subject_max)
                part = covers[group]
                for d, f, _tf in self.postings.get(tok, ()):
                    matched[d].update(part)
                    if word:
                        named.parts[d].update(part)
                        if f == "name":
                            named.said[d].update(part)
                            if subject:
                                named.subjects[d].update(part)
                        elif f == "aliases":
                            named.aliases[d].update(part)
        for d in scores:
            scores[d] *= COORD_FLOOR + (1 - COORD_FLOOR) * len(matched[d]) / len(parts)

    def _specific_first(self, ranked: list[tuple[float, int]], named: Named) -> list[tuple[float, int]]:
        """Two concepts in one question, one of them the life event a bundle is named for: the item whose own name
        says the other concept (a subject: a word few names hold, not 许可, 登记 or 备案) and that answers the bundle's
        concept too answers better than the bundle ("老人去世了户口怎么办" → 户口注销登记（死亡）, not 身后一件事;
        "家里老人过世了公积金怎么取" → the withdrawal on a death), when it scores a fair share of the bundle's score."""
        top_score, top = ranked[0]
        if not named.parts or self.docs[top].kind != "bundle":
            return ranked
        # the bundle's concept: what its name says of the query, else what its aliases say ("卖房" of 二手房买卖)
        event = named.said.get(top) or named.aliases.get(top) or set()
        if not event:
            return ranked
        for k, (s, d) in enumerate(ranked[1:SPECIFIC_WINDOW], start=1):
            if s < SPECIFIC_SHARE * top_score:
                break
            if (self.docs[d].kind == "item" and named.subjects.get(d, set()) - named.said.get(top, set())
                    and event <= named.parts.get(d, set())):
                return [(top_score, d), *ranked[:k], *ranked[k + 1:]]
        return ranked

    def _zh_spelled(self, qn: str) -> list[tuple[str, int]]:
        """The names and aliases (with their document) found whole in the query's Chinese."""
        if qn not in self._zh_spelled_cache:
            if len(self._zh_spelled_cache) > 256:
                self._zh_spelled_cache.clear()
            self._zh_spelled_cache[qn] = [(phrase, d) for phrase, d in self.phrases if phrase in qn]
        return self._zh_spelled_cache[qn]

    def _phrase_bonus(self, qn: str) -> dict[int, tuple[float, str]]:
        """A document's whole name or alias inside the query, or the whole query inside a name."""
        bonus: dict[int, tuple[float, str]] = {}
        candidates = list(self._zh_spelled(qn))
        if len(qn) >= 3:  # the whole query inside a name ("一次性创业补贴" in "失业人员一次性创业补贴申领")
            candidates += [(qn, d) for d, name in enumerate(self.names_normalised) if qn in name]
        for phrase, d in candidates:
            value = PHRASE_BONUS * len(phrase)
            if value > bonus.get(d, (0.0, ""))[0]:
                bonus[d] = (value, phrase)
        return bonus

    def _en_spelled(self, stems: list[str]) -> list[tuple[int, bool]]:
        """English names and aliases among the query's words (True), or containing the whole query of two words or
        more (False). Only phrases sharing a word with the query are looked at."""
        key = tuple(stems)
        if key in self._en_spelled_cache:
            return self._en_spelled_cache[key]
        have = set(stems)
        found = []
        for i in {i for w in have for i in self.en_phrase_ids.get(w, ())}:
            phrase = self.phrases_en[i][0]
            if set(phrase) <= have and _contains(stems, phrase):
                found.append((i, True))
            elif len(key) >= 2 and have <= set(phrase) and _contains(list(phrase), key):
                found.append((i, False))
        if len(self._en_spelled_cache) > 256:
            self._en_spelled_cache.clear()
        self._en_spelled_cache[key] = found
        return found

    def _phrase_bonus_en(self, stems: list[str], named: set[int]) -> dict[int, tuple[float, str]]:
        """A document's whole English name or alias among the query's words, or the whole query in a name (adds
        to `named` the documents whose own name, or two thirds of it, the query spells)."""
        bonus: dict[int, tuple[float, str]] = {}
        if not stems:
            return bonus
        for i, inside in self._en_spelled(stems):
            phrase, label, d = self.phrases_en[i]
            value = PHRASE_BONUS_EN * len(phrase) if inside else PHRASE_BONUS_EN * len(stems) * 0.8
            if label == self.docs[d].name_en.strip() and (inside or 3 * len(stems) >= 2 * len(phrase)):
                named.add(d)
            if value > bonus.get(d, (0.0, ""))[0]:
                bonus[d] = (value, label)
        return bonus

    def _rank(self, scores: dict[int, float], *, audience: str | None, kinds: tuple[str, ...],
              prior: set[int]) -> list[tuple[float, int]]:
        ranked = []
        for d, s in scores.items():
            doc = self.docs[d]
            if doc.kind not in kinds or (audience and doc.audience not in (audience, "both", "")):
                continue
            ranked.append((s * BUNDLE_PRIOR if d in prior else s, d))
        ranked.sort(key=lambda x: (-x[0], self.docs[x[1]].kind != "bundle", self.docs[x[1]].code))
        return ranked

    def did_you_mean(self, q: str, limit: int = 3) -> list[str]:
        """Names close to the query, by characters or by sound."""
        qn = "".join(text.words(q))
        if len(qn) < 2:
            return []
        found: dict[str, float] = {}
        for match, score, _i in process.extract(qn, self.suggestions, scorer=fuzz.partial_ratio, limit=limit,
                                                score_cutoff=50):
            found[match] = max(found.get(match, 0.0), score)
        key = text.pinyin_key(qn) if not qn.isascii() else qn.replace(" ", "")
        if len(key) >= 3:
            for _m, score, i in process.extract(key, self.suggestion_pinyin, scorer=fuzz.partial_ratio, limit=limit,
                                                score_cutoff=75):
                name = self.suggestions[i]
                found[name] = max(found.get(name, 0.0), score)
        return [name for name, _s in sorted(found.items(), key=lambda kv: (-kv[1], len(kv[0])))[:limit]]


def _group(term: QueryTerm) -> str:
    """The part of the query a term stands for ("" for character pairs, which only back up words)."""
    if term.group:
        return term.group
    if term.token[0] == "b":
        return ""
    return term.label.split("（")[0].split("≈")[0]


def _core_names(doc: Doc) -> list[str]:
    """A bundle's name without the words every bundle has ("我要开餐饮店" → 餐饮店); nothing for an item."""
    if doc.kind != "bundle":
        return []
    core = doc.name
    for affix in BUNDLE_AFFIXES:
        core = core.replace(affix, "")
    core = core.split("（")[0].strip()
    return [core] if core and core != doc.name else []


def _matched(why: dict[str, float]) -> list[str]:
    """The four strongest reasons, a homophone only where the plain word did not match."""
    labels = [label for label, _v in sorted(why.items(), key=lambda kv: -kv[1])]
    plain = {label.split("（")[0] for label in labels if "同音" not in label}
    return [label for label in labels if "同音" not in label or label.split("（")[0] not in plain][:4]


def _reason(plain: dict[str, float]) -> list[str]:
    """The two catalog words that counted most; a word inside a longer matched one gives way (餐饮店 over 餐饮)."""
    words = [w for w in plain if not any(w != other and w in other for other in plain)]
    ranked = sorted(words, key=lambda w: -sum(v for other, v in plain.items() if other in w))
    return ranked[:2]


FIELD_LABELS = {"name": "名称", "aliases": "别名", "keywords": "关键词", "description": "说明", "faq": "常见问题",
                "materials": "材料", "name_en": "英文名称", "aliases_en": "英文别名", "english": "英文",
                "materials_en": "英文材料"}

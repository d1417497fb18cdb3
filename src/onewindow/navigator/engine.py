"""The guide's index: BM25F over the fields of bundles and items, with synonyms, typo and pinyin tolerance.

Fields and weights: name 3, aliases 2.5, keywords 1.5 (department, category, bundle situations, item names in
a bundle), description 1, common questions 0.8, materials 0.5. Three token streams per field: jieba words
(full weight), character bigrams (0.3: partial words, one wrong character) and pinyin of words (0.4: homophone
typos such as 社宝卡, and queries typed in pinyin). The index is plain Python: a few hundred documents score
in well under a millisecond.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from onewindow.navigator import text
from onewindow.navigator.synonyms import STOPWORDS

FIELD_WEIGHTS = {"name": 3.0, "aliases": 2.5, "keywords": 1.5, "description": 1.0, "faq": 0.8, "materials": 0.5}
STREAM_WEIGHTS = {"w": 1.0, "b": 0.3, "p": 0.4}
K1 = 1.2
B = 0.75
BUNDLE_PRIOR = 1.3  # a "one thing" bundle answers a life event better than any one of its items
FUZZY_MIN = 66.0
RELATIVE_CUTOFF = 0.25  # drop results scoring below this share of the best one
PHRASE_BONUS = 2.0  # per character of a document's whole name or alias found in the query


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


@dataclass
class Hit:
    doc: Doc
    score: float
    matched: list[str]  # query terms that matched, with the field they matched
    synonyms: list[str]  # "小饭馆 → 餐饮"
    fuzzy: list[str]  # "社宝 → 社保"

    def as_dict(self) -> dict:
        d = self.doc
        return {"type": d.kind, "code": d.code, "name": d.name, "url": d.url, "audience": d.audience,
                "department": d.department, "score": round(self.score, 3),
                "why": {"matched": self.matched, "synonyms": self.synonyms, "fuzzy": self.fuzzy}}


@dataclass
class QueryTerm:
    token: str  # stream-prefixed: "w:社保", "b:社保", "p:shebao"
    weight: float
    label: str  # what to show in "why"
    source: str = "query"  # query | synonym | fuzzy | pinyin


def _streams(value: str) -> list[str]:
    words = text.words(value)
    toks = [f"w:{w}" for w in words]
    toks += [f"b:{b}" for b in text.bigrams(value) if b not in STOPWORDS]
    toks += [f"p:{text.pinyin_key(w)}" for w in words if len(w) >= 2 and not w.isascii()]
    return toks


class Index:
    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self.postings: dict[str, list[tuple[int, str, int]]] = defaultdict(list)  # token → (doc, field, tf)
        self.lengths: list[dict[str, int]] = []
        totals: Counter[str] = Counter()
        for i, doc in enumerate(docs):
            lens: dict[str, int] = {}
            for fname, value in doc.fields.items():
                toks = _streams(value) if value else []
                lens[fname] = len(toks)
                totals[fname] += len(toks)
                for tok, tf in Counter(toks).items():
                    self.postings[tok].append((i, fname, tf))
            self.lengths.append(lens)
        n = max(len(docs), 1)
        self.avg = {f: (totals[f] / n) or 1.0 for f in FIELD_WEIGHTS}
        self.df = {tok: len({d for d, _f, _tf in plist}) for tok, plist in self.postings.items()}
        self.idf = {tok: math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) for tok, df in self.df.items()}
        self.vocab_words = sorted({t[2:] for t in self.postings if t.startswith("w:") and len(t) >= 4})
        self.vocab_pinyin = sorted({t[2:] for t in self.postings if t.startswith("p:")})
        # whole names and aliases: a query that contains one names that document outright
        self.names_normalised = [text.normalise(doc.name) for doc in docs]
        self.phrases: list[tuple[str, int]] = []
        for i, doc in enumerate(docs):
            for phrase in [doc.name, *doc.fields.get("aliases", "").split(",")]:
                phrase = text.normalise(phrase)
                if len(phrase) >= 2:
                    self.phrases.append((phrase, i))
        names = []
        for doc in docs:
            names.append(doc.name)
            names.extend(a.strip() for a in doc.fields.get("aliases", "").split(",") if a.strip())
        self.suggestions = sorted(set(names))
        self.suggestion_pinyin = [text.pinyin_key(s) for s in self.suggestions]

    # --- query -----------------------------------------------------------------------------------------
    def query_terms(self, q: str) -> tuple[list[QueryTerm], list[str], list[str]]:
        """The weighted tokens a query searches for, and the synonyms and typo corrections used (for "why")."""
        qn = text.normalise(q)
        words = text.words(qn)
        synonyms: list[str] = []
        fuzzy: list[str] = []
        terms = [*self._word_terms(words), *(QueryTerm(f"b:{bg}", 1.0, bg) for bg in text.bigrams(qn)
                                             if bg not in STOPWORDS)]
        terms += self._synonym_terms(qn, synonyms)
        for w in words:
            if f"w:{w}" not in self.postings:
                terms += self._unknown_word_terms(w, fuzzy)
        terms += self._pinyin_query_terms(qn, words)
        return terms, synonyms, fuzzy

    def _word_terms(self, words: list[str]) -> list[QueryTerm]:
        terms = []
        for w in words:
            terms.append(QueryTerm(f"w:{w}", 1.0, w))
            if not w.isascii() and len(w) >= 2:
                key = f"p:{text.pinyin_key(w)}"
                # a word the catalog does not know but that sounds like one it does: most likely a wrong
                # character (结昏 → 结婚), so its sound counts as much as a word would
                known = f"w:{w}" in self.postings
                weight = 1.0 if known or key not in self.postings else 1.0 / STREAM_WEIGHTS["p"]
                terms.append(QueryTerm(key, weight, f"{w}（同音）", "pinyin"))
        return terms

    @staticmethod
    def _synonym_terms(qn: str, synonyms: list[str]) -> list[QueryTerm]:
        """Colloquial phrases → catalog words."""
        terms = []
        for phrases, targets, weight in text.synonym_table():
            hit = next((p for p in phrases if p in qn), None)
            if hit is None:
                continue
            synonyms.append(f"{hit} → {'、'.join(targets)}")
            for target in targets:
                terms += [QueryTerm(tok, weight, target, "synonym") for tok in _streams(target)]
        return terms

    def _unknown_word_terms(self, w: str, fuzzy: list[str]) -> list[QueryTerm]:
        """A word the index does not know: pinyin typed in Latin letters, or the nearest known word (a typo)."""
        terms = []
        if text.is_pinyin_like(w):
            for match, score, _i in process.extract(w, self.vocab_pinyin, scorer=fuzz.ratio, limit=3,
                                                    score_cutoff=80):
                terms.append(QueryTerm(f"p:{match}", score / 100.0, f"{w}（拼音）", "pinyin"))
                if match != w:
                    fuzzy.append(f"{w} → {match}")
            return terms
        if len(w) < 2 or w.isascii():
            return terms
        for match, score, _i in process.extract(w, self.vocab_words, scorer=fuzz.ratio, limit=2,
                                                score_cutoff=FUZZY_MIN):
            if match != w:
                terms.append(QueryTerm(f"w:{match}", 0.7 * score / 100.0, f"{w}≈{match}", "fuzzy"))
                fuzzy.append(f"{w} → {match}")
        return terms

    def _pinyin_query_terms(self, qn: str, words: list[str]) -> list[QueryTerm]:
        """A whole query in pinyin ("shebaoka")."""
        compact = qn.replace(" ", "")
        if not text.is_pinyin_like(compact) or len(words) > 1:
            return []
        return [QueryTerm(f"p:{match}", 0.8 * score / 100.0, f"{compact}（拼音）", "pinyin")
                for match, score, _i in process.extract(compact, self.vocab_pinyin, scorer=fuzz.partial_ratio,
                                                        limit=5, score_cutoff=85)
                if len(match) >= 4]

    # --- scoring ---------------------------------------------------------------------------------------
    def search(self, q: str, *, limit: int = 10, audience: str | None = None,
               kinds: tuple[str, ...] = ("bundle", "item")) -> list[Hit]:
        terms, synonyms, fuzzy = self.query_terms(q)
        if not terms:
            return []
        # the same token from several sources counts once, at its best weight
        best: dict[str, QueryTerm] = {}
        for t in terms:
            if t.token not in best or t.weight > best[t.token].weight:
                best[t.token] = t
        scores: dict[int, float] = defaultdict(float)
        why: dict[int, dict[str, float]] = defaultdict(dict)
        self._bm25(best, scores, why)
        for d, (bonus, phrase) in self._phrase_bonus(text.normalise(q)).items():
            scores[d] += bonus
            why[d][f"“{phrase}”（整词）"] = bonus
        ranked = self._rank(scores, audience=audience, kinds=kinds)
        if not ranked:
            return []
        top = ranked[0][0]
        return [Hit(self.docs[d], s, _matched(why[d]), synonyms, fuzzy)
                for s, d in ranked[:limit] if s >= top * RELATIVE_CUTOFF]

    def _bm25(self, best: dict[str, QueryTerm], scores: dict[int, float], why: dict[int, dict[str, float]]) -> None:
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
                if tok[0] == "w" or term.source != "query":
                    label = f"{term.label}（{FIELD_LABELS[fname]}）"
                    why[d][label] = why[d].get(label, 0.0) + s

    def _phrase_bonus(self, qn: str) -> dict[int, tuple[float, str]]:
        """A document's whole name or alias inside the query, or the whole query inside a name."""
        bonus: dict[int, tuple[float, str]] = {}
        candidates = [(phrase, d) for phrase, d in self.phrases if phrase in qn]
        if len(qn) >= 3:  # the whole query inside a name ("一次性创业补贴" in "失业人员一次性创业补贴申领")
            candidates += [(qn, d) for d, name in enumerate(self.names_normalised) if qn in name]
        for phrase, d in candidates:
            value = PHRASE_BONUS * len(phrase)
            if value > bonus.get(d, (0.0, ""))[0]:
                bonus[d] = (value, phrase)
        return bonus

    def _rank(self, scores: dict[int, float], *, audience: str | None,
              kinds: tuple[str, ...]) -> list[tuple[float, int]]:
        ranked = []
        for d, s in scores.items():
            doc = self.docs[d]
            if doc.kind not in kinds or (audience and doc.audience not in (audience, "both", "")):
                continue
            ranked.append((s * BUNDLE_PRIOR if doc.kind == "bundle" else s, d))
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


def _matched(why: dict[str, float]) -> list[str]:
    """The four strongest reasons, a homophone only where the plain word did not match."""
    labels = [label for label, _v in sorted(why.items(), key=lambda kv: -kv[1])]
    plain = {label.split("（")[0] for label in labels if "同音" not in label}
    return [label for label in labels if "同音" not in label or label.split("（")[0] not in plain][:4]


FIELD_LABELS = {"name": "名称", "aliases": "别名", "keywords": "关键词", "description": "说明", "faq": "常见问题",
                "materials": "材料"}

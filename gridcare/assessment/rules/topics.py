"""Root causes from free text (issue 14, ASSESS-5/6): the recurring topics of a month's complaint
texts or survey comments. Pure: texts in, topics out, the same topics for the same texts.

The triage text pipeline reads the words (``workorders.triage``: full-width to half-width, no
white space, jieba words); words of one character, numbers and the domain's stop words (您好,
谢谢, 用户, 来电 …) are left out. TF-IDF over the words a topic can recur in (in two texts at
least, in at most 90% of them) and NMF (scikit-learn, fixed ``random_state`` and a deterministic
NNDSVD start) find ``topic_count(n)`` topics: √(n/5) rounded, between 2 and 10. Each text goes to
the topic it weighs most in; a topic gives its top words, how many texts it has and the three
that weigh most in it, masked (mobiles and ID numbers as the archive masks them, any other run of
seven or more digits but its first three).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

from gridcare.core.privacy import mask_text
from gridcare.workorders.triage import normalise, words

MIN_DOCUMENTS = 10  # fewer texts than this make no topics
MAX_TOPICS = 10
TOP_WORDS = 8
EXAMPLES = 3
EXAMPLE_CHARS = 160
RANDOM_STATE = 0

# Words every call or comment has, which say nothing about its cause.
_STOP = (
    "您好 你好 谢谢 感谢 多谢 麻烦 用户 客户 来电 致电 电话 反映 表示 要求 咨询 询问 希望 需要 请求 "
    "一下 我们 你们 他们 自己 我家 家里 现在 今天 昨天 前天 最近 目前 已经 还是 没有 就是 可以 能够 "
    "因为 所以 但是 而且 然后 如果 一个 这个 那个 这样 那样 什么 怎么 如何 为什么 问题 情况 事情 "
    "处理 解决 一直 还有 不是 知道 告诉 说明 供电公司 国家电网 电力公司 工作人员 先生 女士 的话"
)
STOP_WORDS: frozenset[str] = frozenset(_STOP.split())
_HAS_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_DIGIT_RUN = re.compile(r"[0-9](?:[\s\-—－]?[0-9]){6,}")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def tokens(text: str) -> list[str]:
    """The words of ``text`` a topic is made of (two characters or more, not a number, not a stop word)."""
    found = words(normalise(text))
    return [w for w in found if len(w) >= 2 and w not in STOP_WORDS and _HAS_WORD.search(w)]


def _mask_run(match: re.Match[str]) -> str:
    seen = 0
    out = []
    for char in match.group(0):
        if char.isdigit():
            seen += 1
            out.append(char if seen <= 3 else "*")
        else:
            out.append(char)
    return "".join(out)


def mask(text: str) -> str:
    """``text`` fit to show as an example: full-width digits made plain, mobiles and ID numbers
    masked (``core.privacy``), any other run of 7+ digits (a landline, a card) but its first three."""
    plain = text.translate(_FULL_WIDTH_DIGITS)
    return _DIGIT_RUN.sub(_mask_run, mask_text(plain))


def topic_count(documents: int) -> int:
    """How many topics ``documents`` texts are split into: √(n/5), between 2 and MAX_TOPICS."""
    return max(2, min(MAX_TOPICS, round(math.sqrt(documents / 5))))


@dataclass(frozen=True)
class Topic:
    words: list[str]
    count: int
    examples: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"words": self.words, "count": self.count, "examples": self.examples}


def _same(doc: list[str]) -> list[str]:
    return doc


def _example(text: str) -> str:
    shown = mask(" ".join(text.split()))
    return shown if len(shown) <= EXAMPLE_CHARS else shown[: EXAMPLE_CHARS - 1] + "…"


def topics(texts: Sequence[str]) -> list[Topic]:
    """The recurring topics of ``texts``, most texts first."""
    return topics_of_tokens([tokens(t) for t in texts], texts)


def topics_of_tokens(docs: Sequence[list[str]], texts: Sequence[str]) -> list[Topic]:
    """``topics`` of texts already read into words (``tokens``), ``docs[i]`` being ``texts[i]``'s:
    a month's texts are read once for the company and each of its units."""
    used = [i for i, doc in enumerate(docs) if doc]
    if len(used) < MIN_DOCUMENTS:
        return []
    vectorizer = TfidfVectorizer(analyzer=_same, min_df=2, max_df=0.9, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([docs[i] for i in used])
    except ValueError:  # no word recurs
        return []
    vocabulary = vectorizer.get_feature_names_out()
    k = min(topic_count(len(used)), len(vocabulary), len(used))
    if k < 1:
        return []
    with threadpool_limits(limits=1):
        model = NMF(n_components=k, init="nndsvda", random_state=RANDOM_STATE, max_iter=500)
        weights = model.fit_transform(matrix)
    found = []
    best = weights.argmax(axis=1)
    for t in range(k):
        members = [row for row in range(len(used)) if best[row] == t and weights[row, t] > 0]
        if not members:
            continue
        order = np.argsort(-model.components_[t], kind="stable")
        top = [str(vocabulary[j]) for j in order[:TOP_WORDS] if model.components_[t, j] > 0]
        members.sort(key=lambda row: (-weights[row, t], row))
        examples = [_example(texts[used[row]]) for row in members[:EXAMPLES]]
        found.append(Topic(words=top, count=len(members), examples=examples))
    return sorted(found, key=lambda topic: (-topic.count, topic.words))

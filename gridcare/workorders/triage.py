"""Text triage (WO-6): suggest type, complaint class and urgency from the customer's words.

Type and complaint class come from two linear models over character 1-2 grams (scikit-learn;
jieba words were measured and came second, docs/TRIAGE.md), trained on first use from the versioned labelled set ``triage_data/labelled.csv``
(about a second, kept in memory). Urgency is a rule, not a model: any safety word makes an order
urgent, every time. docs/TRIAGE.md has the held-out accuracy per class and the check on real
customer reviews (waimai_10k).
"""

from __future__ import annotations

import csv
import logging
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import threadpool_limits

from gridcare.workorders.models import ComplaintClass, OrderType, Urgency

LABELLED = Path(__file__).with_name("triage_data") / "labelled.csv"

# Words that mean danger to life or property: an order containing any of them is urgent.
SAFETY_WORDS: tuple[str, ...] = (
    "触电", "电击", "电死", "电伤", "起火", "着火", "失火", "火灾", "冒火", "冒烟", "烧焦", "焦糊", "燃烧",
    "打火", "火花", "电弧", "爆炸", "炸了", "漏电", "倒杆", "杆倒", "电杆倒", "电线杆倒", "断线", "线断",
    "刮断", "砸断", "挖断", "烧断", "拉断", "压断", "掉在地上", "掉地上", "掉在路上", "耷拉在地上", "落地",
    "垂地", "碰到屋顶", "碰到房顶",
)  # fmt: skip
# People whose lives depend on power: an outage reaching them is urgent too.
LIFE_WORDS: tuple[str, ...] = ("呼吸机", "制氧机", "透析", "医院", "孕妇", "病人", "手术")
LOW_TYPES = frozenset({OrderType.PRAISE, OrderType.SUGGESTION, OrderType.INQUIRY, OrderType.OPINION})

_lock = threading.Lock()


@dataclass(frozen=True)
class Suggestion:
    type: str
    complaint_class: str | None
    urgency: str
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "complaint_class": self.complaint_class,
            "urgency": self.urgency,
            "confidence": round(self.confidence, 3),
        }


def normalise(text: str) -> str:
    """Full-width to half-width and no white space, so "触 电" and "触电" read alike."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def words(text: str) -> list[str]:
    return [w for w in jieba.lcut(text) if w.strip()]


def make_pipeline(features: str = "chars") -> Pipeline:
    """Text features into a class-balanced logistic regression.

    ``chars``: character 1-2 grams (the production choice); ``words``: jieba words; ``both``: the
    two side by side. Grouped cross-validation (docs/TRIAGE.md) chose characters: customer
    language about electricity is full of short compounds (跳闸, 电压, 抄表) that jieba splits
    unevenly, and characters need no dictionary.
    """
    words_ = ("words", TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, sublinear_tf=True))
    chars = ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True))
    parts = {"chars": [chars], "words": [words_], "both": [words_, chars]}[features]
    model = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced")
    return Pipeline([("features", FeatureUnion(parts)), ("model", model)])


def fit(pipeline: Pipeline, texts: Sequence[str], labels: Sequence[str]) -> Pipeline:
    jieba.setLogLevel(logging.WARNING)
    # One BLAS thread: on small problems thread start-up costs ten times the arithmetic.
    with threadpool_limits(limits=1):
        return pipeline.fit([normalise(t) for t in texts], list(labels))


@dataclass(frozen=True)
class Example:
    text: str
    type: str
    complaint_class: str
    template: str


def load_examples(path: Path = LABELLED) -> list[Example]:
    with path.open(encoding="utf-8") as handle:
        return [Example(r["text"], r["type"], r["complaint_class"], r["template"]) for r in csv.DictReader(handle)]


FOLDS = 4


def fold_of(example: Example) -> int:
    """Whole templates (with all their variants) go to one fold: template number modulo 4."""
    return int(example.template.rsplit(".", 1)[1]) % FOLDS


@dataclass
class Models:
    type_model: Pipeline
    class_model: Pipeline


def train(examples: Sequence[Example], features: str = "chars") -> Models:
    type_model = fit(make_pipeline(features), [e.text for e in examples], [e.type for e in examples])
    complaints = [e for e in examples if e.type == OrderType.COMPLAINT]
    class_model = fit(make_pipeline(features), [e.text for e in complaints], [e.complaint_class for e in complaints])
    return Models(type_model=type_model, class_model=class_model)


@lru_cache(maxsize=1)
def _production_models() -> Models:
    return train(load_examples())


def models() -> Models:
    with _lock:  # train once even when the first requests arrive together
        return _production_models()


def dangerous(text: str) -> bool:
    """Any safety word: the order is urgent whatever the agent chose (WO-6)."""
    clean = normalise(text)
    return any(word in clean for word in SAFETY_WORDS)


def urgency(text: str, order_type: str) -> str:
    clean = normalise(text)
    if dangerous(text):
        return Urgency.HIGH
    if order_type in (OrderType.FAULT, OrderType.COMPLAINT) and any(word in clean for word in LIFE_WORDS):
        return Urgency.HIGH
    if order_type in LOW_TYPES:
        return Urgency.LOW
    return Urgency.NORMAL


def suggest(text: str, trained: Models | None = None) -> Suggestion:
    """The suggested type, complaint class (complaints only), urgency and confidence (0-1)."""
    m = trained or models()
    clean = normalise(text)
    if not clean:
        return Suggestion(OrderType.INQUIRY, None, Urgency.NORMAL, 0.0)
    probabilities = m.type_model.predict_proba([clean])[0]
    best = int(probabilities.argmax())
    order_type = str(m.type_model.classes_[best])
    confidence = float(probabilities[best])
    complaint_class = None
    if order_type == OrderType.COMPLAINT:
        class_p = m.class_model.predict_proba([clean])[0]
        complaint_class = str(m.class_model.classes_[int(class_p.argmax())])
        confidence *= float(class_p.max())
    if urgency(text, order_type) == Urgency.HIGH and order_type in LOW_TYPES:
        # Danger is reported, whatever the wording: treat it as a fault to send a crew.
        order_type, complaint_class = OrderType.FAULT, None
    return Suggestion(order_type, complaint_class, urgency(text, order_type), confidence)


# -- measuring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    label: str
    support: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.support if self.support else 0.0


def per_label(truth: Iterable[str], predicted: Iterable[str]) -> list[Score]:
    pairs = list(zip(truth, predicted, strict=True))
    labels = sorted({t for t, _ in pairs})
    return [
        Score(label, sum(1 for t, _ in pairs if t == label), sum(1 for t, p in pairs if t == label and p == t))
        for label in labels
    ]


@dataclass(frozen=True)
class HeldOutReport:
    """Grouped cross-validation: each example is predicted once, by a model that never saw its
    template."""

    size: int
    type_scores: list[Score]
    class_scores: list[Score]

    @property
    def type_accuracy(self) -> float:
        return sum(s.correct for s in self.type_scores) / sum(s.support for s in self.type_scores)

    @property
    def class_accuracy(self) -> float:
        return sum(s.correct for s in self.class_scores) / sum(s.support for s in self.class_scores)


def evaluate_held_out(examples: Sequence[Example] | None = None, features: str = "chars") -> HeldOutReport:
    examples = list(examples or load_examples())
    truth: list[str] = []
    predicted: list[str] = []
    class_truth: list[str] = []
    class_predicted: list[str] = []
    for fold in range(FOLDS):
        trained = train([e for e in examples if fold_of(e) != fold], features)
        testing = [e for e in examples if fold_of(e) == fold]
        truth += [e.type for e in testing]
        predicted += [str(p) for p in trained.type_model.predict([normalise(e.text) for e in testing])]
        complaints = [e for e in testing if e.type == OrderType.COMPLAINT]
        class_truth += [e.complaint_class for e in complaints]
        class_predicted += [str(p) for p in trained.class_model.predict([normalise(e.text) for e in complaints])]
    return HeldOutReport(
        size=len(examples),
        type_scores=per_label(truth, predicted),
        class_scores=per_label(class_truth, class_predicted),
    )


def evaluate_binary(
    texts: Sequence[str], labels: Sequence[str], *, test_every: int = 5, features: str = "chars"
) -> list[Score]:
    """The same text pipeline on another labelled corpus: every ``test_every``-th row is held out."""
    train_x = [t for i, t in enumerate(texts) if i % test_every]
    train_y = [y for i, y in enumerate(labels) if i % test_every]
    test_x = [normalise(t) for i, t in enumerate(texts) if not i % test_every]
    test_y = [y for i, y in enumerate(labels) if not i % test_every]
    model = fit(make_pipeline(features), train_x, train_y)
    return per_label(test_y, [str(p) for p in model.predict(test_x)])


HOLD_OUT_FOLD = 0  # the labelled set's templates kept out of every retraining, to score on


def score(trained: Models, examples: Sequence[Example]) -> tuple[float, float | None]:
    """(type accuracy, complaint-class accuracy among the complaints) of ``trained`` on ``examples``."""
    if not examples:
        return 0.0, None
    predicted = trained.type_model.predict([normalise(e.text) for e in examples])
    type_ok = sum(1 for e, p in zip(examples, predicted, strict=True) if str(p) == e.type)
    complaints = [e for e in examples if e.type == OrderType.COMPLAINT and e.complaint_class]
    class_accuracy = None
    if complaints:
        classes = trained.class_model.predict([normalise(e.text) for e in complaints])
        class_ok = sum(1 for e, p in zip(complaints, classes, strict=True) if str(p) == e.complaint_class)
        class_accuracy = class_ok / len(complaints)
    return type_ok / len(examples), class_accuracy


def accuracy(scores: Sequence[Score]) -> float:
    return sum(s.correct for s in scores) / sum(s.support for s in scores)


__all__ = ["ComplaintClass", "Suggestion", "evaluate_held_out", "suggest"]

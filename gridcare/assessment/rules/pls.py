"""PLS path modelling of a customer-satisfaction survey (issue 14), and the importance-
performance table drawn from it.

``pls_path_model`` is Wold's PLS path modelling with Lohmöller's iteration, computed the way
R's plspm computes it (Sanchez, "PLS Path Modeling with R", 2013; plspm's ``get_weights``),
for reflective (Mode A) blocks:

1. The manifest variables are centred, and with ``scaled=True`` also divided by their
   standard deviation (divisor n, as plspm's ``scaled=TRUE``); ``scaled=False`` keeps them in
   their own units.
2. The outer weights start equal within each block (plspm: 1, scaled to a unit-variance
   score). Each round: the outer estimates Y = XW are standardised (divisor n); the inner
   weights e_ij over the inner model's edges are sign(cor) for "centroid", cor for
   "factorial", and for "path" the regression coefficients of a latent on its predecessors
   and its correlations with its followers; the inner estimates are Z = YE; the new Mode A
   weights of block j are w_j = X_jᵀ Z_j / n.
3. The rounds stop when Σ(|w_old| − |w_new|)² < 1e-6, as plspm's ``tol``; if that has not
   happened after 100 rounds (plspm's ``maxiter``) the model is refused. The final weights
   are scaled so that every latent score has variance 1 (divisor n).
4. Signs, as plspm: a block whose score correlates negatively with the majority of its
   indicators is turned round. Where plspm turns a tied block round whatever its loadings,
   here a tie is settled by the sign of the sum of the loadings; and the weights are turned
   with the score (plspm leaves them), so the scores are always X times the weights.
5. The path coefficients are the OLS regression of each endogenous score on its
   predecessors' scores (with intercept), R² that regression's; total effects are the sums
   over every directed path (Σ Bᵏ); loadings are the correlations of each indicator with its
   block's score, and the AVE of a block the mean of its squared loadings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

TOLERANCE = 1e-6
MAX_ITERATIONS = 100
SCHEMES = ("centroid", "factorial", "path")
MIN_OBSERVATIONS = 3

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class PathModel:
    path_coefficients: dict[tuple[str, str], float]  # (from, to) for every inner-model edge
    r_squared: dict[str, float]  # endogenous latents
    ave: dict[str, float]  # every block: mean squared loading
    total_effects: dict[tuple[str, str], float]  # (from, to) for every pair joined by a directed path
    outer_weights: dict[str, float]  # indicator -> weight on the treated (centred, maybe scaled) data
    loadings: dict[str, float]  # indicator -> correlation with its block's score
    scores: dict[str, tuple[float, ...]]  # latent -> score per observation (mean 0, variance 1)
    iterations: int
    scaled: bool
    scheme: str


class IpmaRow(NamedTuple):
    latent: str
    importance: float  # unstandardised total effect on the target, in 0-100 points per point
    performance: float  # mean of the latent score rescaled to 0-100


def pls_path_model(
    data: Mapping[str, Sequence[float]],
    blocks: Mapping[str, Sequence[str]],
    paths: Sequence[tuple[str, str]],
    *,
    scaled: bool,
    scheme: str = "centroid",
) -> PathModel:
    """Estimate the path model (see the module). ``data``: indicator -> observations;
    ``blocks``: latent -> its indicators (reflective); ``paths``: (from, to) edges of an
    acyclic inner model that touches every latent. Refuses (ValueError, in Chinese) unknown
    indicators or latents, an indicator in two blocks, a cyclic or disconnected inner model,
    unequal or fewer than 3 observations, missing, non-finite or constant values, an unknown
    scheme, and an iteration that does not converge."""
    if scheme not in SCHEMES:
        raise ValueError(f"未知的内部权重方案 {scheme!r}：只能是 centroid、factorial 或 path")
    latents, indicators = _checked_blocks(blocks, data)
    edges = _checked_paths(paths, latents)
    raw = _matrix(data, indicators)
    x = raw - raw.mean(axis=0)
    if scaled:
        x = x / raw.std(axis=0)
    odm = _outer_design(latents, blocks, indicators)
    inner = _inner_design(latents, edges)
    weights, iterations = _outer_weights(x, odm, inner, scheme, latents)
    weights = _signed(x, weights, odm)
    scores = x @ weights
    coefficients, r2 = _inner_model(scores, inner)
    column = {mv: latents.index(lv) for lv in latents for mv in blocks[lv]}
    loadings = {mv: _correlation(raw[:, i], scores[:, column[mv]]) for i, mv in enumerate(indicators)}
    return PathModel(
        path_coefficients={(a, b): float(coefficients[latents.index(b), latents.index(a)]) for a, b in edges},
        r_squared={lv: float(r2[k]) for k, lv in enumerate(latents) if inner[k].any()},
        ave={lv: float(np.mean([loadings[mv] ** 2 for mv in blocks[lv]])) for lv in latents},
        total_effects=_total_effects(coefficients, inner, latents),
        outer_weights={mv: float(weights[i, column[mv]]) for i, mv in enumerate(indicators)},
        loadings=loadings,
        scores={lv: tuple(float(v) for v in scores[:, k]) for k, lv in enumerate(latents)},
        iterations=iterations,
        scaled=scaled,
        scheme=scheme,
    )


def importance_performance(
    model: PathModel,
    target: str,
    data: Mapping[str, Sequence[float]],
    blocks: Mapping[str, Sequence[str]],
    scale_min: float,
    scale_max: float,
) -> list[IpmaRow]:
    """Importance-performance map analysis (IPMA) as Ringle & Sarstedt define it ("Gain more
    insight from your PLS-SEM results: the importance-performance map analysis", Industrial
    Management & Data Systems 116(9), 2016), for every latent with a total effect on ``target``,
    in the order of ``blocks``:

    - every indicator is rescaled from its scale [scale_min, scale_max] to 0-100;
    - the outer weights are unstandardised (divided by the indicator's standard deviation when
      the model was ``scaled``) and normed to sum to 1 within each block, and the rescaled
      latent score is the so weighted sum of the rescaled indicators;
    - performance is the mean rescaled score; importance is the unstandardised total effect on
      the target: the path model re-estimated by OLS on the rescaled scores, its effects summed
      over every path (a one-point gain in the latent moves the target by that many points).

    ``data`` and ``blocks`` must be those the model was estimated from. Refuses (ValueError) an
    unknown target or one without predecessors, a scale with min >= max, values outside the
    scale, and a negative outer weight (IPMA needs all weights >= 0: recode reversed items)."""
    if target not in blocks or target not in model.scores:
        raise ValueError(f"目标潜变量 {target} 不在模型中")
    drivers = [lv for lv in blocks if (lv, target) in model.total_effects]
    if not drivers:
        raise ValueError(f"目标潜变量 {target} 没有前因潜变量，无法做重要性-绩效分析")
    for bound in (scale_min, scale_max):
        if isinstance(bound, bool) or not isinstance(bound, int | float) or not np.isfinite(bound):
            raise ValueError("量表的最小值和最大值必须是有限数值")
    if scale_min >= scale_max:
        raise ValueError("量表的最小值必须小于最大值")
    latents = list(blocks)
    rescaled = {lv: _rescaled_score(model, lv, blocks[lv], data, scale_min, scale_max) for lv in latents}
    design = np.zeros((len(latents), len(latents)), dtype=bool)
    for a, b in model.path_coefficients:
        design[latents.index(b), latents.index(a)] = True
    scores = np.column_stack([rescaled[lv] for lv in latents])
    coefficients, _ = _inner_model(scores, design)
    total = _total_matrix(coefficients)
    t = latents.index(target)
    return [IpmaRow(lv, float(total[t, latents.index(lv)]), float(rescaled[lv].mean())) for lv in drivers]


def _checked_blocks(
    blocks: Mapping[str, Sequence[str]], data: Mapping[str, Sequence[float]]
) -> tuple[list[str], list[str]]:
    if not blocks:
        raise ValueError("至少需要一个潜变量区块")
    owner: dict[str, str] = {}
    for lv, mvs in blocks.items():
        if isinstance(mvs, str) or not mvs:
            raise ValueError(f"潜变量 {lv} 的指标应为非空的指标名列表")
        for mv in mvs:
            if mv not in data:
                raise ValueError(f"潜变量 {lv} 的指标 {mv} 不在数据中")
            if mv in owner:
                raise ValueError(f"指标 {mv} 同时列在潜变量 {owner[mv]} 和 {lv} 中")
            owner[mv] = lv
    return list(blocks), list(owner)


def _checked_paths(paths: Sequence[tuple[str, str]], latents: list[str]) -> list[tuple[str, str]]:
    edges: list[tuple[str, str]] = []
    for path in paths:
        if not isinstance(path, tuple | list) or len(path) != 2:
            raise ValueError("路径应为（起点, 终点）两个潜变量名")
        a, b = path
        for lv in (a, b):
            if lv not in latents:
                raise ValueError(f"路径 {a} → {b} 中的潜变量 {lv} 未定义")
        if a == b:
            raise ValueError(f"路径 {a} → {b} 指向自身")
        if (a, b) in edges:
            raise ValueError(f"路径 {a} → {b} 重复")
        edges.append((a, b))
    touched = {lv for edge in edges for lv in edge}
    lonely = [lv for lv in latents if lv not in touched]
    if lonely:
        raise ValueError(f"潜变量 {'、'.join(lonely)} 不在任何路径上")
    cyclic = _on_cycles(latents, edges)
    if cyclic:
        raise ValueError(f"内部模型有环，涉及潜变量 {'、'.join(cyclic)}")
    return edges


def _on_cycles(latents: list[str], edges: list[tuple[str, str]]) -> list[str]:
    """Latents left after repeatedly removing those with no incoming edge (Kahn): empty for
    an acyclic model, otherwise the cycles and what hangs on them downstream."""
    left = set(latents)
    while True:
        sources = {lv for lv in left if not any(b == lv and a in left for a, b in edges)}
        if not sources:
            return [lv for lv in latents if lv in left]
        left -= sources


def _matrix(data: Mapping[str, Sequence[float]], indicators: list[str]) -> Matrix:
    columns = []
    for mv in indicators:
        values = data[mv]
        if isinstance(values, str) or any(isinstance(v, bool | str) for v in values):
            raise ValueError(f"指标 {mv} 含有非数值")
        try:
            column = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"指标 {mv} 含有非数值") from None
        if column.ndim != 1 or not np.isfinite(column).all():
            raise ValueError(f"指标 {mv} 含有缺失或非有限值")
        columns.append(column)
    if len({len(c) for c in columns}) > 1:
        raise ValueError("各指标的观测数不一致")
    if len(columns[0]) < MIN_OBSERVATIONS:
        raise ValueError(f"观测数少于 {MIN_OBSERVATIONS}，无法估计")
    x = np.column_stack(columns)
    for i, mv in enumerate(indicators):
        if x[:, i].std() == 0:
            raise ValueError(f"指标 {mv} 是常数，无法估计")
    return x


def _outer_design(latents: list[str], blocks: Mapping[str, Sequence[str]], indicators: list[str]) -> Matrix:
    odm = np.zeros((len(indicators), len(latents)))
    for k, lv in enumerate(latents):
        for mv in blocks[lv]:
            odm[indicators.index(mv), k] = 1.0
    return odm


def _inner_design(latents: list[str], edges: list[tuple[str, str]]) -> NDArray[np.bool_]:
    """plspm's path matrix: [i, j] is set when latent j points at latent i."""
    inner = np.zeros((len(latents), len(latents)), dtype=bool)
    for a, b in edges:
        inner[latents.index(b), latents.index(a)] = True
    return inner


def _spread(y: Matrix, latents: list[str]) -> Matrix:
    """Standard deviations (divisor n) of the latent scores, refusing a score that does not vary."""
    sd = np.asarray(y.std(axis=0), dtype=np.float64)
    flat = [lv for lv, s in zip(latents, sd, strict=True) if not s > 1e-12]
    if flat:
        raise ValueError(f"潜变量 {'、'.join(flat)} 的得分没有变化（指标相互抵消），无法估计")
    return sd


def _outer_weights(
    x: Matrix, odm: Matrix, inner: NDArray[np.bool_], scheme: str, latents: list[str]
) -> tuple[Matrix, int]:
    n = x.shape[0]
    weights = odm / _spread(x @ odm, latents)
    old = weights.sum(axis=1)
    for iteration in range(1, MAX_ITERATIONS + 1):
        y = x @ weights
        y = (y - y.mean(axis=0)) / _spread(y, latents)
        z = y @ _inner_weights(y, inner, scheme)
        weights = odm * (x.T @ z) / n
        new = weights.sum(axis=1)
        if np.sum((np.abs(old) - np.abs(new)) ** 2) < TOLERANCE:
            return weights / _spread(x @ weights, latents), iteration
        old = new
    raise ValueError(f"外部权重迭代 {MAX_ITERATIONS} 次仍未收敛（容差 {TOLERANCE}）")


def _inner_weights(y: Matrix, inner: NDArray[np.bool_], scheme: str) -> Matrix:
    """E[i, j]: the weight of latent i in the inner estimate of latent j."""
    adjacent = inner | inner.T
    correlations = np.asarray(np.corrcoef(y, rowvar=False), dtype=np.float64)
    if scheme == "centroid":
        return np.where(adjacent, np.sign(correlations), 0.0)
    if scheme == "factorial":
        return np.where(adjacent, correlations, 0.0)
    e = np.zeros_like(correlations)
    for j in range(inner.shape[0]):
        followers = inner[:, j]
        e[followers, j] = correlations[followers, j]
        predecessors = inner[j, :]
        if predecessors.any():
            e[predecessors, j] = np.linalg.lstsq(y[:, predecessors], y[:, j], rcond=None)[0]
    return e


def _signed(x: Matrix, weights: Matrix, odm: Matrix) -> Matrix:
    scores = x @ weights
    signs = np.ones(weights.shape[1])
    for k in range(weights.shape[1]):
        block = odm[:, k] > 0
        loadings = np.array([_correlation(x[:, i], scores[:, k]) for i in np.flatnonzero(block)])
        majority = np.sign(np.sign(loadings).sum())
        if majority < 0 or (majority == 0 and loadings.sum() < 0):
            signs[k] = -1.0
    return weights * signs


def _inner_model(scores: Matrix, inner: NDArray[np.bool_]) -> tuple[Matrix, Matrix]:
    """B[i, j]: the OLS coefficient of score j in the regression of score i on its
    predecessors (with intercept); R² per latent (0 for the exogenous)."""
    size = inner.shape[0]
    b = np.zeros((size, size))
    r2 = np.zeros(size)
    for i in range(size):
        predecessors = inner[i, :]
        if not predecessors.any():
            continue
        design = np.column_stack([np.ones(scores.shape[0]), scores[:, predecessors]])
        target = scores[:, i]
        fit = np.linalg.lstsq(design, target, rcond=None)[0]
        b[i, predecessors] = fit[1:]
        residual = target - design @ fit
        r2[i] = 1 - float(residual @ residual) / float(((target - target.mean()) ** 2).sum())
    return b, r2


def _total_matrix(b: Matrix) -> Matrix:
    """Σ Bᵏ over k >= 1, which for an acyclic model is (I − B)⁻¹ − I."""
    identity = np.eye(b.shape[0])
    return np.asarray(np.linalg.inv(identity - b) - identity, dtype=np.float64)


def _total_effects(b: Matrix, inner: NDArray[np.bool_], latents: list[str]) -> dict[tuple[str, str], float]:
    total = _total_matrix(b)
    reach = inner.copy()
    for _ in range(len(latents)):
        reach = reach | ((reach.astype(int) @ inner.astype(int)) > 0)
    return {
        (latents[j], latents[i]): float(total[i, j])
        for j in range(len(latents))
        for i in range(len(latents))
        if reach[i, j]
    }


def _correlation(a: Matrix, b: Matrix) -> float:
    return float(np.asarray(np.corrcoef(a, b), dtype=np.float64)[0, 1])


def _rescaled_score(
    model: PathModel,
    latent: str,
    indicators: Sequence[str],
    data: Mapping[str, Sequence[float]],
    low: float,
    high: float,
) -> Matrix:
    count = len(model.scores[latent])
    weights, columns = [], []
    for mv in indicators:
        if mv not in model.outer_weights or mv not in data:
            raise ValueError(f"指标 {mv} 不在模型或数据中")
        try:
            x = np.asarray(data[mv], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"指标 {mv} 含有非数值") from None
        if x.shape != (count,):
            raise ValueError(f"指标 {mv} 的观测数与模型不一致")
        if not np.isfinite(x).all() or x.min() < low or x.max() > high:
            raise ValueError(f"指标 {mv} 有超出量表 [{low}, {high}] 的值")
        weight = model.outer_weights[mv] / x.std() if model.scaled else model.outer_weights[mv]
        if weight < 0:
            raise ValueError(f"指标 {mv} 的外部权重为负，不能做重要性-绩效分析（请先把反向题重新编码）")
        weights.append(weight)
        columns.append((x - low) / (high - low) * 100)
    normed = np.asarray(weights) / sum(weights)
    score = np.column_stack(columns) @ normed
    if abs(_correlation(score, np.asarray(model.scores[latent])) - 1) > 1e-6:
        raise ValueError(f"潜变量 {latent} 的数据与模型估计时的数据不一致")
    return np.asarray(score, dtype=np.float64)

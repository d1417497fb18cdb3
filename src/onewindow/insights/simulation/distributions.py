"""Service-time distributions: exponential, lognormal (mean and coefficient of variation) and empirical."""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceTime:
    """kind: "exponential" | "lognormal" | "empirical" | "fixed". Minutes."""

    kind: str = "exponential"
    mean: float = 6.0
    cv: float = 1.0  # lognormal only
    samples: tuple[float, ...] = field(default=(), repr=False)  # empirical only

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown service-time kind {self.kind!r}")
        if self.kind == "empirical":
            if not self.samples:
                raise ValueError("an empirical distribution needs samples")
            object.__setattr__(self, "samples", tuple(sorted(max(0.0, s) for s in self.samples)))
            object.__setattr__(self, "mean", sum(self.samples) / len(self.samples))
        elif self.mean <= 0:
            raise ValueError("the mean service time must be positive")

    def sample(self, rng: random.Random) -> float:
        if self.kind == "exponential":
            return rng.expovariate(1.0 / self.mean)
        if self.kind == "lognormal":
            sigma2 = math.log(1.0 + self.cv * self.cv)
            mu = math.log(self.mean) - sigma2 / 2.0
            return rng.lognormvariate(mu, math.sqrt(sigma2))
        if self.kind == "empirical":
            return self.samples[rng.randrange(len(self.samples))]
        return self.mean

    def describe(self) -> dict:
        data: dict = {"kind": self.kind, "mean": round(self.mean, 3)}
        if self.kind == "lognormal":
            data["cv"] = self.cv
        if self.kind == "empirical":
            data["n"] = len(self.samples)
            data["p90"] = round(quantile(self.samples, 0.9), 3)
        return data


KINDS = ("exponential", "lognormal", "empirical", "fixed")


def quantile(sorted_values: list[float] | tuple[float, ...], q: float) -> float:
    """Linear-interpolated quantile of an already sorted sequence (0.0 for an empty one)."""
    n = len(sorted_values)
    if n == 0:
        return 0.0
    pos = (n - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, n - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def share_above(sorted_values: list[float], threshold: float) -> float:
    if not sorted_values:
        return 0.0
    return (len(sorted_values) - bisect.bisect_right(sorted_values, threshold)) / len(sorted_values)


def fit_service_time(samples: list[float], kind: str = "empirical") -> ServiceTime:
    """Fit a distribution to recorded service times (minutes)."""
    values = [s for s in samples if s >= 0]
    if not values:
        raise ValueError("no recorded service times")
    mean = sum(values) / len(values)
    if kind == "empirical":
        return ServiceTime("empirical", samples=tuple(values))
    if kind == "lognormal":
        var = sum((v - mean) ** 2 for v in values) / max(1, len(values) - 1)
        return ServiceTime("lognormal", mean=max(mean, 0.01), cv=max(0.05, math.sqrt(var) / max(mean, 0.01)))
    return ServiceTime(kind, mean=max(mean, 0.01))

"""Erlang C (M/M/c) formulas: probability of waiting, mean wait, service level and the servers needed.

Computed through the Erlang B recursion, which stays stable for hundreds of servers:
B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)); C(c, a) = c·B / (c − a·(1 − B)).
Times are in minutes unless a name says otherwise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


def erlang_b(servers: int, load: float) -> float:
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """C(c, a): the probability that an arrival waits. 1.0 when the system is overloaded (a ≥ c)."""
    if servers <= 0 or load >= servers:
        return 1.0
    if load <= 0:
        return 0.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


@dataclass(frozen=True)
class ErlangC:
    arrivals_per_hour: float
    service_minutes: float
    servers: int
    load: float  # offered load a = λ/μ (Erlangs)
    utilisation: float  # ρ = a/c
    stable: bool
    p_wait: float  # C(c, a)
    mean_wait_minutes: float  # Wq (inf when unstable)
    p90_wait_minutes: float  # 90th percentile of the waiting time (0 when fewer than 10% wait)
    service_level: float  # P(wait ≤ target)
    target_minutes: float

    def as_dict(self) -> dict:
        data = asdict(self)
        for key in ("mean_wait_minutes", "p90_wait_minutes"):
            if math.isinf(data[key]):
                data[key] = None
        return data


def wait_quantile(servers: int, arrivals_per_minute: float, service_minutes: float, q: float) -> float:
    """The q-quantile of the waiting time in M/M/c: W > t with probability C·exp(−(cμ − λ)t)."""
    load = arrivals_per_minute * service_minutes
    if load >= servers:
        return math.inf
    c_prob = erlang_c(servers, load)
    tail = 1.0 - q
    if c_prob <= tail:
        return 0.0
    rate = servers / service_minutes - arrivals_per_minute
    return math.log(c_prob / tail) / rate


def erlang_c_metrics(*, arrivals_per_hour: float, service_minutes: float, servers: int,
                     target_minutes: float = 10.0) -> ErlangC:
    if arrivals_per_hour < 0 or service_minutes <= 0 or servers < 1:
        raise ValueError("arrivals_per_hour ≥ 0, service_minutes > 0 and servers ≥ 1 are required")
    lam = arrivals_per_hour / 60.0
    load = lam * service_minutes
    stable = load < servers
    c_prob = erlang_c(servers, load)
    if stable:
        rate = servers / service_minutes - lam
        wq = c_prob / rate
        p90 = wait_quantile(servers, lam, service_minutes, 0.9)
        level = 1.0 - c_prob * math.exp(-rate * target_minutes)
    else:
        wq, p90, level = math.inf, math.inf, 0.0
    return ErlangC(arrivals_per_hour=arrivals_per_hour, service_minutes=service_minutes, servers=servers,
                   load=load, utilisation=load / servers, stable=stable, p_wait=c_prob, mean_wait_minutes=wq,
                   p90_wait_minutes=p90, service_level=level, target_minutes=target_minutes)


def servers_needed(*, arrivals_per_hour: float, service_minutes: float, target_p90_minutes: float = 10.0,
                   max_servers: int = 200) -> int:
    """The fewest servers whose M/M/c p90 wait meets the target (0 when there is no demand)."""
    if arrivals_per_hour <= 0:
        return 0
    lam = arrivals_per_hour / 60.0
    c = max(1, math.floor(lam * service_minutes) + 1)
    while c < max_servers and wait_quantile(c, lam, service_minutes, 0.9) > target_p90_minutes:
        c += 1
    return c

"""A brute-force reference: the birth–death chain of the queue, solved numerically.

Independent of the engine's closed forms: stationary probabilities come from the balance
equations (in log space), the wait of an arriving call from the absorbing chain of its
position in the queue (a matrix exponential), as in any queueing textbook.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import expm
from scipy.stats import poisson


@dataclass(frozen=True)
class Reference:
    prob_wait: float
    service_level: float
    prob_abandon: float
    asa_s: float


def _stationary(n: int, lam: float, mu: float, theta: float, states: int) -> np.ndarray:
    k = np.arange(1, states + 1)
    deaths = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    logp = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(deaths))])
    p = np.exp(logp - logp.max())
    return p / p.sum()


def erlang_c_chain(
    n: int, calls: float, interval_s: float, aht_s: float, answer_s: float
) -> Reference:
    lam, mu = calls / interval_s, 1 / aht_s
    states = int(n + 200 + 60 * np.sqrt(n))
    p = _stationary(n, lam, mu, 0.0, states)
    queue = p[n:]
    j = np.arange(len(queue))
    # A call finding j waiting is answered after j + 1 completions at rate nμ.
    in_time = poisson.sf(j, n * mu * answer_s)
    waits = (j + 1) / (n * mu)
    return Reference(
        prob_wait=float(queue.sum()),
        service_level=float(1 - queue.sum() + queue @ in_time),
        prob_abandon=0.0,
        asa_s=float(queue @ waits),
    )


def erlang_a_chain(
    n: int, calls: float, interval_s: float, aht_s: float, answer_s: float, patience_s: float
) -> Reference:
    lam, mu, theta = calls / interval_s, 1 / aht_s, 1 / patience_s
    extra = max(lam / theta - n * mu / theta, 0.0)
    states = int(n + 80 + 3 * extra + 12 * np.sqrt(n + lam / theta))
    p = _stationary(n, lam, mu, theta, states)
    w = p[n:]
    pw = w.sum()
    ahead = len(w)
    # Absorbing chain of a waiting call: i calls ahead (0…ahead−1), then served or abandoned.
    served, gone = ahead, ahead + 1
    q = np.zeros((ahead + 2, ahead + 2))
    for i in range(ahead):
        if i:
            q[i, i - 1] = n * mu + i * theta
        else:
            q[i, served] = n * mu
        q[i, gone] = theta
        q[i, i] = -q[i].sum()
    start = w / pw
    served_in_time = start @ expm(q * answer_s)[:ahead, served]
    i = np.arange(ahead)
    p_served = n * mu / (n * mu + (i + 1) * theta)
    stage = 1 / (n * mu + (i + 1) * theta)
    mean_wait = np.cumsum(stage)
    prob_abandon = pw * (start @ (1 - p_served))
    asa = pw * (start @ (p_served * mean_wait)) / (1 - prob_abandon)
    return Reference(
        prob_wait=float(pw),
        service_level=float(1 - pw + pw * served_in_time),
        prob_abandon=float(prob_abandon),
        asa_s=float(asa),
    )

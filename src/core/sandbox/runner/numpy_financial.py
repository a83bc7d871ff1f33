# SPDX-License-Identifier: GPL-3.0-or-later
"""A small pure-numpy stand-in for numpy-financial (Debian 12 does not package it).

Same names, argument order and sign conventions as numpy_financial 1.0:
money paid out is negative, `when` is 'end' (0) or 'begin' (1).
"""
import numpy as np

__all__ = ["fv", "pmt", "nper", "ipmt", "ppmt", "pv", "rate", "irr", "npv", "mirr"]

_WHEN = {"end": 0, "begin": 1, "e": 0, "b": 1, 0: 0, 1: 1, "finish": 0, "start": 1}


def _when(when):
    if isinstance(when, np.ndarray):
        return when
    try:
        return _WHEN[when]
    except (KeyError, TypeError):
        return np.array([_WHEN[x] for x in when])


def _scalar(x):
    x = np.asarray(x)
    return x.item() if x.ndim == 0 else x


def fv(rate, nper, pmt, pv, when="end"):
    when = _when(when)
    rate, nper, pmt, pv, when = np.broadcast_arrays(
        *[np.asarray(a, dtype=float) for a in (rate, nper, pmt, pv, when)])
    out = np.empty_like(rate)
    zero = rate == 0
    out[zero] = -(pv[zero] + pmt[zero] * nper[zero])
    r = rate[~zero]
    t = (1 + r) ** nper[~zero]
    out[~zero] = (-pv[~zero] * t - pmt[~zero] * (1 + r * when[~zero]) / r * (t - 1))
    return _scalar(out)


def pmt(rate, nper, pv, fv=0, when="end"):
    when = _when(when)
    rate, nper, pv, fv, when = np.broadcast_arrays(
        *[np.asarray(a, dtype=float) for a in (rate, nper, pv, fv, when)])
    temp = (1 + rate) ** nper
    mask = rate == 0
    masked_rate = np.where(mask, 1.0, rate)
    fact = np.where(mask, nper, (1 + masked_rate * when) * (temp - 1) / masked_rate)
    return _scalar(-(fv + pv * temp) / fact)


def nper(rate, pmt, pv, fv=0, when="end"):
    when = _when(when)
    rate, pmt, pv, fv, when = np.broadcast_arrays(
        *[np.asarray(a, dtype=float) for a in (rate, pmt, pv, fv, when)])
    out = np.empty_like(rate)
    zero = rate == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out[zero] = -(fv[zero] + pv[zero]) / pmt[zero]
        r = rate[~zero]
        z = pmt[~zero] * (1 + r * when[~zero]) / r
        out[~zero] = np.log((-fv[~zero] + z) / (pv[~zero] + z)) / np.log(1 + r)
    return _scalar(out)


def ipmt(rate, per, nper, pv, fv=0, when="end"):
    when = _when(when)
    rate, per, nper, pv, fv, when = np.broadcast_arrays(
        *[np.asarray(a, dtype=float) for a in (rate, per, nper, pv, fv, when)])
    total = np.asarray(pmt(rate, nper, pv, fv, when), dtype=float)
    ip = _rbl(rate, per, total, pv, when) * rate
    # Paid at the beginning: there is no interest in the first period, and the
    # rest is discounted by one period.
    ip = np.where((when == 1) & (per == 1), 0.0, ip)
    ip = np.where((when == 1) & (per > 1), ip / (1 + rate), ip)
    ip = np.where((per < 1) | (per > nper), np.nan, ip)
    return _scalar(ip)


def _rbl(rate, per, pmt_, pv, when):
    return np.asarray(fv(rate, per - 1, pmt_, pv, when), dtype=float)


def ppmt(rate, per, nper, pv, fv=0, when="end"):
    total = pmt(rate, nper, pv, fv, when)
    return _scalar(np.asarray(total) - np.asarray(ipmt(rate, per, nper, pv, fv, when)))


def pv(rate, nper, pmt, fv=0, when="end"):
    when = _when(when)
    rate, nper, pmt, fv, when = np.broadcast_arrays(
        *[np.asarray(a, dtype=float) for a in (rate, nper, pmt, fv, when)])
    temp = (1 + rate) ** nper
    mask = rate == 0
    masked_rate = np.where(mask, 1.0, rate)
    fact = np.where(mask, nper, (1 + masked_rate * when) * (temp - 1) / masked_rate)
    return _scalar(-(fv + pmt * fact) / temp)


def rate(nper, pmt, pv, fv, when="end", guess=None, tol=None, maxiter=100):
    """Newton iteration, like numpy_financial.rate; NaN when it does not converge."""
    when = _when(when)
    guess = 0.1 if guess is None else guess
    tol = 1e-6 if tol is None else tol
    nper, pmt, pv, fv, when = np.broadcast_arrays(
        *[np.asarray(a, dtype=float) for a in (nper, pmt, pv, fv, when)])
    rn = np.full_like(nper, guess, dtype=float)
    for _ in range(maxiter):
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = (rn + 1) ** nper
            t2 = (rn + 1) ** (nper - 1)
            g = fv + t1 * pv + pmt * (t1 - 1) * (rn * when + 1) / rn
            gp = (nper * t2 * pv - pmt * (t1 - 1) * (rn * when + 1) / (rn ** 2)
                  + nper * pmt * t2 * (rn * when + 1) / rn + pmt * (t1 - 1) * when / rn)
            step = g / gp
        rnp1 = rn - step
        if np.all(np.abs(rnp1 - rn) < tol):
            return _scalar(rnp1)
        rn = rnp1
    return _scalar(np.full_like(rn, np.nan))


def npv(rate, values):
    values = np.atleast_2d(np.asarray(values, dtype=float))
    rate = np.atleast_1d(np.asarray(rate, dtype=float))
    t = np.arange(values.shape[1])
    res = (values[None, :, :] / (1 + rate[:, None, None]) ** t).sum(axis=2)
    res = res.squeeze()
    return res.item() if res.ndim == 0 else res


def irr(values, guess=None, tol=1e-12, maxiter=100):
    """The internal rate of return; NaN when no real rate exists."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    if values.ndim != 1:
        raise ValueError("Cashflows must be a rank-1 array")
    same_sign = np.all(values > 0) if values[0] > 0 else np.all(values < 0)
    if same_sign:
        return np.nan
    # Roots of the polynomial in 1/(1+r); keep the real, positive ones.
    roots = np.roots(values[::-1])
    roots = roots[np.isreal(roots)].real
    roots = roots[roots > 0]
    if roots.size == 0:
        return np.nan
    rates = 1.0 / roots - 1.0
    g = 0.1 if guess is None else guess
    return float(rates[np.argmin(np.abs(rates - g))])


def mirr(values, finance_rate, reinvest_rate, *, raise_exceptions=False):
    values = np.asarray(values, dtype=float)
    n = values.size
    pos = values > 0
    neg = values < 0
    if not (pos.any() and neg.any()):
        if raise_exceptions:
            raise ValueError("mirr needs at least one positive and one negative value")
        return np.nan
    numer = np.abs(npv(reinvest_rate, values * pos))
    denom = np.abs(npv(finance_rate, values * neg))
    return float((numer / denom) ** (1 / (n - 1)) * (1 + reinvest_rate) - 1)

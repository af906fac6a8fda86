"""An independent synthetic transaction generator for evaluating AML detectors (``ntdc aml-gen``).

Why it exists
=============
Our only labelled data set is IBM AMLSim. A detector tuned on one generator can be tuned to that
generator's quirks, so this module writes a second, unrelated data set. It was written from the
published typology descriptions only (Oztas et al. 2023, SAML-D; Altman et al. 2023, IBM AMLworld;
the FATF and Taiwanese money-mule typologies) and from how real customers behave. It was written
without looking at the detectors, their parameters, or any AMLSim data. Every parameter below was
chosen before any output was looked at, and none was tuned afterwards. The volume rates and
instance counts were set up front to meet the size brief (80-150k transfers and 3-6 % laundering
accounts for 10,000 accounts).

Output (read by ``ntdc aml-eval --data DIR``)
---------------------------------------------
``transactions.csv`` (``tx_id,timestamp,sender,receiver,amount_ntd``, in time order),
``accounts.csv`` (``account,is_laundering,initial_balance_ntd,pattern``) and ``README.md``.
Account ids are ``G`` followed by six digits and are a random permutation, so the id says nothing
about the kind of account. Same seed and sizes give the same bytes. Only ``random.Random(seed)`` is
used, there is no wall clock, and strings are never iterated in hash order.

Calendar and clock
------------------
* The window starts 2026-01-01T00:00Z. People live in Taiwan (UTC+8), so every "human" time is
  drawn from a local diurnal profile: a low from 01:00 to 06:00, a lunch peak, and the highest
  activity from 19:00 to 22:00. Businesses pay on business days between 09:00 and 17:30. Weekends
  and the 2026 holidays (1 Jan, Lunar New Year 16-20 Feb, 27 Feb for Peace Memorial Day) are not
  business days. Payments due on a non-business day move to the business day before, as Taiwanese
  payroll does. Retail is 30 % busier at weekends and 50 % busier in the week before Lunar New Year.
* Scammers and their mules work at any hour. Their forwarding delays are drawn per instance, from
  minutes to weeks.

Normal population (shares of the accounts; heavy-tailed activity)
-----------------------------------------------------------------
* Individuals are about 91 % of accounts. 3 % of them never transact (opened and forgotten), 12 %
  are "quiet" (activity multiplier 0.03-0.25, no salary), and 7 % are a person's second "own"
  account (savings or a second bank). The remaining "persons" have an activity multiplier drawn
  from lognormal(-0.25, 0.9). That gives a Gini around 0.5: a few people use the ledger daily and
  most use it a few times a month.
* 62 % of persons are employees. Employers are corporates, suppliers and 40 % of merchants. Their
  staff sizes follow a Pareto distribution (alpha 1.1): a few employers pay hundreds of people in
  one batch of about 20 minutes, which is a natural fan-out. The median salary is NT$42,000 with
  lognormal sigma 0.35, and no salary is below the 2026 minimum wage of NT$29,500. Payday is the
  5th, 10th, 15th, 25th or the last day of the month. 65 % of employers pay a year-end bonus of
  0.5-3 months' salary in the fortnight before Lunar New Year, a large benign fan-out.
* Merchants take retail payments: convenience stores (median NT$140), restaurants (450),
  retail (1,200), online shops (850), pharmacies (550), electronics (7,500), travel (22,000) and
  luxury goods (38,000). Popularity follows a Zipf law, so the biggest shops have a fan-in of
  thousands. People are loyal: 60 % of their purchases go to 3-8 regular shops. 1 % of purchases
  are refunded 1-14 days later. 60 % of merchants are sole traders and sweep 40-80 % of each
  week's takings to the owner's personal account.
* 2.5 % of persons sell online from a personal account: many small inflows from strangers, then
  a weekly sweep to their own second account. This is a benign fan-in followed by a quick
  onward transfer.
* 0.6 % of persons run neighbourhood group buys (團購主). Every 1-3 weeks, 5-25 neighbours send
  NT$150-3,000, and the organiser pays a supplier or merchant about the total within 1-3 days.
* Bill payment: power (bimonthly, median NT$1,600), water (bimonthly, 450), telecom (799), credit
  card (11,000, sigma 1.0) and insurance (4,500). 70 % of payments go through one of a few
  aggregators (convenience-store or e-payment collection). Each aggregator settles to the billers
  daily, twice weekly or weekly, for the exact sum less a 0.2-1 % fee. Aggregators are therefore
  natural gather-scatter hubs, and the single power company has an enormous fan-in.
* Rent: 20 % of persons are tenants and pay on the 1st-5th of the month (10 % pay late). The rent
  has a median of NT$14,000, is rounded to NT$500 and lies between NT$5,000 and NT$80,000. It goes
  to a private landlord with 1-5 tenants or to a property manager with dozens (a fan-in).
* P2P: friend groups of 3-9. Small transfers have a median of NT$500, mostly rounded to NT$100.
  2 % are loans of NT$10,000-200,000 that are repaid weeks later (a benign two-account round
  trip). 25 % of persons send a family allowance or support of NT$3,000-30,000 every month.
* In the week before Lunar New Year, 20 % of persons send 1-5 red envelopes in auspicious round
  amounts such as 1,200, 2,000, 3,600, 6,600 or 8,800 (a small round-amount fan-out).
* Own accounts: after payday, the owner moves 15-50 % of the salary, rounded to NT$1,000, to the
  second account. In 35 % of months they move some back.
* Securities: 5 % of persons trade. Purchases are paid to a broker, and sales are paid back by
  the broker two business days (T+2) after the trade (odd amounts, median NT$60,000). The broker
  is a huge benign hub with money going both ways.
* Businesses pay 1-4 suppliers weekly, fortnightly or monthly. Amounts are lognormal around a
  per-relationship mean, and 5 % VAT is added to an amount rounded to NT$100. Businesses pay VAT
  to the government on the 15th of odd months.
* Large legitimate purchases (all ≥ NT$500,000 except deposits): 1.2 % of persons buy a car (a
  deposit, then NT$500,000-2,000,000 a few weeks later) and 0.5 % pay a property down payment of
  NT$500,000-5,000,000. Before paying, they often draw on their own savings account or receive
  money from 1-4 relatives (a benign fan-in followed by one large outflow).
* 4 % of persons pay tuition (NT$22,000-62,000) before the spring semester.
* Dormant accounts: about 4 % of persons (none of them employees) do nothing until a day
  40-85 % of the way through the window. 35 % of them then receive a lump sum (an inheritance
  or a land sale, NT$200,000-3,000,000) and pass part of it to relatives or spend it. This is a
  benign behavioural change.

Laundering (14 typologies; instance counts per 10,000 accounts, scaled, at least one each)
------------------------------------------------------------------------------------------
Members are drawn from a mix of ordinary persons (they keep their normal activity, so mules are
not simply the busiest accounts), quiet accounts, and small businesses (shells or fronts). 4 % of
role picks reuse an account already laundering (professional mules), so the ``pattern`` column can
hold several names. Proceeds enter at the start accounts as pre-existing balance (the cash was
placed before the window). Only participants are labelled. Fraud victims, and the merchants or
dealers where proceeds are spent, are normal. Each instance draws its own amount style:
exact, rounded to NT$100, or rounded to NT$1,000/10,000.

* ``fraud_mule`` (10; FATF / Taiwan 165 anti-fraud). 1-3 rented mule accounts each collect money
  from victims of an investment, shopping, impersonation or romance scam over 1-6 days.
  Investment victims pay 1-5 escalating instalments with a median of NT$80,000. Shopping-scam
  victims pay NT$1,000-30,000 and there are many of them. Impersonation victims pay a median of
  NT$300,000, up to 5M. Each mule forwards within minutes to hours (median 20 min), either
  receipt by receipt or in sweeps, and half of them split the money into chunks of ≤ NT$50,000
  (the Taiwanese limit for transfers to a non-designated account). The money goes to 1-2
  second-layer accounts, which sweep to a cash-out or exit account. 35 % of rings share an
  existing exit account.
* ``fan_out`` (6; AMLworld, SAML-D): NT$200,000-5,000,000 is split across 3-12 mules, either in a
  burst of a few hours or spread over up to a week. 60 % of the recipients then spend 50-95 % on
  luxury goods, cars or property within 1-20 days (integration).
* ``fan_in`` (6): 3-12 senders each make 1-3 transfers around an instance median of
  NT$20,000-400,000, over 6 hours to 10 days, to a collector. The collector then buys property or
  a car, or passes the money to an exit account.
* ``scatter_gather`` (6): a source sends NT$300,000-5,000,000 to 3-10 intermediaries, which each
  keep 1-5 % and forward to one destination. The per-instance hop delay is about 30 minutes, 6
  hours or 2 days.
* ``gather_scatter`` (5): 3-8 sources send to a hub over up to a week. 1 hour to 3 days later, the
  hub scatters 90-99 % of the total to 3-8 destinations.
* ``cycle`` (10; round-tripping): 3-8 accounts pass NT$100,000-3,000,000 round a loop, losing a
  0-3 % fee per hop. The hop delay is minutes, hours or days, and 30 % of loops run 2-3 times.
* ``stacked_bipartite`` (4; layered fan-out and fan-in): 3-4 layers of 2-5 accounts. Each account
  splits what it received among 1-3 accounts of the next layer, hours or days later.
* ``structuring`` (10): one person breaks NT$1,200,000-6,000,000 into 3-16 transfers just under
  the NT$500,000 cash-transaction-report threshold (the band 450,000-499,999, favourite round
  figures such as 490,000, or the wider band 300,000-499,999). There are 1-3 transfers a day to
  1-3 receiving accounts (their own or associates').
* ``smurfing`` (5): 4-14 smurfs each make 1-4 transfers into one collector within 1-14 days. The
  per-instance band is 350,000-499,999, 100,000-300,000 or 10,000-100,000.
* ``pass_through`` (8): over 2-8 weeks, a mule receives 3-14 large amounts (instance median
  NT$100,000-2,000,000) and forwards 98-100 % within minutes to hours, keeping a near-zero balance.
* ``behavioural_change`` (10): a long-quiet, low-activity person sells the account. Its ordinary
  activity stops at the takeover, 45-80 % of the way through the window. From then on it either
  collects scam victims' money (NT$5,000-1,000,000) and forwards it to 1-2 collectors, or relays
  NT$200,000-3,000,000 of layering transfers.
* ``single_large`` (12): one transfer of NT$1,000,000-5,000,000 between two accounts, half of them
  businesses, sometimes followed by a property purchase. It is hard to tell apart from a
  legitimate large purchase.
* ``over_invoicing`` (6; trade-based): a complicit, otherwise ordinary business pays 4-12 inflated
  invoices (VAT-style amounts, median NT$150,000-900,000, on business days, 5-14 days apart) to a
  colluding supplier. The supplier passes 70-95 % to 1-3 individuals within 1-10 days. Every
  transfer looks like normal B2B trade.
* ``low_and_slow`` (5; AMLworld "random", hidden in ordinary amounts): 4-9 mostly ordinary
  people pass NT$100,000-600,000 among themselves in 15-45 P2P-sized hops (NT$1,000-45,000, at
  human hours, over 3-10 weeks) and spend some of it at shops. No single account looks unusual.

Balances: the generator applies all transfers in time order and gives each account a realistic
opening balance plus whatever it needs so that no balance ever goes negative. It then replays
the file to check this.
"""

from __future__ import annotations

import bisect
import calendar
import csv
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

GENERATOR_VERSION = "amlgen 1.0"
START = datetime(2026, 1, 1, tzinfo=UTC)
DAY = 86_400
HOUR = 3_600
MINUTE = 60
TZ_OFFSET = 8 * HOUR  # Taiwan: UTC+8
REPORT_THRESHOLD = 500_000  # NT$ cash-transaction report threshold
CHUNK_LIMIT = 50_000  # NT$ per transfer to a non-designated account (Taiwan online banking)
ACCOUNT_PREFIX = "G"
MAX_LAUNDER_AMOUNT = 5_000_000

PATTERNS: tuple[str, ...] = (
    "fraud_mule", "fan_out", "fan_in", "scatter_gather", "gather_scatter", "cycle",
    "stacked_bipartite", "structuring", "smurfing", "pass_through", "behavioural_change",
    "single_large", "over_invoicing", "low_and_slow",
)
# Instances per 10,000 accounts (scaled with the size; at least one of each).
_INSTANCES_PER_10K: dict[str, int] = {
    "fraud_mule": 10, "fan_out": 6, "fan_in": 6, "scatter_gather": 6, "gather_scatter": 5,
    "cycle": 10, "stacked_bipartite": 4, "structuring": 10, "smurfing": 5, "pass_through": 8,
    "behavioural_change": 10, "single_large": 12, "over_invoicing": 6, "low_and_slow": 5,
}

# 2026 holidays in Taiwan that fall on weekdays inside a 90-day window from 1 January.
_HOLIDAYS = frozenset({
    date(2026, 1, 1), date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18),
    date(2026, 2, 19), date(2026, 2, 20), date(2026, 2, 27),
})
_LUNAR_NEW_YEAR = date(2026, 2, 17)

# Local (UTC+8) hour-of-day weights for people and for businesses.
_PERSON_HOURS = (0.4, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.0, 2.4, 2.6, 2.8,
                 3.4, 3.0, 2.6, 2.5, 2.5, 2.7, 3.0, 3.4, 3.6, 3.4, 2.6, 1.3)
_BUSINESS_HOURS = (0.0,) * 9 + (2.0, 3.0, 2.6, 1.0, 1.4, 2.6, 2.4, 1.6, 0.4) + (0.0,) * 6

_KIND_SHARES: tuple[tuple[str, float, int], ...] = (
    ("government", 0.0, 1),
    ("aggregator", 0.0010, 2),
    ("biller", 0.0025, 5),
    ("broker", 0.0004, 1),
    ("dealer", 0.0010, 1),
    ("developer", 0.0006, 1),
    ("school", 0.0006, 1),
    ("property_manager", 0.0005, 1),
    ("corporate", 0.0080, 3),
    ("supplier", 0.0090, 3),
    ("merchant", 0.0300, 6),
)
# name, share of merchants, popularity factor, median amount NT$, lognormal sigma
_MERCHANT_CATEGORIES: tuple[tuple[str, float, float, float, float], ...] = (
    ("convenience", 0.22, 3.0, 140, 0.6),
    ("restaurant", 0.24, 1.5, 450, 0.6),
    ("retail", 0.20, 1.0, 1_200, 0.9),
    ("online", 0.14, 1.2, 850, 0.9),
    ("pharmacy", 0.07, 1.0, 550, 0.6),
    ("electronics", 0.06, 0.6, 7_500, 0.9),
    ("travel", 0.04, 0.3, 22_000, 0.7),
    ("luxury", 0.03, 0.2, 38_000, 1.0),
)
# biller category: share of persons paying it, months between bills, median NT$, sigma
_BILLS: tuple[tuple[str, float, int, float, float], ...] = (
    ("power", 0.22, 2, 1_600, 0.6),
    ("water", 0.12, 2, 450, 0.5),
    ("telecom", 0.35, 1, 799, 0.4),
    ("card", 0.28, 1, 11_000, 1.0),
    ("insurance", 0.16, 1, 4_500, 0.6),
)
_RED_ENVELOPES = (600, 1_200, 1_600, 2_000, 2_000, 2_600, 3_600, 3_600, 6_000, 6_600, 6_600,
                  8_800, 10_000, 12_000, 20_000)

# Volume rates (per person per day, times the activity multiplier).
_RETAIL_RATE = 0.045
_P2P_RATE = 0.011

_Event = tuple[int, int, int, int, int, int]  # ts, seq, sender, receiver, amount, tag


@dataclass
class _Picker:
    """Weighted choice in O(log n)."""

    items: list[int]
    cum: list[float]

    @classmethod
    def of(cls, items: Sequence[int], weights: Sequence[float]) -> _Picker:
        cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            cum.append(total)
        return cls(list(items), cum)

    def pick(self, rng: random.Random) -> int:
        x = rng.random() * self.cum[-1]
        return self.items[min(bisect.bisect_right(self.cum, x), len(self.items) - 1)]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k = 0
    p = rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _ln(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _loguniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _round_to(x: float, unit: int) -> int:
    return max(unit, int(round(x / unit)) * unit)


class _Generator:
    def __init__(self, seed: int, n_accounts: int, days: int) -> None:
        if days < 14:
            raise ValueError("days must be at least 14")
        if n_accounts < 500:
            raise ValueError("accounts must be at least 500")
        self.seed = seed
        self.rng = random.Random(seed)
        self.n = n_accounts
        self.days = days
        self.end = days * DAY
        self.scale = n_accounts / 10_000
        self.events: list[_Event] = []
        self.kind: list[str] = []
        self.activity: list[float] = []
        self.baseline: list[int] = []
        self.by_kind: dict[str, list[int]] = {}
        self.labels: dict[int, list[str]] = {}
        self.labelled_list: list[int] = []
        self.used: set[int] = set()
        self.cutoff: dict[int, int] = {}
        self.wake: dict[int, int] = {}
        self.agg_biller: dict[int, int] = {}  # seq of a bill paid via an aggregator -> biller
        self.exits: list[int] = []
        self._calendar()

    # ---------------------------------------------------------------- calendar and clock
    def _calendar(self) -> None:
        horizon = self.days + 40
        self.dates = [START.date() + timedelta(days=d) for d in range(horizon)]
        self.busday = [dt.weekday() < 5 and dt not in _HOLIDAYS for dt in self.dates]
        self.months: list[tuple[int, int]] = []  # (offset of the 1st, length)
        for d, dt in enumerate(self.dates[: self.days]):
            if d == 0 or dt.day == 1:
                self.months.append((d - dt.day + 1, calendar.monthrange(dt.year, dt.month)[1]))
        weights = []
        lny = (_LUNAR_NEW_YEAR - START.date()).days
        for d in range(self.days):
            w = 1.3 if self.dates[d].weekday() >= 5 else 1.0
            if lny - 10 <= d < lny - 1:
                w *= 1.5
            elif self.dates[d] in _HOLIDAYS:
                w *= 0.8
            weights.append(w)
        self.retail_days = _Picker.of(range(self.days), weights)
        self.person_hours = _Picker.of(range(24), _PERSON_HOURS)
        self.business_hours = _Picker.of(range(24), _BUSINESS_HOURS)

    @staticmethod
    def midnight(d: int) -> int:
        """UTC seconds of local (UTC+8) midnight starting day ``d``."""
        return d * DAY - TZ_OFFSET

    def t_person(self, d: int) -> int:
        return self.midnight(d) + self.person_hours.pick(self.rng) * HOUR + self.rng.randrange(HOUR)

    def t_business(self, d: int) -> int:
        h = self.business_hours.pick(self.rng)
        return self.midnight(d) + h * HOUR + self.rng.randrange(HOUR)

    def t_any(self, d: int) -> int:
        return self.midnight(d) + self.rng.randrange(DAY)

    def prev_busday(self, d: int) -> int:
        while d > 0 and not self.busday[d]:
            d -= 1
        return d

    def next_busday(self, d: int) -> int:
        while d < len(self.busday) - 1 and not self.busday[d]:
            d += 1
        return d

    @staticmethod
    def dom(month: tuple[int, int], day_of_month: int) -> int:
        """Offset of a day of a month; 0 means its last day."""
        first, length = month
        return first + (length if day_of_month == 0 else min(day_of_month, length)) - 1

    def delay(self, median: float, sigma: float, lo: float, hi: float) -> int:
        return int(_clip(_ln(self.rng, median, sigma), lo, hi))

    # ---------------------------------------------------------------- events
    def add(self, ts: int, sender: int, receiver: int, amount: float, tag: int = 0) -> int:
        """Record a transfer; returns its sequence number (-1 if dropped)."""
        amount = int(amount)
        if sender == receiver or amount <= 0:
            return -1
        if tag:
            ts = min(max(ts, 0), self.end - 1)
        elif ts < 0 or ts >= self.end:
            return -1
        seq = len(self.events)
        self.events.append((ts, seq, sender, receiver, amount, tag))
        return seq

    # ---------------------------------------------------------------- population
    def build_population(self) -> None:
        rng = self.rng
        kinds: list[str] = []
        for name, share, minimum in _KIND_SHARES:
            kinds.extend([name] * max(minimum, round(self.n * share)))
        n_ind = self.n - len(kinds)
        n_savings = round(n_ind * 0.07)
        n_inactive = round(n_ind * 0.03)
        n_quiet = round(n_ind * 0.12)
        kinds += ["savings"] * n_savings + ["inactive"] * n_inactive + ["quiet"] * n_quiet
        kinds += ["person"] * (self.n - len(kinds))
        self.kind = kinds
        for i, k in enumerate(kinds):
            self.by_kind.setdefault(k, []).append(i)
        baseline_params = {
            "person": (80_000, 1.3), "quiet": (8_000, 1.5), "inactive": (3_000, 1.5),
            "savings": (300_000, 1.2), "merchant": (400_000, 1.0), "supplier": (3_000_000, 1.0),
            "corporate": (5_000_000, 1.1), "aggregator": (20_000_000, 0.5),
            "biller": (10_000_000, 0.8), "broker": (200_000_000, 0.3),
            "dealer": (5_000_000, 0.6), "developer": (50_000_000, 0.6),
            "school": (20_000_000, 0.5), "property_manager": (2_000_000, 0.6),
            "government": (1_000_000_000, 0.0),
        }
        for k in kinds:
            median, sigma = baseline_params[k]
            if k == "inactive" and rng.random() < 0.2:
                self.baseline.append(0)
            else:
                self.baseline.append(int(_ln(rng, median, sigma)))
            if k == "person":
                self.activity.append(rng.lognormvariate(-0.25, 0.9))
            elif k == "quiet":
                self.activity.append(rng.uniform(0.03, 0.25))
            else:
                self.activity.append(0.0)

        persons = self.by_kind["person"]
        self.persons = persons
        # Employment.
        employers = self.by_kind["corporate"] + self.by_kind["supplier"]
        employers += [m for m in self.by_kind["merchant"] if rng.random() < 0.4]
        sizes = [rng.paretovariate(1.1) for _ in employers]
        emp_picker = _Picker.of(employers, sizes)
        self.staff: dict[int, list[int]] = {e: [] for e in employers}
        self.salary: dict[int, int] = {}
        self.employer_of: dict[int, int] = {}
        level = {e: rng.uniform(0.8, 1.5) for e in employers}
        for p in persons:
            if rng.random() < 0.62:
                e = emp_picker.pick(rng)
                self.staff[e].append(p)
                self.employer_of[p] = e
                self.salary[p] = int(_clip(_ln(rng, 42_000 * level[e], 0.35), 29_500, 400_000))
        self.payday = {e: rng.choices((5, 10, 15, 25, 0), (0.3, 0.35, 0.1, 0.05, 0.2))[0]
                       for e in employers}
        self.employers = employers
        # Own second accounts.
        self.savings_of: dict[int, int] = {}
        for s, p in zip(self.by_kind["savings"], rng.sample(persons, len(self.by_kind["savings"])),
                        strict=True):
            self.savings_of[p] = s
        # Merchants: category, popularity, owner.
        merchants = self.by_kind["merchant"]
        cat_picker = _Picker.of(range(len(_MERCHANT_CATEGORIES)),
                                [c[1] for c in _MERCHANT_CATEGORIES])
        self.category: dict[int, int] = {}
        self.owner: dict[int, int] = {}
        popularity: list[float] = []
        ranks = list(range(1, len(merchants) + 1))
        rng.shuffle(ranks)
        for m, rank in zip(merchants, ranks, strict=True):
            c = cat_picker.pick(rng)
            self.category[m] = c
            popularity.append(_MERCHANT_CATEGORIES[c][2] / rank ** 0.9)
            if rng.random() < 0.6:
                self.owner[m] = rng.choice(persons)
        # Personal online sellers join the merchant pool with a small popularity.
        online = next(i for i, c in enumerate(_MERCHANT_CATEGORIES) if c[0] == "online")
        self.sellers = [p for p in persons if rng.random() < 0.025]
        small = sorted(popularity)[len(popularity) // 4]
        for s in self.sellers:
            self.category[s] = online
            popularity.append(small * rng.uniform(0.3, 1.5))
        self.shops = merchants + self.sellers
        self.merchant_picker = _Picker.of(self.shops, popularity)
        # Integration targets: where laundered money is spent.
        self.integration_targets = [m for m in merchants if _MERCHANT_CATEGORIES[
            self.category[m]][0] in ("luxury", "electronics", "travel")]
        self.integration_targets += self.by_kind["dealer"] + self.by_kind["developer"]
        # Friends.
        self.friends: dict[int, list[int]] = {}
        for _ in range(int(len(persons) * 0.3)):
            members = rng.sample(persons, rng.randint(3, 9))
            for m in members:
                self.friends.setdefault(m, []).extend(x for x in members if x != m)
        # Dormant persons that wake up (never employees).
        for p in persons:
            if p not in self.employer_of and rng.random() < 0.105:  # 4 % of all persons
                wake_day = rng.randint(int(0.4 * self.days), int(0.85 * self.days))
                self.wake[p] = self.midnight(wake_day)
        # Shell or front companies that launderers may use.
        self.shell_pool = [m for m in merchants if m not in self.staff] + self.by_kind["supplier"]

    # ---------------------------------------------------------------- helpers for people
    def friend_of(self, p: int) -> int:
        fr = self.friends.get(p)
        if fr:
            return self.rng.choice(fr)
        return self.rng.choice(self.persons)

    def retail_amount(self, shop: int) -> int:
        _, _, _, median, sigma = _MERCHANT_CATEGORIES[self.category[shop]]
        return int(_clip(_ln(self.rng, median, sigma), 30, 300_000))

    def p2p_amount(self) -> int:
        x = _clip(_ln(self.rng, 500, 1.0), 50, 30_000)
        r = self.rng.random()
        return _round_to(x, 100) if r < 0.6 else _round_to(x, 10) if r < 0.9 else int(x)

    # ---------------------------------------------------------------- normal background
    def gen_background(self) -> None:
        self.gen_payroll()
        self.gen_retail()
        self.gen_bills()
        self.gen_rent()
        self.gen_p2p()
        self.gen_family_and_own()
        self.gen_red_envelopes()
        self.gen_b2b_and_tax()
        self.gen_broker()
        self.gen_large_purchases()
        self.gen_tuition()
        self.gen_group_buys()
        self.gen_dormant_lumps()

    def gen_payroll(self) -> None:
        rng = self.rng
        lny = (_LUNAR_NEW_YEAR - START.date()).days
        for e in self.employers:
            staff = self.staff[e]
            if not staff:
                continue
            for month in self.months:
                d = self.prev_busday(self.dom(month, self.payday[e]))
                t0 = self.midnight(d) + 9 * HOUR + rng.randrange(90 * MINUTE)
                for p in staff:
                    pay = self.salary[p]
                    if rng.random() < 0.4:  # overtime, unpaid leave
                        pay = int(pay * (1 + rng.gauss(0, 0.05)))
                    late = 5 * HOUR if rng.random() < 0.02 else 0
                    self.add(t0 + late + rng.randrange(20 * MINUTE), e, p, pay)
            if rng.random() < 0.65 and 0 < lny - 14 and lny < self.days:
                d = self.prev_busday(lny - rng.randint(4, 14))
                t0 = self.midnight(d) + 9 * HOUR + rng.randrange(3 * HOUR)
                months = rng.choice((0.5, 1.0, 1.0, 1.0, 1.5, 2.0, 2.0, 3.0))
                for p in staff:
                    self.add(t0 + rng.randrange(20 * MINUTE), e, p,
                             self.salary[p] * months * rng.uniform(0.9, 1.1))

    def gen_retail(self) -> None:
        rng = self.rng
        refundable = {"retail", "online", "electronics", "travel", "luxury"}
        shoppers = self.persons + self.by_kind["quiet"]
        for p in shoppers:
            n = _poisson(rng, _RETAIL_RATE * self.activity[p] * self.days)
            if n == 0:
                continue
            regulars = [self.merchant_picker.pick(rng) for _ in range(rng.randint(3, 8))]
            for _ in range(n):
                shop = (rng.choice(regulars) if rng.random() < 0.6
                        else self.merchant_picker.pick(rng))
                amount = self.retail_amount(shop)
                d = self.retail_days.pick(rng)
                t = self.t_person(d)
                self.add(t, p, shop, amount)
                if (_MERCHANT_CATEGORIES[self.category[shop]][0] in refundable
                        and rng.random() < 0.01):
                    t2 = self.t_business(min(d + rng.randint(1, 14), self.days - 1))
                    if t2 > t:
                        self.add(t2, shop, p, amount)

    def gen_bills(self) -> None:
        rng = self.rng
        billers = self.by_kind["biller"]
        cats = [b[0] for b in _BILLS]
        by_cat: dict[str, list[int]] = {c: [] for c in cats}
        # One power company, two water companies, then telecoms, card issuers and insurers.
        order = ["power", "water", "water", "telecom", "telecom", "telecom"]
        for i, b in enumerate(billers):
            c = order[i] if i < len(order) else ("card", "insurance")[i % 2]
            by_cat[c].append(b)
        for c in cats:
            if not by_cat[c]:
                by_cat[c].append(rng.choice(billers))
        aggregators = self.by_kind["aggregator"]
        agg_picker = _Picker.of(aggregators, [1 / (i + 1) for i in range(len(aggregators))])
        for p in self.persons:
            agg = agg_picker.pick(rng)
            for cat, share, every, median, sigma in _BILLS:
                if rng.random() >= share:
                    continue
                biller = rng.choice(by_cat[cat])
                due = rng.randint(5, 28)
                parity = rng.randrange(2)
                typical = _ln(rng, median, sigma)
                via = rng.random() < 0.7
                for mi, month in enumerate(self.months):
                    if every == 2 and mi % 2 != parity:
                        continue
                    amount = int(_clip(_ln(rng, typical, 0.25), 100, 500_000))
                    d = self.dom(month, due) - rng.randint(0, 5)
                    t = self.t_person(max(d, 0))
                    if via:
                        seq = self.add(t, p, agg, amount)
                        if seq >= 0:
                            self.agg_biller[seq] = biller
                    else:
                        self.add(t, p, biller, amount)

    def gen_rent(self) -> None:
        rng = self.rng
        landlords = [p for p in self.persons if rng.random() < 0.06]
        managers = self.by_kind["property_manager"]
        if not landlords:
            landlords = [self.persons[0]]
        for p in self.persons:
            if rng.random() >= 0.2:
                continue
            landlord = rng.choice(managers) if rng.random() < 0.3 else rng.choice(landlords)
            rent = int(_clip(_round_to(_ln(rng, 14_000, 0.45), 500), 5_000, 80_000))
            day = rng.randint(1, 5)
            for month in self.months:
                d = self.dom(month, day) + (rng.randint(3, 12) if rng.random() < 0.1 else 0)
                self.add(self.t_person(d), p, landlord, rent)

    def gen_p2p(self) -> None:
        rng = self.rng
        for p in self.persons + self.by_kind["quiet"]:
            for _ in range(_poisson(rng, _P2P_RATE * self.activity[p] * self.days)):
                q = self.friend_of(p)
                d = rng.randrange(self.days)
                t = self.t_person(d)
                if rng.random() < 0.02:  # a loan between friends, repaid later
                    loan = _round_to(_loguniform(rng, 10_000, 200_000), 1_000)
                    self.add(t, p, q, loan)
                    back = d + rng.randint(7, 40)
                    parts = rng.choice((1, 1, 2, 3))
                    for k in range(parts):
                        if back + 7 * k < self.days:
                            self.add(self.t_person(back + 7 * k), q, p, loan // parts)
                else:
                    self.add(t, p, q, self.p2p_amount())

    def gen_family_and_own(self) -> None:
        rng = self.rng
        for p in self.persons:
            e = self.employer_of.get(p)
            payday = self.payday[e] if e is not None else rng.randint(1, 28)
            if rng.random() < 0.25:
                relative = rng.choice(self.persons)
                allowance = rng.random() < 0.5
                amount = _round_to(rng.uniform(5_000, 20_000) if allowance
                                   else rng.uniform(3_000, 30_000), 1_000)
                for month in self.months:
                    d = self.dom(month, payday) + rng.randint(0, 3)
                    self.add(self.t_person(d), p, relative, amount)
            s = self.savings_of.get(p)
            if s is None:
                continue
            for month in self.months:
                d = self.dom(month, payday) + rng.randint(0, 3)
                if p in self.salary:
                    amount = _round_to(self.salary[p] * rng.uniform(0.15, 0.5), 1_000)
                else:
                    amount = _round_to(rng.uniform(2_000, 20_000), 1_000)
                self.add(self.t_person(d), p, s, amount)
                if rng.random() < 0.35:
                    d2 = self.dom(month, rng.randint(1, 28))
                    self.add(self.t_person(d2), s, p,
                             _round_to(_loguniform(rng, 5_000, 150_000), 1_000))

    def gen_red_envelopes(self) -> None:
        rng = self.rng
        lny = (_LUNAR_NEW_YEAR - START.date()).days
        if lny - 5 < 0 or lny + 1 >= self.days:
            return
        for p in self.persons:
            if rng.random() >= 0.2:
                continue
            for _ in range(rng.randint(1, 5)):
                d = lny + rng.randint(-5, 1)
                self.add(self.t_person(d), p, self.friend_of(p), rng.choice(_RED_ENVELOPES))

    def gen_b2b_and_tax(self) -> None:
        rng = self.rng
        suppliers = self.by_kind["supplier"]
        sup_picker = _Picker.of(suppliers, [1 / (i + 1) ** 0.8 for i in range(len(suppliers))])
        medians = {"merchant": 25_000, "corporate": 250_000, "supplier": 120_000,
                   "dealer": 400_000, "developer": 900_000, "school": 80_000}
        buyers = [b for k in medians for b in self.by_kind[k]]
        for b in buyers:
            k = self.kind[b]
            for _ in range(rng.randint(1, 4)):
                s = sup_picker.pick(rng)
                mean = _ln(rng, medians[k], 1.0)
                every = rng.choices((7, 14, 30), (0.25, 0.3, 0.45))[0]
                d = rng.randrange(every)
                while d < self.days:
                    day = self.prev_busday(d)
                    base = _round_to(_clip(_ln(rng, mean, 0.3), 1_000, 7_500_000), 100)
                    self.add(self.t_business(day), b, s, base * 105 // 100)
                    d += every + rng.randint(-2, 2)
        gov = self.by_kind["government"][0]
        vat = {"merchant": 15_000, "corporate": 300_000, "supplier": 120_000, "dealer": 200_000,
               "developer": 800_000}
        for k, median in vat.items():
            for b in self.by_kind[k]:
                typical = _ln(rng, median, 1.0)
                for mi, month in enumerate(self.months):
                    if mi % 2 == 0:  # January, March, ...
                        d = self.prev_busday(self.dom(month, 15))
                        self.add(self.t_business(d), b, gov, _ln(rng, typical, 0.2))

    def gen_broker(self) -> None:
        rng = self.rng
        brokers = self.by_kind["broker"]
        for p in self.persons:
            if rng.random() >= 0.05:
                continue
            broker = rng.choice(brokers)
            size = _ln(rng, 60_000, 1.0)
            for _ in range(_poisson(rng, 0.035 * self.days * max(self.activity[p], 0.3))):
                settle = self.next_busday(rng.randrange(self.days))  # the trade day
                for _ in range(2):  # T+2 business days
                    settle = self.next_busday(settle + 1)
                amount = _clip(_ln(rng, size, 0.6), 3_000, 8_000_000)
                t = self.midnight(settle) + 10 * HOUR + rng.randrange(2 * HOUR)
                if rng.random() < 0.55:
                    self.add(t, p, broker, amount)
                else:
                    self.add(t, broker, p, amount)

    def gen_large_purchases(self) -> None:
        rng = self.rng
        dealers = self.by_kind["dealer"]
        developers = self.by_kind["developer"]
        for p in self.persons:
            r = rng.random()
            if r < 0.012:
                seller, price = rng.choice(dealers), rng.uniform(500_000, 2_000_000)
                deposit = _round_to(rng.uniform(30_000, 100_000), 10_000)
            elif r < 0.017:
                seller, price = rng.choice(developers), _loguniform(rng, 500_000, 5_000_000)
                deposit = _round_to(rng.uniform(100_000, 500_000), 10_000)
            else:
                continue
            d0 = rng.randrange(max(1, self.days - 20))
            self.add(self.t_business(self.next_busday(d0)), p, seller, deposit)
            d1 = self.next_busday(min(d0 + rng.randint(7, 30), self.days - 1))
            price = _round_to(price, 1_000)
            s = self.savings_of.get(p)
            if s is not None and rng.random() < 0.6:
                self.add(self.t_person(max(d1 - rng.randint(1, 3), 0)), s, p,
                         _round_to(price * rng.uniform(0.3, 0.9), 10_000))
            if rng.random() < 0.35:
                for _ in range(rng.randint(1, 4)):
                    relative = rng.choice(self.persons)
                    self.add(self.t_person(max(d1 - rng.randint(1, 10), 0)), relative, p,
                             _round_to(price * rng.uniform(0.05, 0.3), 10_000))
            parts = 1 if rng.random() < 0.8 else 2
            for k in range(parts):
                self.add(self.t_business(self.next_busday(d1 + k)), p, seller, price // parts)

    def gen_tuition(self) -> None:
        rng = self.rng
        schools = self.by_kind["school"]
        lo, hi = 35, 65  # 5 February to 6 March
        if hi >= self.days:
            return
        for p in self.persons:
            if rng.random() < 0.04:
                self.add(self.t_person(rng.randint(lo, hi)), p, rng.choice(schools),
                         rng.uniform(22_000, 62_000))

    def gen_group_buys(self) -> None:
        rng = self.rng
        for organiser in self.persons:
            if rng.random() >= 0.006:
                continue
            supplier = rng.choice(self.by_kind["supplier"] + self.by_kind["merchant"])
            d = rng.randint(0, 14)
            while d < self.days - 4:
                total = 0
                for _ in range(rng.randint(5, 25)):
                    buyer = self.friend_of(organiser) if rng.random() < 0.5 else \
                        rng.choice(self.persons)
                    amount = _round_to(rng.uniform(150, 3_000), 10)
                    if self.add(self.t_person(d + rng.randint(0, 2)), buyer, organiser,
                                amount) >= 0:
                        total += amount
                pay_day = self.next_busday(d + rng.randint(3, 5))
                self.add(self.t_business(pay_day), organiser, supplier,
                         total * rng.uniform(0.9, 1.0))
                d += rng.randint(7, 21)

    def gen_dormant_lumps(self) -> None:
        rng = self.rng
        for p, wake in self.wake.items():
            if rng.random() >= 0.35:
                continue
            d = wake // DAY + 1
            if d >= self.days:
                continue
            payer = rng.choice(self.persons + self.by_kind["developer"])
            lump = _round_to(_loguniform(rng, 200_000, 3_000_000), 1_000)
            self.add(self.t_business(self.next_busday(d)), payer, p, lump)
            for _ in range(rng.randint(1, 3)):
                d2 = d + rng.randint(1, 20)
                self.add(self.t_person(d2), p, rng.choice(self.persons),
                         _round_to(lump * rng.uniform(0.1, 0.3), 10_000))

    # ---------------------------------------------------------------- post passes
    def apply_filters(self) -> None:
        kept: list[_Event] = []
        for ev in self.events:
            ts, _, s, r, _, tag = ev
            if not tag:
                if (s in self.wake and ts < self.wake[s]) or (r in self.wake and ts < self.wake[r]):
                    continue
                if (s in self.cutoff and ts >= self.cutoff[s]) or \
                        (r in self.cutoff and ts >= self.cutoff[r]):
                    continue
            kept.append(ev)
        self.events = kept

    def settle_aggregators(self) -> None:
        rng = self.rng
        freq: dict[int, tuple[int, ...]] = {}
        for a in self.by_kind["aggregator"]:
            f = rng.choices(("daily", "twice", "weekly"), (0.3, 0.3, 0.4))[0]
            freq[a] = (0, 1, 2, 3, 4) if f == "daily" else (1, 4) if f == "twice" else \
                (rng.randrange(5),)
        fee = {a: rng.uniform(0.002, 0.01) for a in self.by_kind["aggregator"]}
        collected: dict[tuple[int, int, int], int] = {}  # (aggregator, biller, local day)
        for ts, seq, _, r, amount, _ in self.events:
            biller = self.agg_biller.get(seq)
            if biller is not None:
                key = (r, biller, (ts + TZ_OFFSET) // DAY)
                collected[key] = collected.get(key, 0) + amount
        pending: dict[tuple[int, int], list[tuple[int, int]]] = {}
        for (a, b, d), amount in collected.items():
            pending.setdefault((a, b), []).append((d, amount))
        for (a, b), items in pending.items():
            items.sort()
            i = 0
            for d in range(1, self.days):
                if not self.busday[d] or self.dates[d].weekday() not in freq[a]:
                    continue
                total = 0
                while i < len(items) and items[i][0] < d:
                    total += items[i][1]
                    i += 1
                if total:
                    self.add(self.midnight(d) + 11 * HOUR + rng.randrange(HOUR), a, b,
                             total * (1 - fee[a]))

    def sweep_shops(self) -> None:
        rng = self.rng
        targets: dict[int, int] = dict(self.owner)
        for s in self.sellers:
            own = self.savings_of.get(s)
            if own is not None:
                targets[s] = own
        weekly: dict[tuple[int, int], int] = {}
        for ts, _, _, r, amount, _ in self.events:
            if r in targets:
                key = (r, (ts + TZ_OFFSET + 3 * DAY) // (7 * DAY))  # weeks start on Monday
                weekly[key] = weekly.get(key, 0) + amount
        share = {m: rng.uniform(0.4, 0.8) for m in targets}
        for (m, week), amount in weekly.items():
            d = self.next_busday(week * 7 - 3 + 7)
            if d >= self.days:
                continue
            total = _round_to(amount * share[m], 1_000) if amount >= 2_000 else 0
            if total:
                self.add(self.t_business(d), m, targets[m], total)

    # ---------------------------------------------------------------- laundering helpers
    def label(self, acct: int, pattern: str) -> None:
        names = self.labels.get(acct)
        if names is None:
            self.labels[acct] = [pattern]
            self.labelled_list.append(acct)
        elif pattern not in names:
            names.append(pattern)
        self.used.add(acct)

    def fresh(self, pool: Sequence[int], exclude: set[int]) -> int:
        """An account of ``pool`` not yet laundering, else one of persons or quiet accounts."""
        rng = self.rng
        for candidates in (pool, self.persons, self.by_kind["quiet"]):
            for _ in range(200):
                a = candidates[rng.randrange(len(candidates))]
                if a not in self.used and a not in exclude:
                    return a
            for a in candidates:
                if a not in self.used and a not in exclude:
                    return a
        raise ValueError("not enough accounts for the laundering typologies; use more accounts")

    def lpick(self, pattern: str, members: set[int], p_active: float = 0.5,
              p_shell: float = 0.0) -> int:
        """An account for a laundering role: reused, a shell, an ordinary or a quiet person."""
        rng = self.rng
        r = rng.random()
        acct = -1
        if r < 0.04 and self.labelled_list:
            candidate = rng.choice(self.labelled_list)
            if candidate not in members:
                acct = candidate
        if acct < 0:
            if rng.random() < p_shell:
                acct = self.fresh(self.shell_pool, members)
            elif rng.random() < p_active:
                acct = self.fresh(self.persons, members)
            else:
                acct = self.fresh(self.by_kind["quiet"], members)
        members.add(acct)
        self.label(acct, pattern)
        return acct

    def victim(self) -> int:
        for _ in range(100):
            v = self.rng.choice(self.persons)
            if v not in self.used:
                return v
        return self.rng.choice(self.persons)

    def start_day(self, span: int) -> int:
        return self.rng.randint(1, max(1, self.days - 2 - span))

    def style(self) -> str:
        return self.rng.choices(("round", "hundreds", "exact"), (0.45, 0.25, 0.3))[0]

    @staticmethod
    def styled(x: float, style: str) -> int:
        """Amount in an instance's style, never above ``x`` (forwarding cannot exceed funds)."""
        x = min(x, MAX_LAUNDER_AMOUNT)
        if style == "round":
            unit = 10_000 if x >= 200_000 else 1_000 if x >= 10_000 else 100
        elif style == "hundreds":
            unit = 100
        else:
            unit = 1
        v = int(x // unit) * unit
        return v if v > 0 else int(x)

    def t_launder(self, d: int, when: str = "person") -> int:
        d = min(max(d, 1), self.days - 1)
        if when == "any":
            return self.t_any(d)
        if when == "business":
            return self.t_business(self.next_busday(d) if self.next_busday(d) < self.days else d)
        return self.t_person(d)

    def send_chunked(self, ts: int, s: int, r: int, amount: int, tag: int, chunk: int,
                     style: str) -> list[tuple[int, int]]:
        """Send ``amount`` as one transfer, or in chunks of at most ``chunk`` minutes apart."""
        out: list[tuple[int, int]] = []
        if chunk and chunk < amount <= 20 * chunk:
            left = amount
            t = ts
            while left > 0:
                piece = min(left, chunk - (self.rng.randrange(0, 1_000) if style == "exact" else 0))
                self.add(t, s, r, piece, tag)
                out.append((t, piece))
                left -= piece
                t += self.rng.randint(20, 400)
        else:
            self.add(ts, s, r, amount, tag)
            out.append((ts, amount))
        return out

    def relay(self, acct: int, inflows: list[tuple[int, int]], dests: Sequence[int], tag: int, *,
              median: float, sigma: float, lo: float, hi: float, keep: tuple[float, float],
              mode: str, style: str, chunk: int = 0) -> list[tuple[int, int, int]]:
        """Forward what ``acct`` received; returns the outgoing (ts, dest, amount)."""
        rng = self.rng
        inflows = sorted(inflows)
        out: list[tuple[int, int, int]] = []

        def send(ts: int, amount: float) -> None:
            dest = rng.choice(list(dests))
            value = self.styled(amount * (1 - rng.uniform(*keep)), style)
            for t, a in self.send_chunked(ts, acct, dest, value, tag, chunk, style):
                out.append((t, dest, a))

        if mode == "each":
            for ts, amount in inflows:
                send(ts + max(MINUTE, self.delay(median, sigma, lo, hi)), amount)
            return out
        i = 0
        while i < len(inflows):
            j = i
            while j + 1 < len(inflows) and rng.random() < 0.6:
                j += 1
            sweep_at = inflows[j][0] + max(MINUTE, self.delay(median, sigma, lo, hi))
            total = 0
            while i < len(inflows) and inflows[i][0] < sweep_at:
                total += inflows[i][1]
                i += 1
            send(sweep_at, total)
        return out

    def integrate(self, acct: int, ts: int, amount: int, tag: int, style: str) -> None:
        """Spend laundered money at luxury shops, car dealers, developers (all normal)."""
        rng = self.rng
        budget = amount * rng.uniform(0.5, 0.95)
        parts = rng.randint(1, 3)
        t = ts
        for _ in range(parts):
            t += rng.randint(1, 20) * DAY // parts + rng.randrange(HOUR)
            shop = rng.choice(self.integration_targets)
            self.add(t, acct, shop, self.styled(budget / parts, style), tag)

    # ---------------------------------------------------------------- laundering typologies
    def launder(self) -> None:
        makers = {
            "fraud_mule": self.t_fraud_mule, "fan_out": self.t_fan_out, "fan_in": self.t_fan_in,
            "scatter_gather": self.t_scatter_gather, "gather_scatter": self.t_gather_scatter,
            "cycle": self.t_cycle, "stacked_bipartite": self.t_stacked_bipartite,
            "structuring": self.t_structuring, "smurfing": self.t_smurfing,
            "pass_through": self.t_pass_through, "behavioural_change": self.t_behavioural_change,
            "single_large": self.t_single_large, "over_invoicing": self.t_over_invoicing,
            "low_and_slow": self.t_low_and_slow,
        }
        # Interleave instances of different typologies so that reuse crosses typologies.
        schedule: list[str] = []
        for name in PATTERNS:
            schedule += [name] * max(1, round(_INSTANCES_PER_10K[name] * self.scale))
        self.rng.shuffle(schedule)
        for name in schedule:
            makers[name](name, PATTERNS.index(name) + 1)

    def t_fraud_mule(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        scam = rng.choices(("investment", "shopping", "impersonation", "romance"),
                           (0.4, 0.25, 0.2, 0.15))[0]
        style = self.style()
        start = self.start_day(10)
        layer2 = [self.lpick(p, members, 0.3) for _ in range(rng.choice((1, 1, 2)))]
        reusable = [e for e in self.exits if e not in members]
        if reusable and rng.random() < 0.35:
            exit_acct = rng.choice(reusable)
            members.add(exit_acct)
            self.label(exit_acct, p)
        else:
            exit_acct = self.lpick(p, members, 0.2, 0.2)
            self.exits.append(exit_acct)
        l2_in: dict[int, list[tuple[int, int]]] = {a: [] for a in layer2}
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            mule = self.lpick(p, members, 0.5)
            window = rng.randint(1, 6)
            inflows: list[tuple[int, int]] = []
            n_victims = {"investment": rng.randint(2, 12), "shopping": rng.randint(5, 30),
                         "impersonation": rng.randint(1, 4), "romance": rng.randint(1, 3)}[scam]
            for _ in range(n_victims):
                v = self.victim()
                if scam == "investment":
                    n_pay = min(5, 1 + int(rng.expovariate(0.9)))
                    amount = _clip(_ln(rng, 80_000, 1.0), 10_000, 3_000_000)
                elif scam == "shopping":
                    n_pay, amount = 1, _clip(_ln(rng, 2_500, 0.8), 1_000, 30_000)
                elif scam == "impersonation":
                    n_pay = rng.choice((1, 1, 2))
                    amount = _clip(_ln(rng, 300_000, 0.8), 50_000, 5_000_000)
                else:
                    n_pay = rng.randint(2, 6)
                    amount = _clip(_ln(rng, 50_000, 0.8), 5_000, 1_000_000)
                d = start + rng.randrange(window)
                for _ in range(n_pay):
                    if d >= self.days - 1:
                        break
                    value = _round_to(amount, 1_000) if rng.random() < 0.7 else int(amount)
                    t = self.t_launder(d)
                    self.add(t, v, mule, value, tag)
                    inflows.append((t, value))
                    d += rng.randint(0, 2)
                    amount = min(amount * rng.uniform(1.0, 2.0), MAX_LAUNDER_AMOUNT)
            forwarded = self.relay(mule, inflows, layer2, tag, median=20 * MINUTE, sigma=1.0,
                                   lo=2 * MINUTE, hi=10 * HOUR, keep=(0.0, 0.03),
                                   mode="each" if rng.random() < 0.6 else "sweep", style=style,
                                   chunk=CHUNK_LIMIT if rng.random() < 0.5 else 0)
            for t, dest, amount in forwarded:
                l2_in[dest].append((t, amount))
        for a in layer2:
            self.relay(a, l2_in[a], [exit_acct], tag, median=2 * HOUR, sigma=1.0,
                       lo=10 * MINUTE, hi=DAY, keep=(0.0, 0.01), mode="sweep", style=style)

    def t_fan_out(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        src = self.lpick(p, members, 0.5, 0.25)
        k = rng.randint(3, 12)
        total = _loguniform(rng, 200_000, 5_000_000)
        equal = rng.random() < 0.5
        weights = [rng.uniform(0.7, 1.3) if equal else rng.expovariate(1.0) + 0.1
                   for _ in range(k)]
        burst = rng.random() < 0.4
        spread = rng.randint(1, 3) * HOUR if burst else rng.randint(1, 7) * DAY
        t0 = self.t_launder(self.start_day(28), "any" if burst else "person")
        for w in weights:
            r = self.lpick(p, members, 0.45)
            amount = self.styled(total * w / sum(weights), style)
            t = t0 + rng.randrange(spread)
            self.add(t, src, r, amount, tag)
            if rng.random() < 0.6:
                self.integrate(r, t, amount, tag, style)

    def t_fan_in(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        collector = self.lpick(p, members, 0.4, 0.3)
        median = _loguniform(rng, 20_000, 400_000)
        spread = rng.randint(6, 24) * HOUR if rng.random() < 0.3 else rng.randint(1, 10) * DAY
        t0 = self.t_launder(self.start_day(25))
        total = 0
        last = t0
        for _ in range(rng.randint(3, 12)):
            s = self.lpick(p, members, 0.5)
            for _ in range(rng.choice((1, 1, 2, 3))):
                amount = self.styled(_clip(_ln(rng, median, 0.4), 1_000, 2_000_000), style)
                t = t0 + rng.randrange(spread)
                self.add(t, s, collector, amount, tag)
                total += amount
                last = max(last, t)
        t_out = last + rng.randint(1, 14) * DAY + rng.randrange(DAY)
        if rng.random() < 0.6:
            self.integrate(collector, last, total, tag, style)
        else:
            exit_acct = self.lpick(p, members, 0.3, 0.3)
            self.add(t_out, collector, exit_acct, self.styled(total * rng.uniform(0.7, 0.95),
                                                              style), tag)

    def t_scatter_gather(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        src = self.lpick(p, members, 0.4, 0.3)
        dst = self.lpick(p, members, 0.4, 0.3)
        total = _loguniform(rng, 300_000, 5_000_000)
        k = rng.randint(3, 10)
        weights = [rng.uniform(0.5, 1.5) for _ in range(k)]
        t0 = self.t_launder(self.start_day(14), "business")
        spread = rng.choice((2 * HOUR, DAY, 2 * DAY))
        hop = rng.choice((30 * MINUTE, 6 * HOUR, 2 * DAY))
        for w in weights:
            m = self.lpick(p, members, 0.5)
            amount = self.styled(total * w / sum(weights), style)
            t = t0 + rng.randrange(spread)
            self.add(t, src, m, amount, tag)
            self.relay(m, [(t, amount)], [dst], tag, median=hop, sigma=0.8, lo=5 * MINUTE,
                       hi=7 * DAY, keep=(0.01, 0.05), mode="each", style=style)

    def t_gather_scatter(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        hub = self.lpick(p, members, 0.4, 0.35)
        median = _loguniform(rng, 50_000, 800_000)
        spread = rng.randint(1, 7) * DAY
        t0 = self.t_launder(self.start_day(14))
        total = 0
        last = t0
        for _ in range(rng.randint(3, 8)):
            s = self.lpick(p, members, 0.5, 0.1)
            for _ in range(rng.choice((1, 1, 2))):
                amount = self.styled(_clip(_ln(rng, median, 0.5), 5_000, 3_000_000), style)
                t = t0 + rng.randrange(spread)
                self.add(t, s, hub, amount, tag)
                total += amount
                last = max(last, t)
        t1 = last + self.delay(12 * HOUR, 1.0, HOUR, 3 * DAY)
        out_total = total * rng.uniform(0.9, 0.99)
        m = rng.randint(3, 8)
        weights = [rng.uniform(0.5, 1.5) for _ in range(m)]
        scatter = rng.randint(1, 48) * HOUR
        for w in weights:
            r = self.lpick(p, members, 0.5, 0.15)
            self.add(t1 + rng.randrange(scatter), hub, r,
                     self.styled(out_total * w / sum(weights), style), tag)

    def t_cycle(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        length = rng.choice((3, 3, 3, 4, 4, 5, 5, 6, 7, 8))
        loop = [self.lpick(p, members, 0.5, 0.2) for _ in range(length)]
        hops = [20 * MINUTE, 5 * HOUR, 60 * HOUR][: rng.randint(1, 3)]
        hop = hops[-1]
        span = max(1, int(length * hop * 2.5) // DAY)
        while span > self.days - 3 and len(hops) > 1:  # a short window: faster hops
            hops.pop()
            hop = hops[-1]
            span = max(1, int(length * hop * 2.5) // DAY)
        t = self.t_launder(self.start_day(span), "any" if hop < HOUR else "person")
        amount = _loguniform(rng, 100_000, 3_000_000)
        fee = rng.uniform(0.0, 0.03)
        for rep in range(rng.choice((1, 1, 1, 1, 1, 1, 1, 2, 2, 3))):
            if rep and t + span * DAY >= self.end:
                break
            a = amount * (rng.uniform(0.6, 1.4) if rep else 1.0)
            for i in range(length):
                self.add(t, loop[i], loop[(i + 1) % length], self.styled(a, style), tag)
                a *= 1 - fee
                t += max(2 * MINUTE, self.delay(hop, 0.7, MINUTE, 10 * DAY))
            t += rng.randint(3, 20) * DAY

    def t_stacked_bipartite(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        layers = [[self.lpick(p, members, 0.5, 0.15) for _ in range(rng.randint(2, 5))]
                  for _ in range(rng.choice((3, 3, 4)))]
        hop = rng.choice((3 * HOUR, 36 * HOUR))
        t0 = self.t_launder(self.start_day(4 * int(hop * 3) // DAY + 2))
        median = _loguniform(rng, 100_000, 1_500_000)
        received: dict[int, list[tuple[int, int]]] = {
            a: [(t0 + rng.randrange(6 * HOUR), int(_ln(rng, median, 0.4)))] for a in layers[0]}
        for li in range(len(layers) - 1):
            nxt = layers[li + 1]
            targets = {a: rng.sample(nxt, min(len(nxt), rng.randint(1, 3))) for a in layers[li]}
            for b in nxt:
                if not any(b in ts for ts in targets.values()):
                    targets[rng.choice(layers[li])].append(b)
            for a in layers[li]:
                got = received.get(a, [])
                if not got:
                    continue
                avail = sum(x for _, x in got) * (1 - rng.uniform(0.0, 0.03))
                ready = max(t for t, _ in got)
                weights = [rng.uniform(0.5, 1.5) for _ in targets[a]]
                for b, w in zip(targets[a], weights, strict=True):
                    t = ready + max(5 * MINUTE, self.delay(hop, 0.8, 5 * MINUTE, 8 * DAY))
                    amount = self.styled(avail * w / sum(weights), style)
                    self.add(t, a, b, amount, tag)
                    received.setdefault(b, []).append((t, amount))

    def t_structuring(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        structurer = self.lpick(p, members, 0.6)
        receivers = [self.lpick(p, members, 0.4, 0.15) for _ in range(rng.choice((1, 1, 2, 3)))]
        total = _loguniform(rng, 1_200_000, 6_000_000)
        band = rng.choice(("just_under", "round_under", "wide"))
        per_day = rng.choice((1, 1, 2, 3))
        d = self.start_day(20)
        sent = 0.0
        count = 0
        received: dict[int, int] = {}
        last = 0
        while sent < total and count < 16 and d < self.days - 1:
            for _ in range(per_day):
                if band == "just_under":
                    amount = rng.randint(450_000, REPORT_THRESHOLD - 1)
                elif band == "round_under":
                    amount = rng.choice((450_000, 480_000, 490_000, 490_000, 495_000, 499_000,
                                         499_900))
                else:
                    amount = rng.randint(300_000, REPORT_THRESHOLD - 1)
                r = rng.choice(receivers)
                last = self.t_launder(d, "business")
                self.add(last, structurer, r, amount, tag)
                received[r] = received.get(r, 0) + amount
                sent += amount
                count += 1
            d += rng.choice((1, 1, 2, 3))
        if rng.random() < 0.5:
            for r, amount in received.items():
                self.integrate(r, last, amount, tag, "round")

    def t_smurfing(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        collector = self.lpick(p, members, 0.4, 0.25)
        band = rng.choice(((350_000, REPORT_THRESHOLD - 1), (100_000, 300_000), (10_000, 100_000)))
        window = rng.randint(1, 14) * DAY
        t0 = self.t_launder(self.start_day(15))
        total = 0
        last = t0
        for _ in range(rng.randint(4, 14)):
            s = self.lpick(p, members, 0.55)
            for _ in range(rng.randint(1, 4)):
                amount = self.styled(rng.uniform(*band), style)
                t = t0 + rng.randrange(window)
                self.add(t, s, collector, amount, tag)
                total += amount
                last = max(last, t)
        if rng.random() < 0.6:
            exit_acct = self.lpick(p, members, 0.3, 0.3)
            t = last + self.delay(2 * DAY, 1.0, HOUR, 10 * DAY)
            self.send_chunked(t, collector, exit_acct, self.styled(total * rng.uniform(0.8, 0.98),
                                                                   style), tag, 0, style)

    def t_pass_through(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        mule = self.lpick(p, members, 0.5)
        sources = [self.lpick(p, members, 0.3, 0.3) for _ in range(rng.randint(1, 3))]
        dests = [self.lpick(p, members, 0.4, 0.2) for _ in range(rng.randint(1, 3))]
        span = min(rng.randint(2, 8) * 7, self.days - 3)
        start = self.start_day(span)
        median = _loguniform(rng, 100_000, 2_000_000)
        inflows = []
        for _ in range(rng.randint(3, 14)):
            t = self.t_launder(start + rng.randrange(span), "business")
            amount = self.styled(_clip(_ln(rng, median, 0.5), 20_000, MAX_LAUNDER_AMOUNT), style)
            self.add(t, rng.choice(sources), mule, amount, tag)
            inflows.append((t, amount))
        hop = rng.choice((15 * MINUTE, 2 * HOUR))
        self.relay(mule, inflows, dests, tag, median=hop, sigma=0.9, lo=2 * MINUTE,
                   hi=12 * HOUR, keep=(0.0, 0.02), mode="each", style=style)

    def t_behavioural_change(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        candidates = [a for a in self.persons if self.activity[a] < 0.7 and a not in self.used
                      and a not in self.wake and a not in self.savings_of]
        acct = rng.choice(candidates) if candidates else self.fresh(self.persons, members)
        members.add(acct)
        self.label(acct, p)
        takeover = rng.randint(int(0.45 * self.days), int(0.8 * self.days))
        self.cutoff[acct] = self.midnight(takeover)
        # The owner's own quiet history before selling the account.
        for _ in range(rng.randint(3, 8)):
            d = rng.randrange(1, takeover)
            if rng.random() < 0.6:
                shop = self.merchant_picker.pick(rng)
                self.add(self.t_person(d), acct, shop, self.retail_amount(shop))
            else:
                self.add(self.t_person(d), self.friend_of(acct), acct, self.p2p_amount())
        if rng.random() < 0.5:  # the new "owner" runs scam collections through it
            collectors = [self.lpick(p, members, 0.3, 0.1) for _ in range(rng.choice((1, 2)))]
            window = rng.randint(2, 8)
            inflows = []
            for _ in range(rng.randint(3, 10)):
                d = min(takeover + rng.randrange(window), self.days - 1)
                t = self.t_launder(d)
                amount = _clip(_ln(rng, 60_000, 0.9), 5_000, 1_000_000)
                value = _round_to(amount, 1_000) if rng.random() < 0.7 else int(amount)
                self.add(t, self.victim(), acct, value, tag)
                inflows.append((t, value))
            self.relay(acct, inflows, collectors, tag, median=45 * MINUTE, sigma=1.0,
                       lo=10 * MINUTE, hi=12 * HOUR, keep=(0.0, 0.03),
                       mode=rng.choice(("each", "sweep")), style=style,
                       chunk=CHUNK_LIMIT if rng.random() < 0.3 else 0)
        else:  # used as a layering relay
            sources = [self.lpick(p, members, 0.3, 0.3) for _ in range(rng.randint(2, 5))]
            dests = [self.lpick(p, members, 0.3, 0.3) for _ in range(rng.randint(1, 3))]
            window = max(1, min(rng.randint(7, 21), self.days - 2 - takeover))
            inflows = []
            for _ in range(rng.randint(2, 8)):
                t = self.t_launder(takeover + rng.randrange(window), "business")
                amount = self.styled(_loguniform(rng, 200_000, 3_000_000), style)
                self.add(t, rng.choice(sources), acct, amount, tag)
                inflows.append((t, amount))
            self.relay(acct, inflows, dests, tag, median=6 * HOUR, sigma=1.2, lo=20 * MINUTE,
                       hi=4 * DAY, keep=(0.0, 0.03), mode="sweep", style=style)

    def t_single_large(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        style = self.style()
        s = self.lpick(p, members, 0.5, 0.35)
        r = self.lpick(p, members, 0.5, 0.35)
        amount = self.styled(_loguniform(rng, 1_000_000, MAX_LAUNDER_AMOUNT), style)
        t = self.t_launder(self.start_day(25), "business")
        self.add(t, s, r, amount, tag)
        if rng.random() < 0.5:
            dev = rng.choice(self.by_kind["developer"] + self.by_kind["dealer"])
            t2 = t + rng.randint(5, 25) * DAY
            self.add(t2, r, dev, self.styled(amount * rng.uniform(0.8, 1.0), "round"), tag)

    def t_over_invoicing(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        fronts = self.by_kind["corporate"] + self.by_kind["merchant"] + self.by_kind["supplier"]
        importer = self.fresh(fronts, members)
        members.add(importer)
        self.label(importer, p)
        if rng.random() < 0.5:
            exporter = self.fresh(self.by_kind["supplier"], members)
        else:
            exporter = self.fresh(self.by_kind["quiet"], members)  # a sole proprietorship
        members.add(exporter)
        self.label(exporter, p)
        beneficiaries = [self.lpick(p, members, 0.5) for _ in range(rng.randint(1, 3))]
        median = _loguniform(rng, 150_000, 900_000)
        d = self.start_day(30)
        for _ in range(rng.randint(4, 12)):
            if d >= self.days - 1:
                break
            day = self.next_busday(d)
            if day >= self.days:
                break
            base = _round_to(_clip(_ln(rng, median, 0.35), 50_000, 4_700_000), 100)
            t = self.t_business(day)
            invoice = base * 105 // 100
            self.add(t, importer, exporter, invoice, tag)
            t2 = t + rng.randint(1, 10) * DAY + rng.randrange(DAY)
            self.add(t2, exporter, rng.choice(beneficiaries),
                     self.styled(invoice * rng.uniform(0.7, 0.95), "round"), tag)
            d += rng.randint(5, 14)

    def t_low_and_slow(self, p: str, tag: int) -> None:
        rng = self.rng
        members: set[int] = set()
        group = [self.lpick(p, members, 0.7) for _ in range(rng.randint(4, 9))]
        span = min(rng.randint(21, 70), self.days - 3)
        hops = rng.randint(15, 45)
        start = self.start_day(span)
        bal = dict.fromkeys(group, 0)
        bal[group[0]] = int(_loguniform(rng, 100_000, 600_000))
        median = _loguniform(rng, 3_000, 20_000)
        t_prev = self.midnight(start)
        for _ in range(hops):
            day = min(int((t_prev + TZ_OFFSET) // DAY + rng.expovariate(hops / span)),
                      self.days - 1)
            t = self.t_person(day)
            if t <= t_prev:
                t = t_prev + rng.randint(10 * MINUTE, 3 * HOUR)
            t_prev = t
            holders = [a for a in group if bal[a] >= 1_000]
            if not holders:
                break
            holder = rng.choice(holders)
            amount = int(min(_clip(_ln(rng, median, 0.6), 1_000, 45_000), bal[holder]))
            if rng.random() < 0.6:
                amount = max(1_000, amount // 100 * 100)
            if rng.random() < 0.3:  # spend it like anyone would
                shop = self.merchant_picker.pick(rng)
                amount = min(amount, max(1_000, self.retail_amount(shop) * 3))
                self.add(t, holder, shop, amount, tag)
                bal[holder] -= amount
                continue
            receiver = rng.choice([a for a in group if a != holder])
            self.add(t, holder, receiver, amount, tag)
            bal[holder] -= amount
            bal[receiver] += amount

    # ---------------------------------------------------------------- output
    def finish(self) -> tuple[list[_Event], list[int]]:
        self.events.sort(key=lambda e: (e[0], e[1]))
        balance = [0] * self.n
        low = [0] * self.n
        for _, _, s, r, amount, _ in self.events:
            balance[s] -= amount
            if balance[s] < low[s]:
                low[s] = balance[s]
            balance[r] += amount
        initial = [self.baseline[i] - low[i] for i in range(self.n)]
        # Check: replaying from the opening balances never goes negative.
        balance = list(initial)
        for _, _, s, r, amount, _ in self.events:
            balance[s] -= amount
            if balance[s] < 0:
                raise AssertionError(f"account {s} would go negative")
            balance[r] += amount
        return self.events, initial


def _timestamp(ts: int, day_prefix: list[str]) -> str:
    d, rem = divmod(ts, DAY)
    h, rem = divmod(rem, HOUR)
    m, s = divmod(rem, MINUTE)
    return f"{day_prefix[d]}T{h:02d}:{m:02d}:{s:02d}Z"


def generate(out_dir: Path, seed: int = 1, accounts: int = 10_000,
             days: int = 90) -> dict[str, int]:
    """Write transactions.csv, accounts.csv and README.md to ``out_dir``; return the counts."""
    gen = _Generator(seed, accounts, days)
    gen.build_population()
    gen.gen_background()
    gen.launder()
    gen.apply_filters()
    gen.settle_aggregators()
    gen.sweep_shops()
    events, initial = gen.finish()

    ids = list(range(accounts))
    gen.rng.shuffle(ids)
    names = [f"{ACCOUNT_PREFIX}{i:06d}" for i in ids]
    day_prefix = [(START.date() + timedelta(days=d)).isoformat() for d in range(days + 1)]

    out_dir.mkdir(parents=True, exist_ok=True)
    laundering_tx = 0
    per_pattern_tx = dict.fromkeys(PATTERNS, 0)
    with (out_dir / "transactions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["tx_id", "timestamp", "sender", "receiver", "amount_ntd"])
        for n, (ts, _, s, r, amount, tag) in enumerate(events, start=1):
            writer.writerow([n, _timestamp(ts, day_prefix), names[s], names[r], amount])
            if tag:
                laundering_tx += 1
                per_pattern_tx[PATTERNS[tag - 1]] += 1
    per_pattern_acc = dict.fromkeys(PATTERNS, 0)
    with (out_dir / "accounts.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["account", "is_laundering", "initial_balance_ntd", "pattern"])
        for i in sorted(range(accounts), key=lambda a: names[a]):
            patterns = gen.labels.get(i, [])
            for name in patterns:
                per_pattern_acc[name] += 1
            writer.writerow([names[i], 1 if patterns else 0, initial[i], ";".join(patterns)])

    active = len({a for e in events for a in (e[2], e[3])})
    counts: dict[str, int] = {
        "seed": seed, "days": days, "accounts": accounts, "active_accounts": active,
        "laundering_accounts": len(gen.labels), "transfers": len(events),
        "laundering_transfers": laundering_tx,
    }
    for name in PATTERNS:
        counts[f"accounts.{name}"] = per_pattern_acc[name]
        counts[f"transfers.{name}"] = per_pattern_tx[name]
    _write_readme(out_dir / "README.md", counts)
    return counts


def _write_readme(path: Path, counts: dict[str, int]) -> None:
    share = 100 * counts["laundering_accounts"] / counts["accounts"]
    lines = [
        "# Synthetic AML evaluation data (independent generator)",
        "",
        f"Generator: `{GENERATOR_VERSION}` (`nodes/tools/amlgen.py`, `ntdc aml-gen`).",
        f"Seed: {counts['seed']}. Window: {counts['days']} days from {START.date().isoformat()} "
        "(UTC timestamps; behaviour follows Taiwan local time, UTC+8).",
        "",
        "Not derived from IBM AMLSim or from the project's AML rules; see the module docstring "
        "for the typologies and the rationale of every parameter.",
        "",
        "## Counts",
        "",
        f"- accounts: {counts['accounts']} ({counts['active_accounts']} transact)",
        f"- laundering accounts: {counts['laundering_accounts']} ({share:.1f} %)",
        f"- transfers: {counts['transfers']} (of which laundering: "
        f"{counts['laundering_transfers']})",
        "",
        "| pattern | accounts | transfers |",
        "|---|---:|---:|",
    ]
    for name in PATTERNS:
        lines.append(f"| {name} | {counts['accounts.' + name]} | {counts['transfers.' + name]} |")
    lines += [
        "",
        "An account in several typologies is counted once per typology above and lists them "
        "joined by `;` in `accounts.csv`. Fraud victims and the shops where proceeds are spent "
        "are normal accounts. Initial balances are chosen so that no balance ever goes "
        "negative when the transfers are applied in file order.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")

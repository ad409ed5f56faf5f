"""Fund rules, pure: no I/O.

A fund has a manager, committed capital and the institute's commitment; the institute's stake
(commitment / committed capital) must lie within its policy (5-20 % unless configured), and the
rest is social capital the institute's money leveraged. A fund never invests more than its
committed capital. Money is exact: two decimals, never a float."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from services.contracts.domain import HUNDRED, RuleViolation, money

STAKE_QUANTUM = Decimal("0.0001")
# The institute's stake in a fund it backs, in percent, inclusive (its published policy: 5-20 %).
DEFAULT_STAKE_POLICY = (Decimal("5"), Decimal("20"))


@dataclass(frozen=True)
class FundFigures:
    committed_capital: Decimal
    institute_commitment: Decimal
    institute_stake_percent: Decimal
    social_capital: Decimal


def fund_figures(
    committed_capital: Decimal,
    institute_commitment: Decimal,
    policy: tuple[Decimal, Decimal] = DEFAULT_STAKE_POLICY,
) -> FundFigures:
    """The fund's figures, or RuleViolation when the institute's stake breaks its policy."""
    committed, institute = money(committed_capital), money(institute_commitment)
    if committed <= 0 or institute <= 0:
        raise ValueError("committed_capital and institute_commitment must be positive")
    if institute > committed:
        raise RuleViolation(
            "commitment-above-capital",
            f"the institute's commitment {institute} exceeds the fund's committed capital {committed}",
            committed_capital=committed,
            institute_commitment=institute,
        )
    low, high = policy
    stake = (institute / committed * HUNDRED).quantize(STAKE_QUANTUM)
    if not low * committed <= institute * HUNDRED <= high * committed:  # exact, before rounding
        raise RuleViolation(
            "stake-outside-policy",
            f"the institute's stake would be {stake}%; its policy allows {low}% to {high}%",
            institute_stake_percent=stake,
            policy_min_percent=low,
            policy_max_percent=high,
        )
    return FundFigures(committed, institute, stake, committed - institute)


def check_investment(committed_capital: Decimal, invested_total: Decimal, amount: Decimal) -> Decimal:
    """The fund's invested total after this investment, or RuleViolation when it would exceed
    the committed capital."""
    amount = money(amount)
    if amount <= 0:
        raise ValueError("amount must be positive")
    after = money(invested_total) + amount
    if after > committed_capital:
        raise RuleViolation(
            "fund-overcommitted",
            f"the fund has {committed_capital - invested_total} of its committed capital left, not {amount}",
            committed_capital=committed_capital,
            invested_total=invested_total,
            available=committed_capital - invested_total,
        )
    return after


def look_through_percent(company_stake_percent: Decimal | None, institute_stake_percent: Decimal) -> Decimal | None:
    """The institute's indirect share of a company a fund holds a stake in."""
    if company_stake_percent is None:
        return None
    return (company_stake_percent * institute_stake_percent / HUNDRED).quantize(STAKE_QUANTUM)


@dataclass(frozen=True)
class Holding:
    """One line of the portfolio: a fund's investment in a company, or a converted grant."""

    kind: str  # "fund_investment" | "converted_grant"
    source_id: str
    company: str
    amount: Decimal
    equity_percent: Decimal | None
    institute_percent: Decimal | None
    held_since: date

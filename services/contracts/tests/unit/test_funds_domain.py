"""Fund rules without I/O: the institute's stake within its policy, exact money, committed capital."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.contracts.domain import RuleViolation
from services.contracts.funds.domain import check_investment, fund_figures, look_through_percent

D = Decimal


def test_the_stake_and_the_social_capital_follow_from_the_commitments() -> None:
    f = fund_figures(D("1315000000.00"), D("131500000.00"))
    assert (f.institute_stake_percent, f.social_capital) == (D("10.0000"), D("1183500000.00"))


@pytest.mark.parametrize(
    ("institute", "ok"),
    [("49999999.99", False), ("50000000.00", True), ("200000000.00", True), ("200000000.01", False)],
)
def test_the_policy_bounds_are_inclusive(institute: str, ok: bool) -> None:
    if ok:
        assert fund_figures(D("1000000000.00"), D(institute)).institute_commitment == D(institute)
    else:
        with pytest.raises(RuleViolation) as err:
            fund_figures(D("1000000000.00"), D(institute))
        assert err.value.slug == "stake-outside-policy"


def test_a_commitment_above_the_fund_and_sub_fen_amounts_are_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        fund_figures(D("100.00"), D("101.00"))
    assert err.value.slug == "commitment-above-capital"
    with pytest.raises(ValueError):
        fund_figures(D("100.001"), D("10.00"))
    assert fund_figures(D("100.00"), D("10.00"), policy=(D("0"), D("100"))).social_capital == D("90.00")


def test_investments_stop_at_the_committed_capital() -> None:
    assert check_investment(D("100.00"), D("60.00"), D("40.00")) == D("100.00")
    with pytest.raises(RuleViolation) as err:
        check_investment(D("100.00"), D("60.00"), D("40.01"))
    assert (err.value.slug, err.value.extra["available"]) == ("fund-overcommitted", D("40.00"))
    with pytest.raises(ValueError):
        check_investment(D("100.00"), D("0.00"), D("0.00"))


def test_the_look_through_share_is_the_stake_times_the_institutes_stake() -> None:
    assert look_through_percent(D("15"), D("10.0000")) == D("1.5000")
    assert look_through_percent(None, D("10")) is None

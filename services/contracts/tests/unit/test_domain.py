"""Contract rules beyond the lifecycle table: signing readiness, IP shares, amendments and their
history, milestones, payments, completion, termination and the grant-to-equity conversion."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from services.contracts.domain import (
    Contract,
    ContractStatus,
    IllegalMilestoneTransition,
    InvestmentTerms,
    IpOwnership,
    MilestoneSpec,
    MilestoneStatus,
    Party,
    RuleViolation,
    Terms,
    UnknownMilestone,
    VersionRecord,
    VersionStatus,
    VersionStatusChange,
    check_terms,
    money,
    signing_problems,
)
from services.contracts.tests.unit.factories import (
    M1,
    M2,
    M3,
    contract_in,
    draft,
    fresh,
    in_force,
    later,
    pay_all,
    ready_terms,
    sign,
)
from shared.calendar import institute_month
from shared.events import contracts as ev
from shared.records import from_doc, to_json

S = ContractStatus
MS = MilestoneStatus
D = Decimal


def _spec(title: str, amount: str, *, id: uuid.UUID | None = None, due: date = date(2026, 9, 30)) -> MilestoneSpec:
    return MilestoneSpec(title, f"{title}的交付物", due, D(amount), id)


def _deliver_accept(c: Contract, mid: uuid.UUID, minutes: int = 50) -> Contract:
    c = c.deliver_milestone(mid, note=None, now=later(minutes))
    return c.accept_milestone(mid, now=later(minutes + 1))


# --- money and dates -----------------------------------------------------------------------------


def test_money_is_exact_to_the_fen_and_never_rounded() -> None:
    assert money(D("1")) == D("1.00") and str(money(D("1"))) == "1.00"
    with pytest.raises(ValueError, match="two decimal places"):
        money(D("0.001"))


def test_month_is_china_time() -> None:
    assert institute_month(datetime(2026, 3, 31, 15, 59, tzinfo=UTC)) == "2026-03"
    assert institute_month(datetime(2026, 3, 31, 16, 0, tzinfo=UTC)) == "2026-04"


# --- drafting and signing --------------------------------------------------------------------------


def test_a_draft_records_contract_drafted_with_its_parties_and_value() -> None:
    c = Contract.draft(
        now=later(),
        enterprise_id=uuid.uuid4(),
        carrier_id=uuid.uuid4(),
        terms=ready_terms(),
        center_id=uuid.uuid4(),
    )
    [e] = c.events
    assert isinstance(e, ev.ContractDrafted)
    assert e.value == D("3200000.00") and e.contract_type == "technology_development" and e.center_id == c.center_id
    assert (e.starts_on, e.ends_on) == (date(2026, 4, 15), date(2027, 4, 14))
    assert c.status is S.DRAFT and c.contract_version == 1 and [m.status for m in c.milestones] == [MS.PENDING] * 3
    [record] = c.version_updates
    assert (record.number, record.status) == (1, VersionStatus.DRAFT)


def test_a_draft_from_a_match_is_not_ready_to_sign_until_completed() -> None:
    bare = Terms(contract_type=ready_terms().contract_type, title="固态电解质开发", value=D("0.00"))
    problems = signing_problems(bare)
    assert len(problems) == 5
    c = draft(bare)
    with pytest.raises(RuleViolation) as info:
        sign(c, Party.ENTERPRISE)
    assert info.value.slug == "not-ready-to-sign"
    assert info.value.extra["problems"] == problems


def test_milestones_must_add_up_to_the_value_exactly_to_sign() -> None:
    off = ready_terms(value=D("3200000.01"))
    assert signing_problems(off) == ["milestone amounts add up to 3200000.00, not the contract value 3200000.01"]
    with pytest.raises(RuleViolation, match="add up to"):
        sign(draft(off), Party.CARRIER)
    assert signing_problems(ready_terms()) == []


def test_milestones_due_outside_the_contract_period_cannot_be_signed() -> None:
    t = ready_terms(ends_on=date(2027, 3, 1))
    assert signing_problems(t) == ["milestones due outside the contract period: 工艺包交付"]


def test_both_parties_sign_each_with_its_own_action_and_the_second_puts_it_in_force() -> None:
    c = sign(draft(), Party.ENTERPRISE)
    assert c.status is S.SIGNED_BY_ENTERPRISE and c.signed_at is None
    [e] = c.events
    assert isinstance(e, ev.ContractSignedByParty) and e.party == "enterprise" and e.contract_version == 1
    c = sign(fresh(c), Party.CARRIER, 2)
    assert c.status is S.IN_FORCE and c.signed_at == later(2) and c.signed_month == "2026-04"
    assert [type(x) for x in c.events] == [ev.ContractSignedByParty, ev.ContractSigned]
    signed = c.events[1]
    assert isinstance(signed, ev.ContractSigned) and signed.value == D("3200000.00") and signed.contract_version == 1
    record = c.version_updates[-1]
    assert isinstance(record, VersionRecord) and record.status is VersionStatus.SIGNED
    assert record.enterprise_signature and record.carrier_signature


def test_editing_terms_one_party_signed_withdraws_that_signature() -> None:
    c = fresh(sign(draft(), Party.ENTERPRISE))
    edited = c.edit({"confidentiality_years": 10}, now=later(5))
    assert edited.status is S.DRAFT and edited.enterprise_signature is None
    assert edited.terms.confidentiality_years == 10 and edited.events == []
    assert c.edit({"confidentiality_years": 5}, now=later(5)) is c  # no change: nothing withdrawn


def test_the_milestone_plan_is_edited_as_a_whole_keeping_ids() -> None:
    c = draft()
    plan = [_spec("小试", "1200000.00", id=M1), _spec("中试", "2000000.00", id=M2)]
    edited = c.edit({"milestones": plan}, now=later())
    assert [m.id for m in edited.milestones] == [M1, M2]
    assert edited.terms.milestones_total == D("3200000.00")
    with pytest.raises(ValueError, match="not a milestone of this contract"):
        c.edit({"milestones": [_spec("x", "1.00", id=uuid.uuid4())]}, now=later())


# --- IP ownership ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("e", "c", "ok"),
    [("60", "40", True), ("50.5", "49.5", True), ("60", "40.01", False), ("100", "0", False), ("70", "20", False)],
)
def test_joint_ip_shares_add_up_to_exactly_100(e: str, c: str, ok: bool) -> None:
    t = ready_terms(ip_enterprise_share=D(e), ip_carrier_share=D(c))
    if ok:
        assert check_terms(t).ip_enterprise_share == D(e)
    else:
        with pytest.raises(ValueError):
            check_terms(t)


def test_shares_only_for_joint_ownership_and_leaving_joint_drops_them() -> None:
    with pytest.raises(ValueError, match="only for joint"):
        check_terms(ready_terms(ip_ownership=IpOwnership.CARRIER))
    c = draft().edit({"ip_ownership": IpOwnership.ENTERPRISE}, now=later())
    assert c.terms.ip_enterprise_share is None and c.terms.ip_carrier_share is None


# --- amendments ----------------------------------------------------------------------------------------


def test_an_amendment_is_a_new_version_both_sign_again_and_history_is_kept() -> None:
    c = in_force()
    plan = [
        _spec("小试配方确定", "960000.00", id=M1, due=date(2026, 7, 31)),
        _spec("中试工艺验证", "1280000.00", id=M2, due=date(2026, 12, 31)),
        _spec("工艺包交付", "960000.00", id=M3, due=date(2027, 4, 1)),
        _spec("量产导入支持", "250000.00", due=date(2027, 6, 1)),
    ]
    a = fresh(
        c.propose_amendment({"value": D("3450000.00"), "ends_on": date(2027, 6, 30), "milestones": plan}, now=later(5))
    )
    assert a.status is S.AMENDMENT_DRAFT and a.latest_version == 2 and a.contract_version == 1
    assert a.terms.value == D("3200000.00")  # the version in force is unchanged until both sign
    a = fresh(sign(a, Party.CARRIER, 6))
    assert a.status is S.AMENDMENT_SIGNED_BY_CARRIER
    done = sign(a, Party.ENTERPRISE, 7)
    assert done.status is S.IN_FORCE and done.contract_version == 2 and done.value == D("3450000.00")
    assert len(done.milestones) == 4 and done.terms.milestones_total == done.value
    amended = done.events[-1]
    assert isinstance(amended, ev.ContractAmended) and amended.contract_version == 2
    assert amended.value == D("3450000.00")
    assert amended.changes["value"] == "3450000.00" and amended.changes["ends_on"] == "2027-06-30"
    assert len(amended.changes["milestones"]["added"]) == 1  # type: ignore[index]
    statuses = {(u.number, u.status) for u in done.version_updates}
    assert (1, VersionStatus.SUPERSEDED) in statuses and (2, VersionStatus.SIGNED) in statuses
    assert any(isinstance(u, VersionStatusChange) for u in done.version_updates)
    assert done.signed_at == later(2)  # signed once; amended since


def test_an_amendment_must_change_something() -> None:
    with pytest.raises(ValueError, match="at least one term"):
        in_force().propose_amendment({"confidentiality_years": 5}, now=later())


def test_an_amendment_keeps_settled_milestones_as_they_are() -> None:
    c = fresh(_deliver_accept(in_force(), M1))
    cheaper = [
        _spec("小试配方确定", "900000.00", id=M1, due=date(2026, 7, 31)),
        _spec("中试工艺验证", "1340000.00", id=M2, due=date(2026, 12, 31)),
        _spec("工艺包交付", "960000.00", id=M3, due=date(2027, 4, 1)),
    ]
    with pytest.raises(RuleViolation) as info:
        c.propose_amendment({"milestones": cheaper}, now=later(60))
    assert info.value.slug == "milestone-settled"
    without_m1 = cheaper[1:]
    with pytest.raises(RuleViolation, match="cannot remove"):
        c.propose_amendment({"milestones": without_m1, "value": D("2300000.00")}, now=later(60))


def test_work_delivered_while_an_amendment_is_negotiated_blocks_signing_a_change_to_it() -> None:
    c = in_force()
    plan = [
        _spec("小试配方确定", "1000000.00", id=M1, due=date(2026, 7, 31)),
        _spec("中试工艺验证", "1240000.00", id=M2, due=date(2026, 12, 31)),
        _spec("工艺包交付", "960000.00", id=M3, due=date(2027, 4, 1)),
    ]
    a = fresh(c.propose_amendment({"milestones": plan}, now=later(5)))
    a = fresh(sign(a, Party.ENTERPRISE, 6))
    a = fresh(a.deliver_milestone(M1, note=None, now=later(7)))  # the version in force keeps running
    assert a.status is S.AMENDMENT_SIGNED_BY_ENTERPRISE
    with pytest.raises(RuleViolation) as info:
        sign(a, Party.CARRIER, 8)
    assert info.value.slug == "milestone-settled"


def test_withdrawing_an_amendment_keeps_the_version_in_force_and_numbers_go_on() -> None:
    a = contract_in(S.AMENDMENT_SIGNED_BY_ENTERPRISE)
    w = fresh(a.withdraw_amendment(now=later(9)))
    assert w.status is S.IN_FORCE and w.proposal is None and w.enterprise_signature is None
    assert w.contract_version == 1 and w.latest_version == 2
    again = w.propose_amendment({"confidentiality_years": 9}, now=later(10))
    assert again.latest_version == 3


# --- milestones and payments ----------------------------------------------------------------------------


def test_rejected_milestone_can_be_delivered_again_and_rejection_needs_a_reason() -> None:
    c = in_force().deliver_milestone(M1, note="初版报告", now=later(5))
    with pytest.raises(ValueError, match="reason"):
        c.reject_milestone(M1, reason="  ", now=later(6))
    r = c.reject_milestone(M1, reason="缺少循环寿命测试数据", now=later(6))
    m = r.milestone(M1)
    assert m.status is MS.REJECTED and m.rejection_reason == "缺少循环寿命测试数据" and m.rejections == 1
    again = r.deliver_milestone(M1, note="补充数据", now=later(7))
    assert again.milestone(M1).status is MS.DELIVERED
    assert [type(e) for e in again.events] == [ev.MilestoneDelivered, ev.MilestoneRejected, ev.MilestoneDelivered]


def test_payment_only_against_an_accepted_milestone_and_never_more_than_outstanding() -> None:
    c = in_force()
    with pytest.raises(IllegalMilestoneTransition):
        c.record_payment(M1, D("1.00"), paid_on=date(2026, 8, 1), now=later(), recorded_by="finance")
    c = fresh(_deliver_accept(c, M1))
    c, p = c.record_payment(M1, D("500000.00"), paid_on=date(2026, 8, 1), now=later(60), recorded_by="finance")
    assert c.milestone(M1).status is MS.ACCEPTED and c.milestone(M1).paid_amount == D("500000.00")
    assert p.amount == D("500000.00") and p.contract_id == c.id
    e = c.events[-1]
    assert isinstance(e, ev.PaymentRecorded) and e.contract_paid_total == D("500000.00") and e.payment_id == p.id
    with pytest.raises(RuleViolation) as info:
        c.record_payment(M1, D("460000.01"), paid_on=date(2026, 8, 2), now=later(61), recorded_by="finance")
    assert info.value.slug == "overpayment" and info.value.extra["outstanding"] == D("460000.00")
    c, _ = c.record_payment(M1, D("460000.00"), paid_on=date(2026, 8, 2), now=later(61), recorded_by="finance")
    assert c.milestone(M1).status is MS.PAID and c.status is S.IN_FORCE
    with pytest.raises(UnknownMilestone):
        c.accept_milestone(uuid.uuid4(), now=later(62))


def test_completed_automatically_when_every_milestone_is_accepted_and_paid() -> None:
    c = pay_all(in_force())
    assert c.status is S.COMPLETED and c.paid_total == c.value
    done = c.events[-1]
    assert isinstance(done, ev.ContractCompleted) and done.paid_total == D("3200000.00") and done.value == c.value
    assert sum(isinstance(e, ev.ContractCompleted) for e in c.events) == 1


def test_while_an_amendment_is_open_completion_waits_for_it_to_close() -> None:
    a = contract_in(S.AMENDMENT_DRAFT)
    paid = fresh(pay_all(a))
    assert paid.status is S.AMENDMENT_DRAFT and paid.paid_total == paid.value
    w = paid.withdraw_amendment(now=later(90))
    assert w.status is S.COMPLETED and isinstance(w.events[-1], ev.ContractCompleted)


def test_termination_cancels_every_unpaid_milestone_and_keeps_what_was_paid() -> None:
    c = fresh(_deliver_accept(in_force(), M1))
    c, _ = c.record_payment(M1, D("960000.00"), paid_on=date(2026, 8, 1), now=later(60), recorded_by="finance")
    c = fresh(_deliver_accept(c, M2, 70))
    c, _ = c.record_payment(M2, D("280000.00"), paid_on=date(2026, 9, 1), now=later(72), recorded_by="finance")
    t = c.terminate(reason="企业战略调整，双方协商一致解除合同", now=later(80))
    assert t.status is S.TERMINATED and t.termination_reason and t.terminated_at == later(80)
    assert [m.status for m in t.milestones] == [MS.PAID, MS.CANCELLED, MS.CANCELLED]
    assert t.paid_total == D("1240000.00")
    e = t.events[-1]
    assert isinstance(e, ev.ContractTerminated) and e.cancelled_milestones == 2
    with pytest.raises(ValueError, match="reason"):
        c.terminate(reason="", now=later(80))


# --- allocation and investment ------------------------------------------------------------------------


def test_grant_converts_by_valuation_stake_is_grant_over_valuation() -> None:
    c = in_force()
    x = c.convert_grant(
        commercialisation_event="成立公司并完成首轮融资",
        occurred_on=date(2027, 5, 10),
        conversion_valuation=D("25000000.00"),
        now=later(100),
    )
    assert x.conversion is not None and x.conversion.equity_percent == D("8.0000")
    e = x.events[-1]
    assert isinstance(e, ev.GrantConvertedToEquity)
    assert (e.company, e.grant_amount, e.equity_percent, e.conversion_valuation) == (
        "常州锂源储能材料有限公司",
        D("2000000.00"),
        D("8.0000"),
        D("25000000.00"),
    )
    with pytest.raises(RuleViolation) as info:
        x.convert_grant(
            commercialisation_event="再次", occurred_on=date(2027, 6, 1), stake_percent=D("5"), now=later(101)
        )
    assert info.value.slug == "already-converted"


def test_grant_converts_by_stake_with_the_implied_valuation() -> None:
    x = in_force().convert_grant(
        commercialisation_event="技术作价入股", occurred_on=date(2027, 5, 10), stake_percent=D("8.50"), now=later(100)
    )
    assert x.conversion is not None
    assert x.conversion.equity_percent == D("8.5000") and x.conversion.conversion_valuation == D("23529411.76")


def test_grant_conversion_stake_rounds_half_up_to_four_places() -> None:
    x = in_force().convert_grant(
        commercialisation_event="成立公司",
        occurred_on=date(2027, 5, 10),
        conversion_valuation=D("30000000.00"),
        now=later(),
    )
    assert x.conversion is not None and x.conversion.equity_percent == D("6.6667")


def test_grant_conversion_needs_investment_terms_and_room_in_the_company() -> None:
    no_inv = in_force(ready_terms(investment=None))
    with pytest.raises(RuleViolation) as info:
        no_inv.convert_grant(
            commercialisation_event="x事件", occurred_on=date(2027, 1, 1), stake_percent=D("5"), now=later()
        )
    assert info.value.slug == "no-investment-terms"
    with pytest.raises(ValueError, match="above 100%"):
        in_force().convert_grant(
            commercialisation_event="成立公司", occurred_on=date(2027, 1, 1), stake_percent=D("30.01"), now=later()
        )
    with pytest.raises(ValueError, match="stake_percent or conversion_valuation"):
        in_force().convert_grant(commercialisation_event="成立公司", occurred_on=date(2027, 1, 1), now=later())


@pytest.mark.parametrize(
    "inv",
    [
        InvestmentTerms(D("0"), "公司"),
        InvestmentTerms(D("100.00"), "公司", team_holding_percent=D("100.01")),
        InvestmentTerms(D("100.00"), "公司", team_holding_percent=D("-1")),
        InvestmentTerms(D("100.00"), "公司", team_holding_percent=D("70"), equity_incentive_percent=D("31")),
        InvestmentTerms(D("100.00"), "公司", stake_percent=D("5"), conversion_valuation=D("1000.00")),
        InvestmentTerms(D("100.00"), "公司", conversion_valuation=D("99.99")),
    ],
)
def test_investment_terms_are_validated(inv: InvestmentTerms) -> None:
    with pytest.raises(ValueError):
        check_terms(ready_terms(investment=inv))


def test_after_conversion_the_investment_terms_are_locked() -> None:
    x = fresh(
        in_force().convert_grant(
            commercialisation_event="成立公司", occurred_on=date(2027, 1, 1), stake_percent=D("10"), now=later()
        )
    )
    with pytest.raises(RuleViolation, match="converted"):
        x.propose_amendment({"investment": None}, now=later(2))


def test_terms_survive_their_json_form() -> None:
    t = check_terms(ready_terms())
    assert from_doc(Terms, to_json(t)) == t

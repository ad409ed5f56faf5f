"""The history import of the contracts service: the funds the institute backed, and their investments.

Rows (CSV or JSON Lines, shared.bulk; the mechanics are shared.history's):
- fund: ``source_id``, then the fields of ``POST /funds`` (``name``, ``manager``,
  ``committed_capital``, ``institute_commitment``, ``established_on``); dated the day it was
  established (midnight, the institute's time zone), its stake within policy as the API checks;
- investment: ``source_id``, ``fund`` (its source id), then the fields of
  ``POST /funds/{id}/investments`` (``company``, ``amount``, ``stake_percent``, ``invested_on``,
  ``note``); dated the day it was made, never beyond the fund's committed capital.

- contract: ``source_id``, ``match`` (the match row's source id in the same file), ``signed_at``,
  ``enterprise_signatory``, ``carrier_signatory``, then the terms as ``PATCH /contracts/{id}`` takes
  them (``value``, ``scope``, ``starts_on``, ``ends_on``, ``ip_ownership``, ``milestones``, ...): the
  draft the accepted match made gets these terms and both signatures, dated ``signed_at``;
- payment: ``source_id``, ``contract`` (its source id), ``milestone`` (its number, from 1),
  ``amount``, ``paid_on``, optionally ``reference`` and ``note``: the milestone delivered and
  accepted (unless it was) and the payment recorded, dated the day it was paid.

Each goes through the service's use cases (FundService, ContractService) in a unit of work dated
when it happened, so the events (FundEstablished, FundInvested, ContractSigned, PaymentRecorded,
...) carry that time. A contract's draft comes from the match's MatchAccepted event: the import
first waits (bounded, with progress) for the drafts of the matches its rows name.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from services.contracts.domain import MilestoneStatus, Party
from services.contracts.funds.schemas import FundCreate, InvestmentCreate
from services.contracts.repository import ContractRepository
from services.contracts.schemas import PaymentCreate, TermsIn
from services.contracts.service import ContractService
from services.contracts.tables import contracts, imported_records
from shared.auth import Actor, Role
from shared.bulk import SourceRow
from shared.history import HistoryImporter, Rejected, Step, present, validate, when
from shared.outbox import UnitOfWork, UnitOfWorkFactory

IMPORTER = Actor(subject="system:history-import", roles=frozenset({Role.OPERATOR}))
FUND_COLUMNS = tuple(FundCreate.model_fields)
INVESTMENT_COLUMNS = tuple(f for f in InvestmentCreate.model_fields if f != "contract_id")
TERMS_COLUMNS = tuple(TermsIn.model_fields)
PAYMENT_COLUMNS = ("amount", "paid_on", "reference", "note")


class ContractsHistoryImporter(HistoryImporter):
    TYPES = ("fund", "investment", "contract", "payment")
    # Each row type: the column dating it, its rank at the same moment, what it counts as.
    STEPS: ClassVar[dict[str, tuple[str, int, str]]] = {
        "fund": ("established_on", 0, "funds"),
        "investment": ("invested_on", 1, "investments"),
        "contract": ("signed_at", 2, "contracts"),
        "payment": ("paid_on", 3, "payments"),
    }

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        super().__init__(uow, imported_records)
        self.contracts = ContractService(uow)
        self.funds = self.contracts.funds

    def steps(self, kind: str, row: SourceRow) -> list[Step]:
        column, rank, counted_as = self.STEPS[kind]
        at = when(row.values.get(column), column)
        return [Step(at, rank, row.line, counted_as, row, f"{kind}:{row.values['source_id']}")]

    async def prepare(self, steps: list[Step], known: dict[str, uuid.UUID], deadline: float) -> None:
        matches = {
            known[f"match:{s.row.values.get('match')}"]
            for s in steps
            if s.kind == "contracts" and s.key not in known and f"match:{s.row.values.get('match')}" in known
        }

        async def missing() -> int:
            async with self.uow.read() as conn:
                matches.difference_update(await present(conn, contracts.c.match_id, matches))
            return len(matches)

        await self.wait_until(missing, deadline)

    async def apply(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        v = step.row.values
        if step.kind == "contracts":
            return await self._contract(uow, step, known)
        if step.kind == "payments":
            return await self._payment(uow, step, known)
        if step.kind == "funds":
            values: dict[str, Any] = {k: v[k] for k in FUND_COLUMNS if k in v}
            fund = await self.funds.establish(uow, IMPORTER, validate(FundCreate, values, step.at))
            fund_id: uuid.UUID = fund["id"]
            return fund_id
        fund_id = self.ref(known, "fund", v.get("fund"), "fund")
        values = {k: v[k] for k in INVESTMENT_COLUMNS if k in v}
        investment = await self.funds.invest(uow, IMPORTER, fund_id, validate(InvestmentCreate, values, step.at))
        investment_id: uuid.UUID = investment["id"]
        return investment_id

    async def _contract(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        """The match's draft, with the terms signed then by both parties."""
        v = step.row.values
        match_id = self.ref(known, "match", v.get("match"), "match")
        contract_id = await ContractRepository(uow.conn).any_contract_for_match(match_id)
        if contract_id is None:
            raise Rejected(
                f"match {v.get('match')!r} has no contract draft (its MatchAccepted was not consumed in time)",
                [{"field": "match", "message": "no draft"}],
            )
        terms = validate(TermsIn, {k: v[k] for k in TERMS_COLUMNS if k in v}, step.at).changes()
        await self.contracts.edit(IMPORTER, contract_id, terms, if_match=None, uow=uow)
        for party in (Party.ENTERPRISE, Party.CARRIER):
            signatory = v.get(f"{party.value}_signatory")
            await self.contracts.sign(
                IMPORTER,
                contract_id,
                party=party,
                signatory=str(signatory) if signatory else None,
                if_match=None,
                uow=uow,
            )
        return contract_id

    async def _payment(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        """A payment on a milestone, delivered and accepted first unless it was."""
        v = step.row.values
        contract_id = self.ref(known, "contract", v.get("contract"), "contract")
        data = validate(PaymentCreate, {k: v[k] for k in PAYMENT_COLUMNS if k in v}, step.at)
        contract = await ContractRepository(uow.conn).get(contract_id)
        assert contract is not None
        try:
            number = int(v.get("milestone") or 0)
            if number < 1:
                raise IndexError(number)
            milestone = sorted(contract.milestones, key=lambda m: m.position)[number - 1]
        except (ValueError, IndexError):
            raise Rejected(
                f"the contract has no milestone {v.get('milestone')!r}",
                [{"field": "milestone", "message": f"a number from 1 to {len(contract.milestones)}"}],
            ) from None
        if milestone.status in (MilestoneStatus.PENDING, MilestoneStatus.REJECTED):
            await self.contracts.deliver(IMPORTER, contract_id, milestone.id, note=None, if_match=None, uow=uow)
        if milestone.status is not MilestoneStatus.ACCEPTED and milestone.status is not MilestoneStatus.PAID:
            await self.contracts.accept(IMPORTER, contract_id, milestone.id, if_match=None, uow=uow)
        _, payment = await self.contracts.record_payment(uow, IMPORTER, contract_id, milestone.id, data)
        payment_id: uuid.UUID = payment.id
        return payment_id

"""The history import of the contracts service: the funds the institute backed, and their investments.

Rows (CSV or JSON Lines, shared.bulk; the mechanics are shared.history's):
- fund: ``source_id``, then the fields of ``POST /funds`` (``name``, ``manager``,
  ``committed_capital``, ``institute_commitment``, ``established_on``); dated the day it was
  established (midnight, the institute's time zone), its stake within policy as the API checks;
- investment: ``source_id``, ``fund`` (its source id), then the fields of
  ``POST /funds/{id}/investments`` (``company``, ``amount``, ``stake_percent``, ``invested_on``,
  ``note``); dated the day it was made, never beyond the fund's committed capital.

Each goes through FundService's use case in a unit of work dated when it happened, so the
FundEstablished and FundInvested events carry that time.
"""

from __future__ import annotations

import uuid
from typing import Any

from services.contracts.funds.schemas import FundCreate, InvestmentCreate
from services.contracts.funds.service import FundService
from services.contracts.tables import imported_records
from shared.auth import Actor, Role
from shared.bulk import SourceRow
from shared.history import HistoryImporter, Step, validate, when
from shared.outbox import UnitOfWork, UnitOfWorkFactory

IMPORTER = Actor(subject="system:history-import", roles=frozenset({Role.OPERATOR}))
FUND_COLUMNS = tuple(FundCreate.model_fields)
INVESTMENT_COLUMNS = tuple(f for f in InvestmentCreate.model_fields if f != "contract_id")


class ContractsHistoryImporter(HistoryImporter):
    TYPES = ("fund", "investment")

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        super().__init__(uow, imported_records)
        self.funds = FundService(uow)

    def steps(self, kind: str, row: SourceRow) -> list[Step]:
        v = row.values
        if kind == "fund":
            at = when(v.get("established_on"), "established_on")
            return [Step(at, 0, row.line, "funds", row, f"fund:{v['source_id']}")]
        at = when(v.get("invested_on"), "invested_on")
        return [Step(at, 1, row.line, "investments", row, f"investment:{v['source_id']}")]

    async def apply(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        v = step.row.values
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

"""The history import of the demand service: an institute's past enterprises, centers and demands,
with their real dates.

Each row says what it is (``type``: ``enterprise``, ``center`` or ``demand``) and carries the
identifier it has in the institute's own records (``source_id``). The mechanics are
shared.history's (rows in the order things happened, units of work dated when they happened,
each step once, bad rows reported by line); here each step goes through the same use case as the
API (``DemandService``), so rows carry the original date and events their CloudEvents ``time``.

Columns (CSV or JSON Lines, shared.bulk):
- enterprise: ``source_id``, ``registered_at``, then the fields of ``POST /enterprises``
  (``contact_name``/``contact_email``/``contact_phone`` for the one contact of a CSV row);
  an enterprise already registered under the credit code is linked, not registered again;
- center: ``source_id``, ``enterprise`` (its source id), ``name``, ``established_on``,
  ``committed_funding``;
- demand: ``source_id``, ``enterprise``, ``center`` (optional), ``submitted_at``,
  ``published_at`` (optional), then the fields of ``POST /demands``. The deadline may have passed
  since (it must only follow ``submitted_at``), which the public create keeps refusing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from services.demand.domain import DemandAction
from services.demand.repository import DemandRepository
from services.demand.schemas import CenterCreate, DemandCreate, EnterpriseCreate
from services.demand.service import DemandService
from services.demand.tables import imported_records
from shared.bulk import SourceRow, split_list
from shared.history import HistoryImporter, Rejected, Step, validate, when
from shared.outbox import UnitOfWork

CENTER_COLUMNS = ("name", "established_on", "committed_funding", "status")


class DemandHistoryImporter(HistoryImporter):
    TYPES = ("enterprise", "center", "demand")

    def __init__(self, service: DemandService) -> None:
        super().__init__(service.uow, imported_records)
        self.service = service

    def steps(self, kind: str, row: SourceRow) -> list[Step]:
        v = row.values
        sid = v["source_id"]
        if kind == "enterprise":
            return [
                Step(
                    when(v.get("registered_at"), "registered_at"), 0, row.line, "enterprises", row, f"enterprise:{sid}"
                )
            ]
        if kind == "center":
            return [Step(when(v.get("established_on"), "established_on"), 1, row.line, "centers", row, f"center:{sid}")]
        steps = [Step(when(v.get("submitted_at"), "submitted_at"), 2, row.line, "demands", row, f"demand:{sid}")]
        if v.get("published_at"):
            published = when(v["published_at"], "published_at")
            if published < steps[0].at:
                raise Rejected("published_at is before submitted_at", [{"field": "published_at", "message": "early"}])
            steps.append(Step(published, 3, row.line, "published", row, f"demand:{sid}#published"))
        return steps

    async def apply(self, uow: UnitOfWork, step: Step, known: dict[str, uuid.UUID]) -> uuid.UUID:
        v = dict(step.row.values)
        if step.kind == "enterprises":
            return await self._enterprise(uow, v, step.at)
        if step.kind == "centers":
            enterprise_id = self.ref(known, "enterprise", v.get("enterprise"), "enterprise")
            values: dict[str, Any] = {k: v[k] for k in CENTER_COLUMNS if k in v}
            center = await self.service.establish_center(uow, enterprise_id, validate(CenterCreate, values, step.at))
            center_id: uuid.UUID = center["id"]
            return center_id
        if step.kind == "demands":
            return await self._demand(uow, v, known, step.at)
        demand_id = self.ref(known, "demand", v["source_id"], "source_id")
        await self.service.transition(demand_id, DemandAction.PUBLISH, uow=uow)
        return demand_id

    async def _enterprise(self, uow: UnitOfWork, v: dict[str, Any], at: datetime) -> uuid.UUID:
        fields = set(EnterpriseCreate.model_fields) - {"contacts"}
        values: dict[str, Any] = {k: v[k] for k in fields if k in v}
        contacts = v.get("contacts")
        if contacts is None and v.get("contact_name"):
            contacts = [{k: v[f"contact_{k}"] for k in ("name", "email", "phone") if v.get(f"contact_{k}")}]
        values["contacts"] = contacts or []
        data = validate(EnterpriseCreate, values, at)
        existing = await DemandRepository(uow.conn).enterprise_by_credit_code(data.credit_code)
        if existing is not None:
            return existing  # registered before the import (or by hand): linked, not registered again
        enterprise_id: uuid.UUID = (await self.service.register_enterprise(uow, data))["id"]
        return enterprise_id

    async def _demand(self, uow: UnitOfWork, v: dict[str, Any], known: dict[str, uuid.UUID], at: datetime) -> uuid.UUID:
        values: dict[str, Any] = {k: v[k] for k in DemandCreate.model_fields if k in v and k != "enterprise_id"}
        values["enterprise_id"] = self.ref(known, "enterprise", v.get("enterprise"), "enterprise")
        if v.get("center"):
            values["center_id"] = self.ref(known, "center", v["center"], "center")
        for name in ("fields", "keywords"):
            if name in values:
                values[name] = split_list(values[name])
        if "contact" not in values and v.get("contact_name"):
            values["contact"] = {"name": v["contact_name"]}
        values["submit"] = True
        demand = await self.service.create_demand(uow, validate(DemandCreate, values, at))
        return demand.id

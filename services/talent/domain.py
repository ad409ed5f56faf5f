"""Supply-side business rules: pure, no I/O."""

from __future__ import annotations

import enum


class CarrierKind(enum.StrEnum):
    RESEARCH_INSTITUTE = "research_institute"
    RD_ENTERPRISE = "rd_enterprise"
    OVERSEAS_PLATFORM = "overseas_platform"
    INCUBATOR = "incubator"
    UNIVERSITY_DOMESTIC = "university_domestic"
    UNIVERSITY_OVERSEAS = "university_overseas"


class CarrierStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    RETIRED = "retired"

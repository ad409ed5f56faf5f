"""The base of every domain event and the registry that maps wire types to classes."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

_REGISTRY: dict[str, type[DomainEvent]] = {}

CE_TYPE_PREFIX = "cn.jitri.itp."


class DomainEvent(BaseModel):
    """A fact that happened, named in the past tense.

    Subclasses set ``TYPE`` (past tense), ``VERSION``, ``TOPIC``, ``AGGREGATE`` (the
    aggregate type) and ``KEY`` (the field holding the aggregate id, used as the Kafka
    key). Adding an optional field keeps the version; a breaking change is a new class
    with the next version.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str]
    AGGREGATE: ClassVar[str]
    KEY: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "TYPE" not in cls.__dict__:
            return  # an intermediate base class
        for attr in ("TOPIC", "AGGREGATE", "KEY"):
            if not hasattr(cls, attr):
                raise TypeError(f"{cls.__name__} must declare {attr}")
        if cls.KEY not in cls.model_fields:
            raise TypeError(f"{cls.__name__}.KEY={cls.KEY!r} is not a field")
        ce_type = cls.ce_type()
        if ce_type in _REGISTRY and _REGISTRY[ce_type] is not cls:
            raise TypeError(f"event type {ce_type} declared twice")
        _REGISTRY[ce_type] = cls

    @classmethod
    def ce_type(cls) -> str:
        """The CloudEvents ``type`` attribute, e.g. ``cn.jitri.itp.DemandSubmitted.v1``."""
        return f"{CE_TYPE_PREFIX}{cls.TYPE}.v{cls.VERSION}"

    @property
    def aggregate_key(self) -> str:
        return str(getattr(self, self.KEY))


def event_class_for(ce_type: str) -> type[DomainEvent] | None:
    """The registered class for a CloudEvents type, or None if this platform has none."""
    return _REGISTRY.get(ce_type)


def registered_events() -> dict[str, type[DomainEvent]]:
    return dict(_REGISTRY)

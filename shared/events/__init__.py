"""Domain events: each declared once, here, by the service that publishes it.

Importing this package registers every event class, so a consumer can decode any
event of the platform from its CloudEvents type.
"""

from shared.events import contracts, demand, matching, talent
from shared.events.base import DomainEvent, event_class_for, registered_events
from shared.events.envelope import Envelope, PoisonMessage

__all__ = [
    "DomainEvent",
    "Envelope",
    "PoisonMessage",
    "contracts",
    "demand",
    "event_class_for",
    "matching",
    "registered_events",
    "talent",
]

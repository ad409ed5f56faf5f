"""The event bus behind one interface: Apache Kafka in production, in-process when embedded."""

from shared.bus.base import Bus, Message, Record, Subscriber

__all__ = ["Bus", "Message", "Record", "Subscriber"]

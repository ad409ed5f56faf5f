"""The dashboard service: a projection of every topic into KPIs, and a live event stream.

The live stream is fanned out in process from this service's projection consumer, so run one
replica: with several, each would stream only the partitions its consumer was assigned.
"""

from pathlib import Path

from services.dashboard import api, handlers, tables
from services.dashboard.live import AnnouncingUnitOfWorkFactory, Broadcaster
from services.dashboard.settings import StreamSettings
from shared.events import topics
from shared.runtime import ConsumerSpec, ServiceDefinition, ServiceRuntime

PROJECTION_CONSUMER = "projection"


def start_live_stream(runtime: ServiceRuntime) -> None:
    """Create the broadcaster and let the projection consumer announce what it applied, after
    each commit (see ``AnnouncingUnitOfWorkFactory``)."""
    s = StreamSettings()
    broadcaster = Broadcaster(
        queue_size=s.subscriber_queue, heartbeat_s=s.heartbeat_s, max_subscribers=s.max_subscribers
    )
    runtime.state["broadcaster"] = broadcaster
    for consumer in runtime.consumers:
        consumer.uow = AnnouncingUnitOfWorkFactory(runtime.uow, broadcaster)


definition = ServiceDefinition(
    name="dashboard",
    title="ITP dashboard service",
    metadata=tables.metadata,
    outbox=tables.outbox,
    processed=tables.processed_messages,
    routers=[api.router, api.page_router],
    migrations=Path(__file__).parent / "migrations",
    consumers=[ConsumerSpec(PROJECTION_CONSUMER, list(topics.ALL), handlers.handlers, handlers.batch_scope)],
    on_start=start_live_stream,
)

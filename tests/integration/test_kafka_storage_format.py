"""Formatting a KRaft node's storage with the real StorageTool of the installed Kafka."""

from __future__ import annotations

import base64
from pathlib import Path

from ops.runtime.kafka_broker import ClusterLayout, KafkaNode, NodePorts, new_cluster_id
from ops.runtime.kafka_install import KafkaInstall


def test_new_cluster_ids_are_16_bytes_and_never_read_as_an_option() -> None:
    # one plain draw in 64 starts with '-': 4,000 draws miss that with odds of 1e-27
    ids = [new_cluster_id() for _ in range(4000)]
    assert not [found for found in ids if found.startswith("-")]
    assert all(len(base64.urlsafe_b64decode(found + "==")) == 16 for found in ids)
    assert len(set(ids)) == len(ids)


def test_storage_formats_with_an_id_that_starts_with_a_dash(
    tmp_path: Path, kafka_install: KafkaInstall
) -> None:
    """A stored id is kept as it is; the tool must not take it for an option."""
    dashed = "-" + new_cluster_id()[1:]
    node = KafkaNode(kafka_install, tmp_path / "node")
    node.configure(ClusterLayout({1: NodePorts(19092, 19093)}), dashed)

    assert node.formatted_now
    assert node.cluster_id() == dashed

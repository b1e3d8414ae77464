"""Default topic names; each is a setting (``POLICYWATCH_TOPICS__DOCUMENTS`` ...)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class TopicNames(BaseModel):
    """Names of the Kafka topics the stages agree on."""

    model_config = ConfigDict(frozen=True)

    documents: str = "policy.documents"
    classified: str = "policy.classified"
    subscriptions: str = "policy.subscriptions"
    alerts: str = "policy.alerts"
    deliveries: str = "policy.deliveries"
    deadletter: str = "policy.deadletter"

    def all(self) -> list[str]:
        return [
            self.documents,
            self.classified,
            self.subscriptions,
            self.alerts,
            self.deliveries,
            self.deadletter,
        ]

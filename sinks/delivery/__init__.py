"""Alert delivery: signed webhooks, Slack-compatible messages and e-mail, at-least-once.

``DeliveryWorker`` follows policy.alerts and records every attempt on
policy.deliveries; ``send_test_alert`` sends one sample through a subscription's
channel. The only package of policywatch that connects to subscriber-given URLs,
always through the SSRF guard in ``ssrf``.
"""

from sinks.delivery.config import DeliveryConfig, SmtpConfig
from sinks.delivery.sample_alert import send_test_alert
from sinks.delivery.signing import InvalidSignature, verify
from sinks.delivery.worker import DeliveryWorker

__all__ = [
    "DeliveryConfig",
    "DeliveryWorker",
    "InvalidSignature",
    "SmtpConfig",
    "send_test_alert",
    "verify",
]

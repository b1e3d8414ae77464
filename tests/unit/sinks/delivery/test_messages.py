"""Rendering: webhook JSON with the evidence, Slack blocks, e-mail with escaped HTML."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from schemas.alerts import AlertCommitment, AlertDocument, AlertLabel, AlertRaised
from schemas.codec import decode
from sinks.delivery.messages import email_message, slack_payload, webhook_body

FIXTURE = Path(__file__).parents[2] / "schemas" / "fixtures" / "alert.raised.v1.json"
HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def _alert(**update: object) -> AlertRaised:
    return decode(FIXTURE.read_bytes(), AlertRaised).model_copy(update=update)


def _hostile_alert() -> AlertRaised:
    doc = AlertDocument(
        document_id="d1",
        title=HOSTILE,
        url='https://news.example.org/a?x=1&y="2"',
        initiatives=(AlertLabel(id="quad", name="Quad <alliance>"),),
        snippets=(f"quoted {HOSTILE}",),
    )
    return _alert(title=HOSTILE, summary=HOSTILE, documents=(doc,))


def test_webhook_body_carries_labels_evidence_links_and_ids() -> None:
    alert = _alert(
        commitment=AlertCommitment(
            document_id="d0123",
            initiative="in-jp-critical-minerals-jwg",
            action="convene the working group",
            due_from=date(2026, 1, 1),
            due_to=date(2026, 3, 31),
            due_text="early next year",
            state="due_soon",
        )
    )
    body = orjson.loads(webhook_body(alert))
    assert body["type"] == "policywatch.alert"
    assert body["alert_id"] == alert.alert_id
    assert body["subscription"] == {
        "id": "sub_0a1b2c3d4e5f60718293",
        "name": "Critical minerals, India and Japan",
    }
    assert (body["trigger"], body["count"], body["window"]) == ("document", 1, None)
    (doc,) = body["documents"]
    assert doc["url"] == "https://news.example.org/minerals"
    assert doc["initiatives"][0] == {
        "id": "in-jp-critical-minerals-jwg",
        "name": "Joint Working Group on Critical Minerals",
        "confidence": 0.9,
    }
    assert doc["evidence"] == [
        "...the working group on critical minerals will meet early next year..."
    ]
    assert body["commitment"]["due_to"] == "2026-03-31"
    assert body["raised_at"] == "2026-01-05T10:05:01Z"  # when it fired (observed_at)
    assert body["document_at"] == "2026-01-05T10:05:00Z"  # the document's time (occurred_at)


def test_webhook_raised_at_is_when_the_alert_fired_not_when_the_document_was_published() -> None:
    fired = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    published = datetime(2025, 11, 2, 8, 30, tzinfo=UTC)
    body = orjson.loads(webhook_body(_alert(observed_at=fired, occurred_at=published)))
    assert (body["raised_at"], body["document_at"]) == (
        "2026-03-01T12:00:00Z",
        "2025-11-02T08:30:00Z",
    )


def test_slack_message_quotes_evidence_links_documents_and_escapes_controls() -> None:
    payload = slack_payload(_hostile_alert())
    assert payload["text"].startswith("&lt;script&gt;")
    texts = [b["text"]["text"] for b in payload["blocks"] if b["type"] == "section"]
    doc_text = next(t for t in texts if "news.example.org" in t)
    assert doc_text.startswith('<https://news.example.org/a?x=1&y="2"|&lt;script&gt;')
    assert "\n> quoted &lt;script&gt;" in doc_text
    assert "_Quad &lt;alliance&gt;_" in doc_text
    assert all("<script>" not in t for t in texts)
    assert payload["blocks"][0]["type"] == "header"


def test_email_has_plain_text_and_escaped_html() -> None:
    message = email_message(
        _hostile_alert(), ("analyst@example.org",), "alerts@example.org", "[pw]\r\nBcc: x@y"
    )
    assert message["Subject"].startswith("[pw] Bcc: x@y <script>")  # no header injection
    assert "\n" not in message["Subject"]
    assert message["Message-ID"] == "<a0123456789abcdef0123456789abc@example.org>"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    text = plain.get_content()
    assert HOSTILE in text and 'https://news.example.org/a?x=1&y="2"' in text
    markup = html.get_content()
    assert "<script>" not in markup and "<b>bold</b>" not in markup
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in markup
    assert 'href="https://news.example.org/a?x=1&amp;y=&quot;2&quot;"' in markup
    assert "<blockquote>quoted &lt;script&gt;" in markup


def test_non_http_links_are_not_rendered_as_links() -> None:
    doc = AlertDocument(document_id="d1", title="t", url="javascript:alert(1)")
    alert = _alert(documents=(doc,))
    html = email_message(alert, ("a@example.org",), "s@example.org", "").get_body(("html",))
    assert html is not None and "javascript:" not in html.get_content()
    section = slack_payload(alert)["blocks"][2]["text"]["text"]
    assert "javascript:" not in section

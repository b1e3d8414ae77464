"""What an alert looks like on each channel: webhook JSON, Slack blocks, e-mail.

Pure: no I/O. Every channel carries the evidence (labels, snippets, links) so an
analyst can judge the alert without opening policywatch. Text from documents is
untrusted: HTML is escaped, Slack control characters are escaped, and header
values lose their line breaks.
"""

from __future__ import annotations

import html
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import orjson

from schemas.alerts import AlertDocument, AlertLabel, AlertRaised

WEBHOOK_TYPE = "policywatch.alert"
_MAX_SLACK_TEXT = 2900  # a section block takes 3,000 characters
_MAX_SLACK_DOCS = 10


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _label(label: AlertLabel) -> dict[str, Any]:
    return {"id": label.id, "name": label.name or label.id, "confidence": label.confidence}


def _document(doc: AlertDocument) -> dict[str, Any]:
    return {
        "document_id": doc.document_id,
        "revision": doc.revision,
        "title": doc.title,
        "url": doc.url,
        "source_id": doc.source_id,
        "published_at": _iso(doc.published_at),
        "initiatives": [_label(x) for x in doc.initiatives],
        "actors": [_label(x) for x in doc.actors],
        "evidence": list(doc.snippets),
    }


def webhook_payload(alert: AlertRaised) -> dict[str, Any]:
    """The JSON document a webhook receives (``type`` and ``alert_id`` first)."""
    window = None
    if alert.window_start or alert.window_end:
        window = {"start": _iso(alert.window_start), "end": _iso(alert.window_end)}
    commitment = None
    if alert.commitment is not None:
        commitment = alert.commitment.model_dump(mode="json")
    candidate = None
    if alert.candidate is not None:
        candidate = alert.candidate.model_dump(mode="json")
    return {
        "type": WEBHOOK_TYPE,
        "alert_id": alert.alert_id,
        "raised_at": _iso(alert.observed_at),
        "document_at": _iso(alert.occurred_at),
        "subscription": {"id": alert.subscription_id, "name": alert.subscription_name},
        "trigger": alert.trigger,
        "title": alert.title,
        "summary": alert.summary,
        "window": window,
        "count": alert.count,
        "baseline": alert.baseline,
        "documents": [_document(d) for d in alert.documents],
        "commitment": commitment,
        "candidate": candidate,
    }


def webhook_body(alert: AlertRaised) -> bytes:
    return orjson.dumps(webhook_payload(alert))


def _slack_escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(url: str | None, text: str) -> str:
    label = _slack_escape(text.replace("|", "¦")) or "document"
    if not url or not url.startswith(("http://", "https://")):
        return f"*{label}*"
    return f"<{url.replace('>', '%3E').replace('|', '%7C')}|{label}>"


def _labels_line(doc: AlertDocument) -> str:
    names = [x.name or x.id for x in (*doc.initiatives, *doc.actors)]
    return ", ".join(names)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _candidate(alert: AlertRaised) -> tuple[str, str, tuple[str, ...]]:
    """(\"New initiative: <name>\", its parties, the sentences that name it)."""
    c = alert.candidate
    if c is None:
        return "", "", ()
    parties = f"parties: {', '.join(c.parties)}" if c.parties else ""
    return f"New initiative: {c.name}", parties, tuple(_one_line(t) for t in c.evidence)


def _slack_candidate(alert: AlertRaised) -> str:
    headline, parties, evidence = _candidate(alert)
    lines = ["*" + _slack_escape(headline) + "*"]
    lines += [_slack_escape(parties)] if parties else []
    lines += ["> " + _slack_escape(text) for text in evidence]
    return _clip("\n".join(lines), _MAX_SLACK_TEXT)


def slack_payload(alert: AlertRaised) -> dict[str, Any]:
    """An incoming-webhook message: ``text`` (notifications, fallbacks) and ``blocks``."""
    header = _clip(alert.title, 150)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header}},
    ]
    if alert.candidate is not None:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _slack_candidate(alert)}}
        )
    if alert.summary:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _clip(_slack_escape(alert.summary), 2900)},
            }
        )
    for doc in alert.documents[:_MAX_SLACK_DOCS]:
        lines = [_slack_link(doc.url, doc.title or doc.document_id)]
        labels = _labels_line(doc)
        if labels:
            lines.append("_" + _slack_escape(labels) + "_")
        lines.extend("> " + _slack_escape(s.replace("\n", " ")) for s in doc.snippets[:3])
        text = _clip("\n".join(lines), _MAX_SLACK_TEXT)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    if len(alert.documents) > _MAX_SLACK_DOCS:
        more = len(alert.documents) - _MAX_SLACK_DOCS
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"and {more} more"}]}
        )
    if alert.commitment is not None:
        c = alert.commitment
        state = "overdue" if c.state == "overdue" else "due soon"
        text = f"Commitment {state}: {c.action or c.due_text} (due {c.due_from}–{c.due_to})"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(text)}})
    footer = (
        f"{_slack_escape(alert.subscription_name or alert.subscription_id)} · "
        f"{alert.trigger} · {alert.count} document(s) · alert {alert.alert_id}"
    )
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    fallback = _slack_escape(alert.title)
    if alert.summary:
        fallback += " — " + _slack_escape(alert.summary)
    return {"text": _clip(fallback, _MAX_SLACK_TEXT), "blocks": blocks}


def slack_body(alert: AlertRaised) -> bytes:
    return orjson.dumps(slack_payload(alert))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plain_text(alert: AlertRaised) -> str:
    lines = [alert.title, ""]
    if alert.candidate is not None:
        headline, parties, evidence = _candidate(alert)
        lines += [headline, *([parties] if parties else []), *(f'"{t}"' for t in evidence), ""]
    if alert.summary:
        lines += [alert.summary, ""]
    for doc in alert.documents:
        lines.append(f"- {doc.title or doc.document_id}")
        if doc.url:
            lines.append(f"  {doc.url}")
        labels = _labels_line(doc)
        if labels:
            lines.append(f"  labels: {labels}")
        lines.extend(f'  "{_one_line(s)}"' for s in doc.snippets)
        lines.append("")
    if alert.commitment is not None:
        c = alert.commitment
        lines += [f"Commitment ({c.state}): {c.action or c.due_text}, due {c.due_from}–{c.due_to}"]
        lines.append("")
    lines.append(
        f"Subscription: {alert.subscription_name or alert.subscription_id} "
        f"({alert.trigger}, {alert.count} document(s)); alert id {alert.alert_id}"
    )
    return "\n".join(lines) + "\n"


def _html(alert: AlertRaised) -> str:
    e = html.escape
    parts = [f"<h2>{e(alert.title)}</h2>"]
    if alert.candidate is not None:
        headline, parties, evidence = _candidate(alert)
        parts.append(f"<p><strong>{e(headline)}</strong></p>")
        parts += [f"<p>{e(parties)}</p>"] if parties else []
        parts += [f"<blockquote>{e(text)}</blockquote>" for text in evidence]
    if alert.summary:
        parts.append(f"<p>{e(alert.summary)}</p>")
    for doc in alert.documents:
        title = e(doc.title or doc.document_id)
        if doc.url and doc.url.startswith(("http://", "https://")):
            title = f'<a href="{e(doc.url, quote=True)}">{title}</a>'
        parts.append(f"<h3>{title}</h3>")
        labels = _labels_line(doc)
        if labels:
            parts.append(f"<p><em>{e(labels)}</em></p>")
        parts.extend(f"<blockquote>{e(s)}</blockquote>" for s in doc.snippets)
    if alert.commitment is not None:
        c = alert.commitment
        parts.append(
            f"<p>Commitment ({e(c.state)}): {e(c.action or c.due_text)}, "
            f"due {e(str(c.due_from))}–{e(str(c.due_to))}</p>"
        )
    parts.append(
        f"<p><small>Subscription {e(alert.subscription_name or alert.subscription_id)} · "
        f"{e(alert.trigger)} · {alert.count} document(s) · alert {e(alert.alert_id)}</small></p>"
    )
    return "<!doctype html><html><body>" + "\n".join(parts) + "</body></html>"


def email_message(
    alert: AlertRaised, to: tuple[str, ...], sender: str, subject_prefix: str
) -> EmailMessage:
    """Plain text with an HTML alternative; Message-ID derives from the alert id."""
    message = EmailMessage()
    prefix = _one_line(subject_prefix)
    message["Subject"] = _clip(_one_line(f"{prefix} {alert.title}" if prefix else alert.title), 200)
    message["From"] = sender
    message["To"] = ", ".join(_one_line(x) for x in to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    domain = sender.rpartition("@")[2] or "policywatch"
    message["Message-ID"] = f"<{alert.alert_id}@{_one_line(domain)}>"
    message["X-Policywatch-Alert-Id"] = alert.alert_id
    message.set_content(_plain_text(alert))
    message.add_alternative(_html(alert), subtype="html")
    return message

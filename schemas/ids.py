"""Deterministic identifiers: the same input always yields the same id.

Re-reading the same page yields the same ``document_id`` and ``revision``, so
every stage can de-duplicate without coordination. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from schemas.errors import InvalidURL

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "share",
        "shared",
        "s_cid",
        "sr_share",
        "amp",
        "outputtype",
        "__twitter_impression",
        "_ga",
        "_gl",
        "spm",
        "src",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WS = re.compile(r"\s+")
# ``name:`` before anything but a digit is a scheme (``javascript:``, ``mailto:``); a digit
# after the colon makes it a host and port written without a scheme (``example.org:8080``).
_SCHEME_WITHOUT_SLASHES = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")


def _hash(*parts: str, length: int = 24) -> str:
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()
    return digest[:length]


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _split_web_url(url: str) -> tuple[SplitResult, str, int | None]:
    """(parts, lower-cased host, port) of an http(s) URL; InvalidURL for anything else."""
    text = url.strip()
    if not text:
        raise InvalidURL("the URL is empty; give the document's http(s) address")
    if not _encodable(text):
        raise InvalidURL(f"{url[:200]!r} holds unpaired surrogates, which no URL can carry")
    if "://" not in text:
        if _SCHEME_WITHOUT_SLASHES.match(text):
            raise InvalidURL(f"{url[:200]!r} is not an http(s) URL; give the document's address")
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError as exc:  # bad brackets, a port that is no number or out of range
        raise InvalidURL(f"{url[:200]!r} is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        raise InvalidURL(
            f"{url[:200]!r} is not an http(s) URL (scheme {parts.scheme[:20]!r}); "
            "give the document's web address"
        )
    if not host:
        raise InvalidURL(
            f"{url[:200]!r} has no host; give a full address such as https://host/path"
        )
    return parts, host, port


def canonical_url(url: str) -> str:
    """Normalise a URL so that variants of one article compare equal.

    Scheme becomes https, the host is lower-cased without ``www.``/``m.``/``amp.``
    prefixes or default ports, tracking parameters and fragments are dropped,
    the remaining query is sorted, AMP path suffixes and trailing slashes go.
    A URL without a scheme is taken as https. Anything that cannot name a web
    document (another scheme, no host, an unparseable port or address) raises
    :class:`InvalidURL`, and nothing else does.
    """
    parts, host, port = _split_web_url(url)
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
    scheme = parts.scheme.lower()
    port = port if port and port != _DEFAULT_PORTS.get(scheme) else None
    netloc = f"{host}:{port}" if port else host
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%")
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    path = re.sub(r"/{2,}", "/", path)
    for suffix in ("/amp", "/amp.html", ".amp", ".amp.html"):
        if path.endswith(suffix) and len(path) > len(suffix):
            path = path[: -len(suffix)] + (".html" if suffix.endswith(".html") else "")
            break
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    if not path:
        path = "/"
    return urlunsplit(("https", netloc, path, urlencode(query), ""))


def document_id_for_url(url: str) -> str:
    """``document_id`` of a web document: a hash of its canonical URL."""
    return "d" + _hash("url", canonical_url(url))


def document_id_for_external(source_id: str, external_id: str) -> str:
    """``document_id`` of a document without a URL: a hash of source and its own id."""
    return "d" + _hash("ext", source_id.strip().lower(), external_id.strip())


def normalise_text(text: str) -> str:
    """Unicode NFKC with whitespace collapsed: what ``revision`` is computed over."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def revision_of(title: str, body: str) -> str:
    """Content hash of the normalised title and body: a changed article is a new revision."""
    return "r" + _hash("rev", normalise_text(title), normalise_text(body))


def event_id_for(document_id: str, revision: str, event_type: str, *extra: str) -> str:
    """Event id derived from what the event is about, so a re-emission has the same id."""
    return "e" + _hash("evt", document_id, revision, event_type, *extra, length=30)


def story_id_for(document_id: str) -> str:
    """Story id founded by a document (the first document seen of a story)."""
    return "s" + _hash("story", document_id)


def alert_id_for(subscription_id: str, trigger: str, subject: str) -> str:
    """One alert per (subscription, trigger, subject): a retry, restart or replay raises it once.

    ``subject`` names what the alert is about: a document id and revision, a window
    start, or a commitment and its due state.
    """
    return "a" + _hash("alert", subscription_id, trigger, subject, length=30)

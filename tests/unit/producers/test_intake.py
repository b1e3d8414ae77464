"""POST /documents on a real uvicorn server: auth, size limit, field paths, 202 with ids."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn

from producers.intake import IntakeConfig, build_intake_app
from producers.outlets import MemoryOutlet
from schemas.envelope import Producer
from schemas.errors import ConfigError
from schemas.ids import document_id_for_external, document_id_for_url

TOKEN = "s3cret-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOC = {
    "url": "https://news.example/quad?utm_source=x",
    "title": "Quad ministers meet",
    "text": "The four foreign ministers met in Tokyo.",
    "published_at": "2026-03-12T09:30:00+05:30",
    "authors": ["Meera Iyengar"],
    "source": {"id": "enn", "kind": "news", "country": "IN"},
}


@pytest.fixture()
def outlet() -> MemoryOutlet:
    return MemoryOutlet()


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """The app on a free loopback port, as `policywatch intake` serves it."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def client(outlet: MemoryOutlet) -> Iterator[httpx.Client]:
    config = IntakeConfig(
        tokens=(TOKEN,),
        producer=Producer(name="t", version="1"),
        max_body_bytes=4096,
        max_documents=3,
    )
    with serve(build_intake_app(config, outlet)) as url, httpx.Client(base_url=url) as http:
        yield http


def test_one_document_is_accepted_with_its_id(client: httpx.Client, outlet: MemoryOutlet) -> None:
    response = client.post("/documents", json=DOC, headers=AUTH)
    assert response.status_code == 202
    expected = document_id_for_url("https://news.example/quad")
    assert response.json() == {"accepted": 1, "document_ids": [expected]}
    [event] = outlet.documents
    assert event.source.id == "enn" and event.source.country == "IN"
    assert event.published_at is not None and event.published_at.hour == 4
    assert event.observed_at > event.published_at and event.fetch.method == "intake"
    again = client.post("/documents", json=DOC, headers=AUTH)
    assert again.json() == response.json()  # same document, same id: retries are safe
    assert outlet.documents[1].event_id == event.event_id


def test_batches_as_a_list_or_under_documents(client: httpx.Client, outlet: MemoryOutlet) -> None:
    second = {
        "id": "PR-42",
        "text": "A press release.",
        "source": {"id": "mea", "kind": "official_statement"},
    }
    listed = client.post("/documents", json=[DOC, second], headers=AUTH)
    wrapped = client.post("/documents", json={"documents": [DOC, second]}, headers=AUTH)
    assert listed.status_code == wrapped.status_code == 202
    assert listed.json()["document_ids"][1] == document_id_for_external("mea", "PR-42")
    assert listed.json() == wrapped.json()
    assert [d.source.kind for d in outlet.documents[:2]] == ["news", "official_statement"]
    no_source = client.post("/documents", json={"text": "Anonymous note."}, headers=AUTH)
    assert no_source.status_code == 202 and outlet.documents[-1].source.id == "intake"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ],
)
def test_a_bearer_token_is_required(
    client: httpx.Client, outlet: MemoryOutlet, headers: dict[str, str]
) -> None:
    response = client.post("/documents", json=DOC, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]
    assert outlet.records == []


def test_validation_errors_name_each_field_path(client: httpx.Client) -> None:
    bad = [
        DOC,
        {"title": "no text"},
        {**DOC, "source": {"id": "x", "kind": "blog"}, "colour": "red"},
    ]
    response = client.post("/documents", json={"documents": bad}, headers=AUTH)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields == {
        "documents[1].text": "Field required",
        "documents[2].source.kind": "Input should be 'news' or 'official_statement'",
        "documents[2].colour": "Extra inputs are not permitted",
    }
    assert "documents[1].text: Field required" in response.json()["detail"]
    single = client.post(
        "/documents", json={**DOC, "text": "  ", "published_at": "soon"}, headers=AUTH
    )
    assert {e["field"] for e in single.json()["errors"]} == {"text", "published_at"}
    listed = client.post("/documents", json=[{"text": 5}], headers=AUTH)
    assert listed.json()["errors"][0]["field"] == "[0].text"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "http://x:abc/", "https://[::1", "http://a:99999999/"]
)
def test_a_url_that_cannot_name_a_document_is_422_at_its_path(
    client: httpx.Client, outlet: MemoryOutlet, url: str
) -> None:
    batch = {"documents": [DOC, {**DOC, "url": "https://news.example/b"}, {**DOC, "url": url}]}
    response = client.post("/documents", json=batch, headers=AUTH)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "documents[2].url"
    assert repr(url) in error["message"]
    assert outlet.records == []  # a batch is accepted whole or not at all


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ([], "<body>", "needs at least one document"),
        ({"documents": []}, "documents", "needs at least one document"),
        ([DOC] * 4, "<body>", "4 documents; at most 3 per request"),
        ("just a string", "<body>", "send a document object"),
        ({"documents": [DOC], "extra": 1}, "extra", "unexpected field"),
    ],
)
def test_body_shape_errors(client: httpx.Client, body: object, field: str, message: str) -> None:
    response = client.post("/documents", json=body, headers=AUTH)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == field and message in error["message"]


def test_over_the_size_limit_is_413_whether_declared_or_streamed(
    client: httpx.Client, outlet: MemoryOutlet
) -> None:
    big = {**DOC, "text": "Quad " * 2000}
    declared = client.post("/documents", json=big, headers=AUTH)
    assert declared.status_code == 413 and "4096-byte limit" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"Quad " * 20
        yield b'"}'

    streamed = client.post(
        "/documents", content=chunks(), headers={**AUTH, "Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert outlet.records == []


def test_not_json(client: httpx.Client) -> None:
    wrong_type = client.post(
        "/documents", content=b"text=hello", headers={**AUTH, "Content-Type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    broken = client.post(
        "/documents", content=b'{"text": ', headers={**AUTH, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["detail"]


def test_a_broker_that_does_not_acknowledge_is_503(
    client: httpx.Client, outlet: MemoryOutlet
) -> None:
    outlet.fail_next = 1
    response = client.post("/documents", json=DOC, headers=AUTH)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert client.post("/documents", json=DOC, headers=AUTH).status_code == 202


def test_openapi_describes_the_endpoint(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/documents"]["post"]
    assert set(post["responses"]) >= {"202", "401", "413", "422"}
    refs = str(post["requestBody"]["content"]["application/json"]["schema"])
    assert "DocumentIn" in refs and "DocumentBatch" in refs
    assert {"DocumentIn", "DocumentBatch", "SourceIn", "Accepted"} <= set(
        schema["components"]["schemas"]
    )
    assert "bearer" in str(schema["components"]["securitySchemes"]).lower()
    assert client.get("/docs").status_code == 200
    assert client.get("/health").json() == {"status": "ok"}


def test_without_tokens_the_app_refuses_to_build() -> None:
    with pytest.raises(ConfigError, match="POLICYWATCH_INTAKE__TOKENS"):
        build_intake_app(
            IntakeConfig(tokens=(), producer=Producer(name="t", version="1")), MemoryOutlet()
        )

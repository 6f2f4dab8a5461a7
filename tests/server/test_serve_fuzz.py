"""Whatever a client sends — query strings, content types, bodies — the server answers
with a status it documents and a JSON document; never a 500 or a stack trace."""

from __future__ import annotations

import json
import socket
import urllib.parse
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from server_support import ROOT, Server, serving

COMPANY = (ROOT / "examples" / "company.json").read_bytes()
DOCUMENTED = {200, 400, 404, 405, 413, 415, 422}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving("--max-body", "100000") as s:
        yield s


_NAMES = st.sampled_from(["as_of", "all", "severity", "format", "facts_file", "stop", "on",
                          "strategy", "as_off", "lang", ""])
_VALUES = st.sampled_from(["2026-11-20", "2026-02-30", "true", "maybe", "mandatory", "json",
                           "sarif", "text", "feed-rec", "feed-rec@main-app", "nope@x", "batch",
                           "single", "", "\u0000", "网信", "%", "../etc/passwd"]) | st.text(
                               max_size=8)


def _bodies() -> st.SearchStrategy[bytes]:
    doc = json.loads(COMPANY)
    mutated = st.sampled_from(sorted(doc)).flatmap(lambda key: st.sampled_from([
        None, 1, "x", [], {}, [1], doc.get("platforms")]).map(
            lambda value: json.dumps({**doc, key: value}).encode()))
    return st.one_of(st.just(COMPANY), mutated, st.binary(max_size=200),
                     st.sampled_from([b"", b"{}", b"[]", b"null", b"organization: {name: a}",
                                      b"{\"organization\": {\"name\": \"a\", \"name\": 1}}",
                                      COMPANY[: len(COMPANY) // 2]]))


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(endpoint=st.sampled_from(["check", "inventory", "plan-cancel"]),
       query=st.lists(st.tuples(_NAMES, _VALUES), max_size=4),
       content_type=st.sampled_from(["application/json", "application/yaml", "text/plain",
                                     "application/json; charset=latin-1", ""]),
       body=_bodies())
def test_every_answer_is_documented_json(server: Server, endpoint: str,
                                         query: list[tuple[str, str]], content_type: str,
                                         body: bytes) -> None:
    path = f"/v1/{endpoint}?" + urllib.parse.urlencode(query)
    headers = {"Content-Type": content_type} if content_type else {}
    answer = server.request("POST", path, body, headers)
    assert answer.status in DOCUMENTED, (answer.status, answer.text)
    assert "Traceback" not in answer.text
    document = answer.json()
    if answer.status != 200:
        assert document["errors"], document
        assert all(e["message"] and e["code"] for e in document["errors"])


def test_a_client_leaving_mid_body_is_no_error(server: Server) -> None:
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/json\r\nContent-Length: 5000\r\n\r\n{\"organiz")
    assert server.post("/v1/check?as_of=2026-11-20", COMPANY).status == 200


def test_the_server_log_has_no_traceback(server: Server) -> None:
    server.post("/v1/check", COMPANY)
    assert "Traceback" not in server.log()

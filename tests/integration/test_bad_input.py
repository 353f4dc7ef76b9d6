"""Bad input never answers 500: malformed bodies and forged values posted to every callback listed in
/_dash-dependencies, and garbage sent to every Flask route, with no session and as each kind of user.
An answer of 4xx carries its reason."""

from __future__ import annotations

import json

import pytest

from app import create_dash
from dashboard.auth import now_utc
from data_access.db import make_engine, make_session_factory
from tests.integration.helpers import create_role_users, login_client, worker_settings

PASSWORD = "kata-sandi-uji-panjang"
FORGED_VALUES = ["x" * 300, 12345, -1, {"kind": "complaint", "id": "1; DROP TABLE"}, [1, "a", None], None, True, {"id": 10**12}]


@pytest.fixture
def app(redis_server, migrated_url, stream_prefix):
    Session = make_session_factory(make_engine(migrated_url))
    with Session.begin() as s:
        create_role_users(s, password=PASSWORD, now=now_utc())
    return create_dash(worker_settings(redis_server.url, migrated_url, stream_prefix, wall_token="uji-dinding-123"))


def _client(app, role):
    client = app.server.test_client()
    if role is None:
        client.get("/masuk")
    else:
        assert login_client(client, f"u-{role}", PASSWORD).status_code == 302
    return client, {"X-CSRFToken": client.get_cookie("bcc_csrf").value}


def _answered(r) -> bool:
    """Below 500, or 503 saying what is not ready (/readyz with no worker running here): never a 500."""
    return r.status_code < 500 or (r.status_code == 503 and bool(r.get_data(as_text=True).strip()))


def _props(specs, value):
    out = []
    for spec in specs:
        id_ = spec["id"]
        if isinstance(id_, str) and id_.startswith("{"):  # pattern-matching: ALL arrives as a list of matches
            pattern = json.loads(id_)
            match = {k: (7 if isinstance(v, list) else v) for k, v in pattern.items()}
            out.append([{"id": match, "property": spec["property"], "value": value}])
        else:
            out.append({"id": id_, "property": spec["property"], "value": value})
    return out


def _bodies(output: str, spec: dict):
    """Malformed bodies, then well-formed ones carrying forged values in every input and state."""
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[-1]} for o in output.strip(".").split("...")]
    yield "not json", None
    yield "empty object", {}
    yield "unknown output", {"output": "nope.children", "outputs": {}, "inputs": [], "state": []}
    yield "inputs not a list", {"output": output, "outputs": outputs, "inputs": "x", "state": []}
    yield "missing state", {"output": output, "outputs": outputs, "inputs": _props(spec["inputs"], 1)}
    for value in FORGED_VALUES:
        changed = [f"{p['id']}.{p['property']}" for p in _props(spec["inputs"], value) if isinstance(p, dict)][:1]
        yield (
            f"forged {value!r:.30}",
            {
                "output": output,
                "outputs": outputs if len(outputs) > 1 else outputs[0],
                "inputs": _props(spec["inputs"], value),
                "changedPropIds": changed,
                "state": _props(spec.get("state", []), value),
            },
        )


@pytest.mark.parametrize("role", [None, "operator", "agency", "admin"])
def test_no_callback_answers_500_to_malformed_or_forged_input(app, role):
    client, headers = _client(app, role)
    client.get("/")  # the first request registers the pages router callback
    deps = client.get("/_dash-dependencies").get_json()
    assert len(deps) >= 30
    posts, four_xx = 0, 0
    for dep in deps:
        spec = app.callback_map.get(dep["output"], {"inputs": dep["inputs"], "state": dep["state"]})
        for label, body in _bodies(dep["output"], {"inputs": dep["inputs"], "state": dep["state"], **spec}):
            if body is None:
                r = client.post("/_dash-update-component", data="{not json", headers=headers, content_type="application/json")
            else:
                r = client.post("/_dash-update-component", json=body, headers=headers)
            posts += 1
            assert _answered(r), (dep["output"], label, r.status_code, r.get_data(as_text=True)[:500])
            if 400 <= r.status_code < 500:
                four_xx += 1
                assert r.get_data(as_text=True).strip(), (dep["output"], label)
    assert four_xx >= 5 * len(deps)  # at least the malformed bodies were refused as such
    print(f"{posts} callback POSTs as {role}: {four_xx} answered 4xx, none 5xx")


@pytest.mark.parametrize("role", [None, "operator"])
def test_no_route_answers_500_to_garbage(app, role):
    client, headers = _client(app, role)
    rules = [r for r in app.server.url_map.iter_rules() if "<" not in r.rule or r.rule == "/<path:path>"]
    garbage_queries = ["", "?from=kemarin&to=%00&kecamatan[]=1&agency=%27%22<x>", "?after=abc&token=" + "x" * 500]
    for rule in rules:
        path = rule.rule.replace("<path:path>", "apa/saja")
        for query in garbage_queries:
            for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                r = client.open(path + query, method=method, data=b"\xff\x00garbage", headers=headers)
                assert _answered(r), (method, path + query, r.status_code, r.get_data(as_text=True)[:300])

"""The floor under the upload path: a bare WSGI app that writes the rows an upload writes.

For bench/passages_bench.py only, never served by fangkong. It takes the bench's own
payload, checks nothing, knows no user, and in two statements, with the statements of
the real path (``checkpoints.storing`` and ``core.bulk``) and its group commit (the
uploads that wait together written in one transaction, ``core.groupcommit``), writes
what an upload of the same passages writes: the passage, each traveller (phone sealed,
blind indexes), a hand-off per traveller (or joins the open one), the alerts, an audit
entry per passage. Django is set up once at import for the SQL text and the keys; a request
goes through no Django code. What the real path does on top (the API key, validation,
the risk rule, models, ninja, the middleware) is what it costs above this floor.

With FLOOR_LEAN=1 it writes fewer rows than the real path: one risk alert a passage
instead of one a traveller, and one audit entry an upload instead of one a passage, to
measure what such a design would gain.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "passages.site_settings")
django.setup()

import orjson  # noqa: E402
import psycopg  # noqa: E402

from fangkong.checkpoints.storing import _FUNCTION, DRAWN, _sequences  # noqa: E402
from fangkong.core import bulk  # noqa: E402
from fangkong.core.crypto import blind_index, encrypt  # noqa: E402
from fangkong.core.groupcommit import Group  # noqa: E402
from fangkong.people.services import phone_key  # noqa: E402

MODELS = DRAWN  # the upload's tables, in the order the look-up function draws keys
INSERTS = [bulk._json_insert(m) for m in MODELS]
SEQUENCES = _sequences()  # looked up once, here
URL = os.environ["FANGKONG_DATABASE_URL"].replace("postgres://", "postgresql://", 1)
# What bench/passages_bench.py prepared: its checkpoint (with its unit and path), the grid
# every passage is bound for, the checkpoint officer.
_IDS = json.loads(os.environ["FLOOR_IDS"])
CHECKPOINT, CHECKPOINT_UNIT, STREET_PATH = _IDS["checkpoint_id"], _IDS["unit_id"], _IDS["path"]
GRID, GRID_PATH, OFFICER = _IDS["grid_id"], _IDS["grid_path"], _IDS["officer_id"]
# As long as the risk rule's reason for these travellers.
REASON = (
    "2026年12月1日 从湖北省武汉市抵达（湖北省：高风险）。"
    "默认 的政策要求居家医学观察 14 天：至 2026年12月15日。"
)
# What the rows would be with one alert a passage and one audit entry an upload (a design
# the real path does not have): FLOOR_LEAN=1.
LEAN = os.environ.get("FLOOR_LEAN") == "1"
_local = threading.local()


def _connection() -> psycopg.Connection[Any]:
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = _local.conn = psycopg.connect(URL, prepare_threshold=None)
    return conn


def application(environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "POST":  # the bench asks whether the server is up
        start("200 OK", [("Content-Type", "text/plain")])
        return [b"floor"]
    size = int(environ.get("CONTENT_LENGTH") or 0)
    items = json.loads(environ["wsgi.input"].read(size))["items"]
    for t in (t for item in items for t in item["travellers"]):
        t["phone_key"] = phone_key(t["phone"])
        t["key"] = blind_index(f"name:{t['full_name']}|{t['phone_key']}")
    _group.submit(items)
    results = [item["result"] for item in items]
    created = sum(r["status"] == "created" for r in results)
    body = json.dumps({"created": created, "results": results}).encode()
    start("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _write_group(jobs: Sequence[list[dict[str, Any]]]) -> None:
    """The uploads waiting together, in one transaction on the leader's connection."""
    conn = _connection()
    try:
        results = _write(conn, [item for items in jobs for item in items])
    except Exception:
        conn.rollback()
        raise
    for item, result in zip((item for items in jobs for item in items), results, strict=True):
        item["result"] = result


_group: Group[list[dict[str, Any]]] = Group(_write_group)


def _write(conn: psycopg.Connection[Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = datetime.now(UTC)
    travellers = [t for item in items for t in item["travellers"]]
    counts = dict(zip(MODELS, [len(items), len(travellers), len(travellers),
                               3 * len(travellers), len(items)], strict=True))  # fmt: skip
    row = conn.cursor().execute(_FUNCTION, [
        bulk.text_array([item["client_id"] for item in items]),
        bulk.text_array([t["key"] for t in travellers]), bulk.text_array([]), "reference",
        SEQUENCES, "{" + ",".join(str(n) for n in counts.values()) + "}",
    ]).fetchone()  # fmt: skip
    assert row is not None
    passages, handoffs, _persons, _stamp, keys_drawn = row
    stored, open_, drawn = orjson.loads(passages), orjson.loads(handoffs), orjson.loads(keys_drawn)
    keys = [iter(k) for k in drawn]
    repeats = {client_id: pk for _c, client_id, pk in stored}
    handoffs = {key: pk for unit, key, pk, _fever in open_ if unit == GRID}
    rows: list[list[dict[str, Any]]] = [[], [], [], [], []]
    results = []
    for item in items:
        if item["client_id"] in repeats:
            results.append({"client_id": item["client_id"], "status": "duplicate"})
            continue
        rows[0].append(passage := _passage(next(keys[0]), item, now))
        for t in item["travellers"]:
            fever = float(t["temperature"]) >= 37.3
            handoff = handoffs.get(t["key"])
            if handoff is None:
                handoff = handoffs[t["key"]] = next(keys[1])
                rows[1].append(_handoff(handoff, t, now, fever))
            rows[2].append(traveller := _traveller(next(keys[2]), passage["id"], handoff, t, fever))
            # FLOOR_LEAN=1: a risk alert for the passage's first traveller only (one a
            # passage and destination), and one audit entry for the whole upload.
            audience = [("risk", GRID, GRID_PATH)] if not LEAN or t is item["travellers"][0] else []
            if fever:
                audience += [("fever", CHECKPOINT_UNIT, STREET_PATH), ("fever", GRID, GRID_PATH)]
            for kind, unit, path in audience:
                rows[3].append({"id": next(keys[3]), "org_path": path, "kind": kind,
                                "unit_id": unit, "traveller_id": traveller["id"]})  # fmt: skip
        if not LEAN or not rows[4]:
            rows[4].append(_audit(next(keys[4]), passage, len(item["travellers"])))
        results.append({"client_id": item["client_id"], "status": "created", "id": passage["id"]})
    tables = zip(INSERTS, rows, strict=True)
    pending = [(sql, bulk.rows_json(table)) for sql, table in tables if table]
    if pending:
        conn.cursor().execute(*bulk.insert_statement(pending), prepare=True)
    conn.commit()
    return results


def _passage(pk: int, item: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "id": pk, "org_path": STREET_PATH, "checkpoint_id": CHECKPOINT, "passed_at": now,
        "direction": "in", "vehicle": "car", "plate": item["plate"], "plate_checked": True,
        "origin_code": "420100", "origin_name": item["origin"], "destination_id": GRID,
        "destination_text": "", "client_id": item["client_id"], "recorded_by_id": OFFICER,
    }  # fmt: skip


def _handoff(pk: int, t: dict[str, Any], now: datetime, fever: bool) -> dict[str, Any]:
    return {
        "id": pk, "org_path": GRID_PATH, "unit_id": GRID, "key": t["key"],
        "checkpoint_id": CHECKPOINT, "full_name": t["full_name"], "origin_name": "湖北省武汉市",
        "address": "", "arrived_at": now, "due_at": now + timedelta(hours=12), "state": "open",
        "fever": fever, "risk_status": "home", "reason": "",
    }  # fmt: skip


def _traveller(
    pk: int, passage: int, handoff: int, t: dict[str, Any], fever: bool
) -> dict[str, Any]:
    return {
        "id": pk, "org_path": STREET_PATH, "passage_id": passage, "full_name": t["full_name"],
        "id_type": "resident", "id_number": "", "id_key": None, "phone": encrypt(t["phone"]),
        "phone_key": t["phone_key"], "temperature": str(t["temperature"]), "symptoms": [],
        "fever": fever, "risk_status": "home", "risk_reason": REASON,
        "referral": "open" if fever else "", "referral_outcome": "", "referral_note": "",
        "handoff_id": handoff,
    }  # fmt: skip


def _audit(pk: int, passage: dict[str, Any], travellers: int) -> dict[str, Any]:
    return {
        "id": pk, "actor_id": OFFICER, "actor_name": "bench-checkpoint", "action": "create",
        "target_type": "checkpoints.passage", "target_id": str(passage["id"]),
        "target_repr": passage["plate"], "note": "", "org_path": STREET_PATH, "ip": "127.0.0.1",
        "changes": {"travellers": travellers, "client_id": passage["client_id"]},
    }  # fmt: skip

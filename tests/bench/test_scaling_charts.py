"""bench/scaling.py's charts: drawn from its JSON alone, one PNG per curve present (no timing asserted)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from scaling_charts import draw_charts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def latency(p50: float, p99: float) -> dict[str, float]:
    return {"n": 100, "p50_ms": p50, "p95_ms": p99, "p99_ms": p99, "mean_ms": p50}


def fake_result() -> dict[str, Any]:
    inbox = [{"tenants": n, "query": latency(0.2, 0.4), "txn": latency(0.4, 0.6)} for n in (10, 100, 1000)]
    big = [{"conversations_in_tenant": n, "query": latency(0.3, 0.5), "txn": latency(0.5, 0.7)} for n in (10**3, 10**4)]
    search = [
        {"messages_in_tenant": n, "messages_in_database": n, "index_build_s": n / 1e5, "all": latency(1.0, n / 1e3),
         "kinds": {"common_word": latency(1.0, n / 1e3), "rare_word": latency(0.5, 1.0)}}
        for n in (10**3, 10**4, 10**5)
    ]
    retrieval = [
        {"chunks_per_tenant": n, "retrieve": latency(5.0, 9.0), "vector_leg": latency(3.0, 4.0),
         "recall_at_10_min": recall}
        for n, recall in ((10**3, 1.0), (10**4, 0.97))
    ]
    audit = [{"events": n, "verify_s": n / 1e5, "events_per_s": 100_000} for n in (10**4, 10**5)]
    return {"curves": {
        "inbox_tenants": {"conversations_per_tenant": 100, "points": inbox},
        "inbox_conversations": {"points": big},
        "search": {"points": search},
        "retrieval": {"points": retrieval},
        "audit": {"points": audit},
    }}


def test_every_curve_becomes_a_png_chart(tmp_path: Path) -> None:
    written = draw_charts(fake_result(), tmp_path)

    assert sorted(path.name for path in written) == [
        "scaling-audit.png", "scaling-inbox-conversations.png", "scaling-inbox-tenants.png",
        "scaling-retrieval.png", "scaling-search.png",
    ]
    for path in written:
        assert path.read_bytes()[:8] == PNG_SIGNATURE, path
        assert path.stat().st_size > 10_000, f"{path} looks empty"


def test_a_curve_not_measured_draws_no_chart(tmp_path: Path) -> None:
    result = fake_result()
    del result["curves"]["audit"], result["curves"]["search"]

    written = draw_charts(result, tmp_path)

    assert {path.name for path in written} == {
        "scaling-inbox-tenants.png", "scaling-inbox-conversations.png", "scaling-retrieval.png",
    }
    assert not (tmp_path / "scaling-audit.png").exists()

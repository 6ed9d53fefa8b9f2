"""PNG charts of bench/scaling.py's curves (matplotlib, drawn off-screen), one file per curve.

Each chart reads only the JSON that bench/scaling.py writes, so the charts can be redrawn from a committed
``docs/perf/scaling.json`` without measuring again (``scaling.py --charts-from docs/perf/scaling.json``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

P50_STYLE: dict[str, Any] = {"marker": "o", "color": "tab:blue"}
P99_STYLE: dict[str, Any] = {"marker": "s", "color": "tab:red"}


def _axes_latency(axes: Any, xs: list[float], points: list[dict[str, Any]], key: str, label: str) -> None:
    axes.plot(xs, [p[key]["p50_ms"] for p in points], label=f"{label} p50", **P50_STYLE)
    axes.plot(xs, [p[key]["p99_ms"] for p in points], label=f"{label} p99", **P99_STYLE)


def _finish(figure: Any, axes_list: list[Any], title: str, path: Path) -> None:
    for axes in axes_list:
        axes.set_xscale("log")
        axes.grid(alpha=0.3, which="both")
        axes.legend(loc="best", fontsize="small")
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def _inbox(plt: Any, points: list[dict[str, Any]], x_key: str, xlabel: str, title: str, path: Path) -> None:
    figure, axes = plt.subplots(figsize=(8, 5))
    xs = [float(p[x_key]) for p in points]
    _axes_latency(axes, xs, points, "query", "statement")
    axes.plot(xs, [p["txn"]["p99_ms"] for p in points], label="transaction p99 (BEGIN, binding, query, COMMIT)",
              linestyle="--", color="tab:gray")
    axes.set_xlabel(xlabel)
    axes.set_ylabel("latency (ms)")
    axes.set_ylim(bottom=0)
    _finish(figure, [axes], title, path)
    plt.close(figure)


def _latency_over_second_panel(plt: Any) -> tuple[Any, tuple[Any, Any]]:
    """Latency on top (two thirds of the height), a second measure of the same sizes below."""
    figure, panels = plt.subplots(2, 1, figsize=(8, 8), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    return figure, (panels[0], panels[1])


def _search(plt: Any, points: list[dict[str, Any]], path: Path) -> None:
    figure, (latency, build) = _latency_over_second_panel(plt)
    xs = [float(p["messages_in_tenant"]) for p in points]
    _axes_latency(latency, xs, points, "all", "all kinds")
    for kind, style in (("common_word", ":"), ("rare_word", "-.")):
        latency.plot(xs, [p["kinds"][kind]["p99_ms"] for p in points], linestyle=style,
                     label=f"{kind.replace('_', ' ')} p99")
    latency.set_ylabel("latency, first page of 50 (ms)")
    latency.set_yscale("log")
    build.plot([float(p["messages_in_database"]) for p in points], [p["index_build_s"] for p in points],
               marker="o", color="tab:green", label="GIN index build (all messages in the database)")
    build.set_ylabel("index build (s)")
    build.set_xlabel("messages (latency: in the searched tenant; build: in the database)")
    _finish(figure, [latency, build], "Message search (full text, engium_app under RLS)", path)
    plt.close(figure)


def _retrieval(plt: Any, points: list[dict[str, Any]], path: Path) -> None:
    figure, (latency, recall) = _latency_over_second_panel(plt)
    xs = [float(p["chunks_per_tenant"]) for p in points]
    _axes_latency(latency, xs, points, "retrieve", "retrieve()")
    latency.plot(xs, [p["vector_leg"]["p50_ms"] for p in points], linestyle=":", color="tab:purple",
                 label="vector leg p50 (warm re-run)")
    latency.set_ylabel("latency (ms)")
    latency.set_ylim(bottom=0)
    recall.plot(xs, [p["recall_at_10_min"] for p in points], marker="o", color="tab:green",
                label="recall@10 (worst measured tenant)")
    recall.axhline(0.95, color="tab:gray", linestyle="--", label="target 0.95")
    recall.set_ylabel("recall@10")
    recall.set_ylim(0.8, 1.01)
    recall.set_xlabel("knowledge chunks per tenant (HNSW index from 10,000; exact search below)")
    _finish(figure, [latency, recall], "Knowledge retrieval (vector + full text + fusion, k=10)", path)
    plt.close(figure)


def _audit(plt: Any, points: list[dict[str, Any]], path: Path) -> None:
    figure, (seconds, rate) = plt.subplots(2, 1, figsize=(8, 8), sharex=True)
    xs = [float(p["events"]) for p in points]
    seconds.plot(xs, [p["verify_s"] for p in points], marker="o", color="tab:red", label="verify_database (best run)")
    seconds.set_yscale("log")
    seconds.set_ylabel("verify time (s)")
    rate.plot(xs, [p["events_per_s"] for p in points], marker="o", color="tab:blue", label="events verified per s")
    rate.axhline(200_000, color="tab:gray", linestyle="--", label="issue 17 target 200,000/s")
    rate.set_ylabel("events/s")
    rate.set_ylim(bottom=0)
    rate.set_xlabel("events in the chain (one tenant)")
    _finish(figure, [seconds, rate], "Audit chain verification (engium audit verify)", path)
    plt.close(figure)


def draw_charts(result: dict[str, Any], out_dir: Path) -> list[Path]:
    """One PNG per curve present in ``result["curves"]``; returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    curves: dict[str, Any] = result.get("curves", {})
    written: list[Path] = []
    if curves.get("inbox_tenants"):
        path = out_dir / "scaling-inbox-tenants.png"
        _inbox(plt, curves["inbox_tenants"]["points"], "tenants", "tenants (each with "
               f"{curves['inbox_tenants']['conversations_per_tenant']} conversations)",
               "Inbox list, first page of 50, as tenants grow", path)
        written.append(path)
    if curves.get("inbox_conversations"):
        path = out_dir / "scaling-inbox-conversations.png"
        _inbox(plt, curves["inbox_conversations"]["points"], "conversations_in_tenant",
               "conversations in the listed tenant", "Inbox list, first page of 50, as one tenant grows", path)
        written.append(path)
    if curves.get("search"):
        path = out_dir / "scaling-search.png"
        _search(plt, curves["search"]["points"], path)
        written.append(path)
    if curves.get("retrieval"):
        path = out_dir / "scaling-retrieval.png"
        _retrieval(plt, curves["retrieval"]["points"], path)
        written.append(path)
    if curves.get("audit"):
        path = out_dir / "scaling-audit.png"
        _audit(plt, curves["audit"]["points"], path)
        written.append(path)
    return written

"""The prompt-injection guard's commands.

``engium guard eval``: measure the detector on a labelled file (no database). The file is JSON Lines,
one ``{"text": ..., "label": 0|1, "source": ...[, "lang": ...]}`` object per line (label 1 = attack).
``--leave-one-source-out`` adds the honest tables of the learned layer (ai/guard/holdout_report.py): it
retrains the layer without each group of its training corpus and scores that group, and does the same for
a 5-fold random split. Exit status 0 when the file was evaluated, 2 for an unreadable file or bad arguments.

``engium guard redteam``: attacks through the whole assistant pipeline against the local llama.cpp model,
in a throw-away embedded PostgreSQL, with the guard on and off (redteam): the built-in ones, or those of a
file (a JSON list, or JSON Lines of attacks or of ``guard eval`` rows, whose attack rows are replayed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from engium.ai.guard.detector import DEFAULT_THRESHOLD, Detector
from engium.ai.guard.evaluation import DatasetError, evaluate, read_labelled
from engium.ai.guard.holdout_report import HoldoutReport, format_operating_points, format_tables, holdout_tables
from engium.cli.operator import fail

guard_app = typer.Typer(no_args_is_help=True,
                        help="The prompt-injection guard: evaluate the detector, red-team the assistant.")


def _number(value: float | None, *, percent: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.2f}%" if percent else f"{value:.4f}"


def _summary(report: dict[str, Any]) -> str:
    lines = [
        f"rows {report['count']} (attacks {report['attacks']}, benign {report['benign']}), "
        f"threshold {report['threshold']}",
        f"precision {_number(report['precision'])}  recall {_number(report['recall'])}  f1 {_number(report['f1'])}",
        f"false-positive rate {_number(report['false_positive_rate'], percent=True)}  "
        f"accuracy {_number(report['accuracy'])}",
        f"latency p50 {report['latency_ms']['p50']:.2f} ms  p99 {report['latency_ms']['p99']:.2f} ms  "
        f"max {report['latency_ms']['max']:.2f} ms",
        "",
        f"{'count':>7} {'attacks':>7} {'recall':>8} {'benign':>7} {'FPR':>8}  source",
    ]
    for title, table in (("source", report["per_source"]), ("language", report["per_language"])):
        if title == "language":
            lines += ["", f"{'count':>7} {'attacks':>7} {'recall':>8} {'benign':>7} {'FPR':>8}  language"]
        for name, counts in table.items():
            lines.append(
                f"{counts['count']:>7} {counts['attacks']:>7} {_number(counts['recall']):>8} {counts['benign']:>7} "
                f"{_number(counts['false_positive_rate'], percent=True):>8}  {name}"
            )
    return "\n".join(lines)


@guard_app.command("eval")
def guard_eval(
    data: Annotated[Path, typer.Option("--data", help="JSON Lines file of {text, label[, source]}")],
    threshold: Annotated[
        float | None, typer.Option("--threshold", help=f"Flag at or above this score (default {DEFAULT_THRESHOLD})")
    ] = None,
    similarity: Annotated[
        bool,
        typer.Option("--similarity", help="Also run the embedding similarity layer on uncertain texts (slower)"),
    ] = False,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Leave the learned layer out")] = False,
    holdout: Annotated[
        bool,
        typer.Option("--leave-one-source-out",
                     help="Also retrain the learned layer without each source of its training corpus and score it "
                          "(and a 5-fold split); needs the repository's data/guard (a few minutes)"),
    ] = False,
    corpus_root: Annotated[
        Path, typer.Option("--corpus-root", help="Repository root holding data/guard/corpus (for the hold-out tables)")
    ] = Path(),
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")] = False,
) -> None:
    """Precision, recall, F1, false-positive rate and accuracy, per source and language, and detector latency."""
    if threshold is not None and not 0 < threshold <= 1:
        fail("--threshold must be in (0, 1]")
    if not data.is_file():
        fail(f"no such file: {data}")
    learned: Literal["shared"] | None = None if rules_only else "shared"
    detector = Detector.with_local_embeddings(learned=learned) if similarity else Detector(learned=learned)
    detector.warm_up()  # load the models before timing, so the first row is not charged for them
    try:
        rows = list(read_labelled(data))
    except (DatasetError, UnicodeDecodeError) as exc:
        fail(f"{data}: {exc}")
    report = evaluate(detector, rows, threshold=threshold).as_dict()
    report["threshold"] = DEFAULT_THRESHOLD if threshold is None else threshold
    report["similarity_layer"] = similarity
    report["learned_layer"] = not rules_only
    text = _summary(report)
    if holdout:
        held = _holdout_tables(corpus_root, report["threshold"], quiet=as_json)
        report["holdout"] = [t.as_dict() for t in held.tables]
        report["holdout_operating_points"] = {str(p): t.as_dict() for p, t in held.operating_points.items()}
        text += "".join("\n\n" + format_tables(t) for t in held.tables)
        text += "\n\n" + format_operating_points(held.operating_points)
    typer.echo(json.dumps(report) if as_json else text)


def _holdout_tables(root: Path, threshold: float, *, quiet: bool) -> HoldoutReport:
    from threadpoolctl import threadpool_limits

    from engium.ai.guard.learned_training import EmbeddingCache, featurise
    from engium.ai.guard.sentence_encoder import ENCODER_NAME, shared_encoder
    from engium.ai.guard.training_corpus import default_corpus_files, load_corpus

    files = default_corpus_files(root)
    if not any(f.parent.name == "corpus" for f in files):
        fail(f"no training corpus under {root / 'data/guard/corpus'} (run from the repository root or --corpus-root)")
    progress = None if quiet else (lambda line: typer.echo(line, err=True))
    with threadpool_limits(limits=1, user_api="blas"):
        cache = EmbeddingCache(root / ".engium" / "guard-embeddings.npz", ENCODER_NAME)
        data = featurise(load_corpus(files), shared_encoder(), cache, progress)
        cache.save()
        return holdout_tables(data, Detector(learned=None), threshold, progress)


_COLUMNS = (("bookings_created", "booked"), ("bookings_cancelled", "cancel"), ("bookings_moved", "moved"),
            ("others_bookings_changed", "others"),
            ("canary_leaks", "canary"), ("system_prompt_leaks", "prompt"), ("other_contact_data", "contact"),
            ("credential_leaks", "secret"), ("off_allow_list_links", "links"))


def _redteam_summary(report: dict[str, Any]) -> str:
    modes = list(report["totals"])
    header = "  ".join(f"{short:>7}" for _, short in _COLUMNS)
    lines = [f"{report['attacks']} attacks, model {report['model']} (at most {report['max_new_tokens']} new tokens), "
             f"{report['seconds']} s", "", f"{'attack':<26} {'guard':<5} {header}  {'model':>5} {'flag':>4} {'esc':>3}"]
    for result in report["results"]:
        for mode in modes:
            row = result[mode]
            cells = "  ".join(f"{row[key]:>7}" for key, _ in _COLUMNS)
            lines.append(f"{result['id'][:26]:<26} {mode:<5} {cells}  {row['model_calls']:>5} {row['flagged']:>4} "
                         f"{'yes' if row['escalated'] else '':>3}")
    lines.append("")
    for mode in modes:
        totals = report["totals"][mode]
        cells = "  ".join(f"{totals[key]:>7}" for key, _ in _COLUMNS)
        lines.append(f"{'TOTAL':<26} {mode:<5} {cells}  {totals['model_calls']:>5} {totals['flagged']:>4} "
                     f"{totals['escalated']:>3}   attacks that got anything through: {totals['attacks_succeeded']}")
    return "\n".join(lines)


@guard_app.command("redteam")
def guard_redteam(
    attacks_file: Annotated[
        Path | None,
        typer.Option("--attacks", help="JSON list or JSON Lines of {id, family, messages, signed_in?, goal?}, "
                                        "or guard-eval rows {text, label} (their attack rows are replayed)"),
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only the attack with this id (repeatable)")
    ] = None,
    modes: Annotated[str, typer.Option("--modes", help="Comma-separated: on, off")] = "on,off",
    max_new_tokens: Annotated[
        int, typer.Option("--max-new-tokens", min=8, max=300, help="Cap on the model's reply length, in tokens")
    ] = 64,
    threads: Annotated[int | None, typer.Option("--threads", min=1, help="llama.cpp threads (default: all)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")] = False,
) -> None:
    """Scripted attacks through widget API, guard, model (llama.cpp), tools and output guard; guard on and off."""
    import logging
    import tempfile

    from engium.ai.gateway import ModelSettings, ProviderUnavailable
    from engium.config import Settings
    from engium.kit.database import Database
    from engium.redteam.attacks import ATTACKS, load_attacks
    from engium.redteam.runner import MODES, RecordingProvider, run_redteam
    from engium.runtime import Runtime

    chosen_modes = [m.strip() for m in modes.split(",") if m.strip()]
    if not chosen_modes or any(m not in MODES for m in chosen_modes):
        fail("--modes takes on, off or on,off")
    try:
        attacks = load_attacks(attacks_file) if attacks_file is not None else ATTACKS
    except (OSError, ValueError) as exc:
        fail(f"{attacks_file}: {exc}")
    if only:
        attacks = tuple(a for a in attacks if a.id in set(only))
        if not attacks:
            fail("--only matched no attack")
    try:
        from engium.ai.gateway.llama_local import LlamaLocalProvider

        provider = LlamaLocalProvider(ModelSettings(provider="llama-cpp", llama_threads=threads))
    except ProviderUnavailable as exc:
        fail(str(exc))
    # Each turn the engine answers would otherwise log; the report is what matters here.
    logging.getLogger("engium").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="engium-redteam-") as data_dir:
        settings = Settings(data_dir=Path(data_dir), secure_cookies=False)
        database = Database.open(app_url=None, owner_url=None, data_dir=settings.resolved_data_dir, pool_size=5)
        try:
            database.migrate()
            runtime = Runtime(settings=settings, database=database)
            report = run_redteam(runtime, RecordingProvider(provider, max_new_tokens), attacks, modes=chosen_modes,
                                 progress=None if as_json else lambda line: typer.echo(line, err=True))
        finally:
            database.close()
    typer.echo(json.dumps(report) if as_json else _redteam_summary(report))

"""Run directories without training: the records round-trip, unfinished runs say so, the
comparison marks the lowest validation loss, files are replaced whole, configs validate."""

import csv
import io
import json
import math

import pytest

from cnnspec import atomic
from cnnspec.training.compare import comparison_rows, minutes_seconds, render_csv, render_markdown
from cnnspec.errors import RunError
from cnnspec.training.recipe import TrainConfig
from cnnspec.training.runs import (CheckpointState, EpochMetrics, RunPaths, RunResult, load_run,
                          metrics_csv, read_metrics, read_state, write_results, write_state)

HISTORY = (
    EpochMetrics(1, 2.302585092994046, 0.1, 1.0 / 3.0, 0.5, 1.25),
    EpochMetrics(2, 0.1 + 0.2, 0.9, 0.2, 0.95, 1.0),
)


def finished_run(tmp_path, name, val_loss, params=1000, seconds=61.0, accuracy=0.9):
    paths = RunPaths(tmp_path / name)
    paths.root.mkdir()
    atomic.write_text_atomic(paths.metrics, metrics_csv(HISTORY))
    write_results(paths, {"spec": {"name": name}, "params": {"total": params}, "macs": 5,
                          "val_loss": val_loss, "train_seconds": seconds,
                          "test_accuracy": accuracy})
    return load_run(paths.root)


# --- metrics.csv and the checkpoint record -----------------------------------------------


def test_metrics_round_trip_exactly(tmp_path):
    path = tmp_path / "metrics.csv"
    atomic.write_text_atomic(path, metrics_csv(HISTORY))
    assert read_metrics(path) == HISTORY  # repr() of a float reads back as the same float


def test_metrics_without_validation_leave_the_columns_empty(tmp_path):
    rows = (EpochMetrics(1, 0.5, 0.75, None, None, 2.0),)
    text = metrics_csv(rows)
    assert list(csv.reader(io.StringIO(text)))[1] == ["1", "0.5", "0.75", "", "", "2.0"]
    path = tmp_path / "m.csv"
    path.write_text(text)
    assert read_metrics(path) == rows


def test_checkpoint_state_round_trips(tmp_path):
    paths = RunPaths(tmp_path)
    state = CheckpointState(2, "epoch-0002.keras", TrainConfig(epochs=5).hyperparameters(),
                            "ab" * 32, HISTORY)
    assert read_state(paths) is None
    write_state(paths, state)
    assert read_state(paths) == state


def test_damaged_checkpoint_record_is_a_run_error(tmp_path):
    paths = RunPaths(tmp_path)
    paths.checkpoint.mkdir()
    paths.state.write_text(json.dumps({"format": 1, "epochs_done": 2}))
    with pytest.raises(RunError, match="the checkpoint record is damaged"):
        read_state(paths)


def test_a_run_without_results_is_not_finished(tmp_path):
    paths = RunPaths(tmp_path / "run")
    paths.checkpoint.mkdir(parents=True)
    write_state(paths, CheckpointState(1, "epoch-0001.keras", {}, "0" * 64, HISTORY[:1]))
    with pytest.raises(RunError) as caught:
        load_run(paths.root)
    assert "did not finish (no results.json)" in str(caught.value)
    assert f"--out {paths.root} --resume" in str(caught.value)


def test_results_refuse_nan_rather_than_write_invalid_json(tmp_path):
    with pytest.raises(ValueError):
        write_results(RunPaths(tmp_path), {"val_loss": math.nan})
    assert not (tmp_path / "results.json").exists()


# --- atomic replacement ------------------------------------------------------------------


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.keras"
    target.write_text("old")
    with pytest.raises(OSError), atomic.atomic_path(target) as temp:
        assert temp.suffix == ".keras" and temp.parent == tmp_path
        temp.write_text("half")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.keras"]


def test_replaced_file_gets_ordinary_permissions(tmp_path):
    atomic.write_text_atomic(tmp_path / "results.json", "{}")
    assert (tmp_path / "results.json").stat().st_mode & 0o044 == 0o044  # group/other may read


# --- the comparison table ----------------------------------------------------------------


def test_lowest_validation_loss_is_marked_best(tmp_path):
    runs = [finished_run(tmp_path, "Model 1", 0.04368), finished_run(tmp_path, "Model 3", 0.04151),
            finished_run(tmp_path, "Model 2", 0.04466)]
    rows = comparison_rows(runs)
    assert [row.model for row in rows] == ["Model 1", "Model 3", "Model 2"]
    assert [row.best for row in rows] == [False, True, False]
    table = render_markdown(rows).splitlines()
    assert len(table) == 2 + 3
    assert table[3].startswith("| **Model 3** (best) | 0.04151 |")


def test_full_split_runs_have_no_validation_loss_and_are_never_best(tmp_path):
    rows = comparison_rows([finished_run(tmp_path, "a", None), finished_run(tmp_path, "b", 0.5)])
    assert [row.best for row in rows] == [False, True]
    assert "| a | — |" in render_markdown(rows)


def test_every_format_renders_the_one_comparison_table(tmp_path):
    from cnnspec.render.table import to_text
    from cnnspec.training.compare import comparison_table, render

    rows = comparison_rows([finished_run(tmp_path, "a|b", 0.5), finished_run(tmp_path, "c", None)])
    assert "| **a\\|b** (best) | 0.50000 |" in render_markdown(rows)  # a pipe in a name is escaped
    assert render(rows, "text") == to_text(comparison_table(rows))
    assert "run_dir" not in render(rows, "text") and "run_dir" in render_csv(rows).splitlines()[0]


def test_csv_keeps_unrounded_numbers(tmp_path):
    rows = comparison_rows([finished_run(tmp_path, "a", 0.123456789, seconds=818.4)])
    record = next(csv.DictReader(io.StringIO(render_csv(rows))))
    assert float(record["val_loss"]) == 0.123456789
    assert float(record["train_seconds"]) == 818.4
    assert record["best"] == "True" and record["total_params"] == "1000"


def test_time_is_printed_as_the_report_prints_it():
    # Table 2's times: 13:38, 14:35, 19:53.
    assert [minutes_seconds(s) for s in (818, 875, 1193)] == ["13:38", "14:35", "19:53"]


def test_run_result_history_comes_from_metrics(tmp_path):
    run = finished_run(tmp_path, "m", 0.2)
    assert isinstance(run, RunResult) and run.history == HISTORY and run.name == "m"


# --- the config --------------------------------------------------------------------------


def test_config_defaults_are_the_reports_setup():
    config = TrainConfig()
    assert (config.recipe.epochs, config.recipe.batch_size, config.recipe.lr, config.recipe.seed,
            config.recipe.split) == \
        (50, 100, 0.05, 6570518, "fold")


def test_config_is_a_recipe_and_the_options_of_one_run():
    from cnnspec.training.recipe import Recipe, RunOptions

    config = TrainConfig(epochs=3, limit=600, out="runs/m3", max_params=10**6)
    assert config.recipe == Recipe(epochs=3, limit=600)
    assert config.run == RunOptions(out="runs/m3", max_params=10**6)
    moved = TrainConfig(config.recipe, config.run, out="runs/other", resume=True)
    assert moved.recipe == config.recipe and (moved.run.out, moved.run.resume) == ("runs/other", True)
    # What a run records: the recipe and what it was applied to, never where it is or its guard.
    assert set(config.hyperparameters()) == {"epochs", "batch_size", "lr", "seed", "split", "limit",
                                             "data", "dataset", "distribute"}
    with pytest.raises(TypeError, match="unknown settings epoch"):
        TrainConfig(epoch=3)


def test_config_lists_every_bad_value_at_once():
    with pytest.raises(RunError) as caught:
        TrainConfig(epochs=0, batch_size=True, lr=float("nan"), seed=-1, split="folds",
                    limit=0, distribute="tpu", resume=True)
    lines = list(caught.value.messages)
    assert len(lines) == 8
    for fragment in ("epochs", "batch_size", "lr", "seed", "split", "limit", "distribute",
                     "resume needs out"):
        assert any(fragment in line for line in lines), fragment


# --- comparing runs that differ (issue 12) ------------------------------------------------


def run_with(tmp_path, folder, name, val_loss, **settings):
    """A finished run trained with the report's settings except `settings`."""
    paths = RunPaths(tmp_path / folder)
    paths.root.mkdir(parents=True)
    atomic.write_text_atomic(paths.metrics, metrics_csv(HISTORY))
    hyperparameters = TrainConfig(**settings).hyperparameters()
    write_results(paths, {"spec": {"name": name}, "params": {"total": 1000}, "macs": 5,
                          "val_loss": val_loss, "train_seconds": 61.0, "test_accuracy": 0.9,
                          "hyperparameters": hyperparameters,
                          "data": {"source": settings.get("data") or "cache", "verified": True}})
    return load_run(paths.root)


def test_runs_of_one_spec_get_rows_of_their_own_and_one_best(tmp_path):
    from cnnspec.training.compare import comparison_notes

    runs = [run_with(tmp_path, "a", "exercise2b", 0.25), run_with(tmp_path, "b", "exercise2b", 0.25)]
    rows = comparison_rows(runs)
    assert [row.model for row in rows] == [f"exercise2b ({tmp_path / 'a'})",
                                           f"exercise2b ({tmp_path / 'b'})"]
    assert [row.best for row in rows] == [True, False]
    assert comparison_notes(runs) == (
        f"exercise2b ({tmp_path / 'a'}) and exercise2b ({tmp_path / 'b'}) tie for the lowest "
        "validation loss, 0.25000; the first is marked best",)
    assert sum("(best)" in line for line in render_markdown(rows).splitlines()) == 1


def test_runs_trained_with_other_settings_are_noted(tmp_path):
    from cnnspec.training.compare import comparison_notes, render, write_comparison

    runs = [run_with(tmp_path, "a", "m1", 0.3), run_with(tmp_path, "b", "m2", 0.2, epochs=5, lr=0.1),
            run_with(tmp_path, "c", "m3", 0.4, limit=500, data="mine.npz")]
    notes = comparison_notes(runs)
    assert notes == ("the runs were trained with different settings: epochs 50 (m1, m3), 5 (m2); "
                     "lr 0.05 (m1, m3), 0.1 (m2); limit all images (m1, m2), 500 (m3); "
                     "data cache (m1, m2), mine.npz (m3)",)
    write_comparison(runs, tmp_path / "cmp")
    table = (tmp_path / "cmp" / "table.md").read_text()
    assert table.startswith(render(comparison_rows(runs))) and f"Note: {notes[0]}" in table
    assert comparison_notes(runs[:1]) == ()


def test_comparison_legend_sits_beside_the_curves(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from cnnspec.training.plotting import comparison_figure

    figure = comparison_figure({f"model {n}": HISTORY for n in range(6)}, "Loss over epochs")
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)  # lays the figure out, as saving it does
    axes, = figure.axes
    legend = axes.get_legend().get_window_extent(renderer)
    assert not legend.overlaps(axes.get_window_extent(renderer))
    assert figure.get_tightbbox(renderer).x1 <= figure.bbox_inches.x1 + 0.01  # nothing cut off


def test_compare_prints_the_notes_apart_from_the_table(tmp_path, capsys):
    from cnnspec.cli import main

    a, b = run_with(tmp_path, "a", "m", 0.3), run_with(tmp_path, "b", "m", 0.2, seed=1)
    assert main(["compare", "--runs", str(a.run_dir), str(b.run_dir), "--format", "csv",
                 "--out", str(tmp_path / "cmp")]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("model,val_loss") and "note: the runs were trained with different " \
        f"settings: seed 6570518 (m ({a.run_dir})), 1 (m ({b.run_dir}))" in err

"""LIME's interactive view of an explanation, saved into the run folder."""

from __future__ import annotations

from .files import in_run_folder, run_folder, write_text


def save_explanation_html(explanation, output_dir, name: str, labels=None) -> str:
    """Write LIME's interactive view of ``explanation`` (a ``lime.explanation.Explanation``) to
    ``output_dir/explanations/<name>.html``, atomically; returns the path relative to the run
    folder, for printing."""
    path = write_text(run_folder(output_dir) / "explanations" / f"{name}.html", explanation.as_html(labels=labels))
    return in_run_folder(path, output_dir)

"""Fitting crf_entities' CRFs, in this process or in a worker process.

crfsuite holds the GIL for its whole training (SNIPS: ~27 s), so a thread would stall
everything else. On large data ``crf_entities`` therefore trains in a separate
``python -m dialog.nlu.crf_training IN OUT`` process while the sentence embeddings and
the intent SVM train here. A plain subprocess rather than multiprocessing: "spawn"
re-imports the caller's main script (breaking scripts without a ``__main__`` guard)
and "fork" is unsafe in a process running torch threads.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

__all__ = ["BackgroundFit", "Sequences", "fit_all"]

Sequences = dict[str, list[tuple[list[dict[str, object]], list[str]]]]  # task -> [(token features, tags)]


def fit_all(work: Sequences, params: dict[str, Any]) -> dict[str, bytes]:
    """task -> crfsuite model file contents."""
    return {task: _fit(pairs, params) for task, pairs in work.items()}


def _fit(pairs: list[tuple[list[dict[str, object]], list[str]]], params: dict[str, Any]) -> bytes:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params(params)
    for features, tags in pairs:
        trainer.append(features, tags)
    handle, path = tempfile.mkstemp(suffix=".crfsuite")
    os.close(handle)
    try:
        trainer.train(path)
        return Path(path).read_bytes()
    finally:
        os.unlink(path)


class BackgroundFit:
    """``fit_all`` running in a worker process; ``result()`` waits for its models."""

    def __init__(self, work: Sequences, params: dict[str, Any]) -> None:
        self._folder = Path(tempfile.mkdtemp(prefix="dialog-crf-"))
        with (self._folder / "input.pickle").open("wb") as handle:
            pickle.dump((work, params), handle, protocol=pickle.HIGHEST_PROTOCOL)
        self._tasks = list(work)
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "dialog.nlu.crf_training", str(self._folder / "input.pickle"), str(self._folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def result(self) -> dict[str, bytes]:
        """The models; RuntimeError with the worker's last error lines if it failed."""
        process, self._process = self._process, None
        if process is None:
            raise RuntimeError("the CRF worker's result was already taken")
        try:
            _, errors = process.communicate()
            if process.returncode != 0:
                last = errors.decode("utf-8", "replace").strip().splitlines()[-3:]
                raise RuntimeError(f"the CRF worker exited with {process.returncode}: {' | '.join(last)}")
            return {task: (self._folder / f"{task}.crfsuite").read_bytes() for task in self._tasks}
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)

    def __del__(self) -> None:  # abandoned (e.g. training interrupted): don't leave a worker behind
        process = getattr(self, "_process", None)
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.communicate()  # reaps it and closes the stderr pipe
        shutil.rmtree(getattr(self, "_folder", ""), ignore_errors=True)


def main(argv: Sequence[str]) -> int:
    source, folder = Path(argv[0]), Path(argv[1])
    with source.open("rb") as handle:
        work, params = pickle.load(handle)  # written by BackgroundFit in our own private temp folder
    for task, model in fit_all(work, params).items():
        (folder / f"{task}.crfsuite").write_bytes(model)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

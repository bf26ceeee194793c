"""Machine-translation engines behind one small interface, and the choice of engines for a run.

``memory`` (the project's own catalogs, :mod:`pipeline.mt.engines.memory`) is
not a machine engine: it runs first and fills what it knows. A machine
engine (``deepl`` or ``pseudo``) translates texts in the XML form of
:mod:`pipeline.mt.inline_xml`, in batches the engine itself cuts to its limits.
"""

from __future__ import annotations

import os
from contextlib import suppress
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from collections.abc import Callable, Mapping, Sequence

from pipeline import interrupts
from pipeline.config import Config
from pipeline.errors import EngineError
from pipeline.mt.engines.base import (DEEPL, ENGINE_NAMES, KEY_VARIABLE, MACHINE_ENGINES, MEMORY,
                                      PSEUDO, SERVER_VARIABLE, Batch, Engine, QuotaExceeded,
                                      Translation, Usage, pack)

__all__ = ["DEEPL", "ENGINE_NAMES", "KEY_VARIABLE", "MACHINE_ENGINES", "MEMORY", "PSEUDO",
           "SERVER_VARIABLE", "Batch", "Engine", "EngineChoice", "QuotaExceeded", "Translation",
           "Usage", "choose_engines", "pack", "send_batches"]


@dataclass(frozen=True)
class EngineChoice:
    """The engines of one run: memory or not, and at most one machine engine."""

    memory: bool
    machine: Engine | None
    missing_key: bool = False  # DeepL would have run, had a key been set


def choose_engines(config: Config, names: Sequence[str] = (),
                   env: Mapping[str, str] | None = None) -> EngineChoice:
    """Memory, then DeepL when a key is set, unless engines are named explicitly."""
    env = os.environ if env is None else env
    key = env.get(KEY_VARIABLE, "").strip()
    unknown = [name for name in names if name not in ENGINE_NAMES]
    if unknown:
        raise EngineError(f"unknown engine {', '.join(unknown)}: choose from "
                          f"{', '.join(ENGINE_NAMES)}")
    machines = list(dict.fromkeys(name for name in names if name in MACHINE_ENGINES))
    if len(machines) > 1:
        raise EngineError(f"choose one machine engine, not {' and '.join(machines)}")
    if not names:
        machine = _deepl(config, key, env) if key else None
        return EngineChoice(memory=True, machine=machine, missing_key=not key)
    if machines == [DEEPL] and not key:
        raise EngineError(f"the deepl engine needs a DeepL API key: set {KEY_VARIABLE}")
    machine = None
    if machines == [DEEPL]:
        machine = _deepl(config, key, env)
    elif machines == [PSEUDO]:
        from pipeline.mt.engines.pseudo import PseudoEngine
        machine = PseudoEngine()
    return EngineChoice(memory=MEMORY in names, machine=machine)


def _deepl(config: Config, key: str, env: Mapping[str, str]) -> Engine:
    from pipeline.mt.engines.deepl import DeepLEngine, DeepLSettings
    return DeepLEngine(config, DeepLSettings.from_config(config), key,
                       env.get(SERVER_VARIABLE, "").strip() or None)


def send_batches(engine: Engine, batches: Sequence[Batch], source: str, target: str,
                 on_result: Callable[[Batch, list[Translation]], None],
                 store: Callable[[Batch, list[Translation]], None] | None = None) -> None:
    """Send batches, ``engine.concurrency`` at a time; ``on_result`` runs here as each one arrives.

    ``store`` runs in the worker as soon as a batch is received, so a paid
    translation is kept even if handling it fails later. On a failure or
    Ctrl-C nothing more is sent, the requests in flight are awaited and every
    batch received is still handed to ``on_result`` before the error goes on.
    A Ctrl-C never cuts an ``on_result`` short, and once the run is stopping
    no further Ctrl-C interrupts it (:mod:`pipeline.interrupts`).
    """
    def send(batch: Batch) -> list[Translation]:
        translations = engine.translate(batch, source, target)
        if store is not None:
            store(batch, translations)
        return translations

    with interrupts.guard():
        pool = ThreadPoolExecutor(max_workers=engine.concurrency, thread_name_prefix=engine.name)
        futures: dict[Future[list[Translation]], Batch] = {}
        handled: set[Future[list[Translation]]] = set()
        try:
            with interrupts.shielded():  # every future submitted is known, to be awaited
                for batch in batches:
                    futures[pool.submit(send, batch)] = batch
            for future in as_completed(futures):  # only this wait is cut short by a Ctrl-C
                with interrupts.shielded():
                    on_result(futures[future], future.result())
                    handled.add(future)
        except BaseException:
            with interrupts.shielded():
                pool.shutdown(wait=True, cancel_futures=True)
                for future, batch in futures.items():
                    if future not in handled and future.done() and not future.cancelled() \
                            and future.exception() is None:
                        with suppress(Exception):  # the error that stopped the run is reported
                            on_result(batch, future.result())
            raise
        finally:
            pool.shutdown(wait=True)

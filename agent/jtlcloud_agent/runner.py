"""`jtlcloud-agent run`: sources and the sender in threads, until a signal or the input ends.

Shutdown on SIGTERM/SIGINT: sources stop after their current commit; the sender gets
`shutdown_grace` seconds to finish an in-flight request, after which the request is
abandoned (its items are still in the spool and are sent again next time). Nothing is
lost either way because items leave the spool only after the server's 200.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from typing import Any

from jtlcloud_agent.backoff import Backoff
from jtlcloud_agent.config import AgentConfig
from jtlcloud_agent.delivery import Deliverer
from jtlcloud_agent.sources import Source, build_source
from jtlcloud_agent.spool import Spool
from jtlcloud_agent.transport import Transport

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0


class AlreadyRunning(RuntimeError):
    """Another agent holds this spool; two would read the same sources twice."""


def run(config: AgentConfig, drain_and_exit: bool = False) -> int:
    sources = [build_source(name, opts, config.base_dir) for name, opts in config.sources.items()]
    spool = Spool(config.spool, config.spool_max_items)
    lock = _lock_spool(config.spool)
    stop = threading.Event()
    _install_signal_handlers(stop)
    transport = Transport(
        config.server, config.ca_file or None, config.proxy or None, config.timeout
    )
    deliverer = Deliverer(
        spool,
        transport,
        config.read_key,
        batch_size=config.batch_size,
        send_interval=config.send_interval,
        backoff=Backoff(config.backoff_initial, config.backoff_max),
        unauthorized_retry=config.unauthorized_retry,
        use_gzip=config.gzip,
    )
    source_stop = threading.Event()
    source_threads = [
        _start(f"source-{s.name}", _run_source, s, spool, source_stop) for s in sources
    ]
    sender_stop = threading.Event()
    sender = _start("sender", deliverer.run, sender_stop)
    log.info(
        "agent started: %d source(s), sending to %s, spool %s (%d items waiting)",
        len(sources), config.server, config.spool, spool.depth(),
    )  # fmt: skip
    healthy = True
    try:
        healthy = _supervise(spool, stop, sources, source_threads, drain_and_exit)
    finally:
        log.info("shutting down")
        source_stop.set()
        for thread in source_threads:
            thread.join(timeout=5)
        sender_stop.set()
        sender.join(timeout=config.shutdown_grace)
        if sender.is_alive():
            log.warning("abandoning the request in flight; its items stay in the spool")
            transport.abort()
            sender.join(timeout=2)
        transport.close()
        spool.put_state("agent", {"pid": os.getpid(), "heartbeat": time.time(), "running": False})
        log.info("stopped with %d items waiting in the spool", spool.depth())
        lock.close()
    # A failed source exits non-zero so that a service manager restarts the agent.
    return 0 if healthy else 1


def _supervise(
    spool: Spool,
    stop: threading.Event,
    sources: list[Source],
    threads: list[threading.Thread],
    drain_and_exit: bool,
) -> bool:
    """Run until a signal (True) or a source failure (False); write heartbeats meanwhile."""
    last_beat = 0.0
    while True:
        if time.monotonic() - last_beat >= HEARTBEAT_SECONDS:
            last_beat = time.monotonic()
            spool.put_state(
                "agent", {"pid": os.getpid(), "heartbeat": time.time(), "running": True}
            )
        finished = all(not thread.is_alive() for thread in threads)
        if drain_and_exit and finished and spool.depth() == 0:
            log.info("all sources finished and the spool is empty")
            return True
        for source, thread in zip(sources, threads):
            if not thread.is_alive() and not source.finite:
                log.error("source %s stopped unexpectedly; see the error above", source.name)
                return False
        if stop.wait(0.2):
            return True


def _run_source(source: Source, spool: Spool, stop: threading.Event) -> None:
    try:
        source.run(spool, stop)
    except Exception:
        log.exception("source %s failed", source.name)
    finally:
        spool.close()


def _start(name: str, target: Any, *args: Any) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, name=name, daemon=True)
    thread.start()
    return thread


def _install_signal_handlers(stop: threading.Event) -> None:
    def handle(signum: int, _frame: object) -> None:
        if stop.is_set():
            # A second signal means "now": everything sent-but-unacknowledged is still spooled.
            log.warning("second %s: exiting immediately", signal.Signals(signum).name)
            os._exit(1)
        log.info("received %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)


class _Lock:
    def __init__(self, handle: Any) -> None:
        self.handle = handle

    def close(self) -> None:
        self.handle.close()


def _lock_spool(path: str) -> _Lock:
    handle = open(path + ".lock", "a+")  # noqa: SIM115 - held for the life of the process
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the operator must not start two agents
        return _Lock(handle)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise AlreadyRunning(f"another jtlcloud-agent is already using the spool {path}") from None
    return _Lock(handle)

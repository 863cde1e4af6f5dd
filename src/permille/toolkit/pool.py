"""The toolkit's worker processes: calculations run off the request path, so that a Monte Carlo run holds
neither the server's event loop nor its interpreter lock and reads are served meanwhile.

:class:`ComputePool` wraps a :class:`concurrent.futures.ProcessPoolExecutor` started with the *spawn*
method (forking a server that runs threads is unsafe, and a fork server that preloads the calculators
aborts: the numerical stack starts GNU OpenMP, which refuses fork()); processes start with the server
(:meth:`ComputePool.start`, awaited before it answers: ≈ 3 s to import the numerical stack, far more on a
loaded machine), or else on the first calculation, and stay, at a lower CPU
priority than the server (:data:`NICENESS`). ``size`` 0 runs calculations in a thread of this process
instead.

A calculation whose request is cancelled (its client hung up) is stopped in its worker process
(:meth:`ComputePool.run`): its ticket is marked cancelled in memory shared with the workers and the workers
are sent :data:`CANCEL_SIGNAL`; the one running that ticket raises :class:`Cancelled` (checked between Python
bytecodes, like the CPU budget), so the process stays and its place is free within moments, not at the end
of the budget.
"""

import asyncio
import contextlib
import itertools
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .. import i18n
from .fairness import FairSlots

ENV = "PERMILLE_TOOLKIT_WORKERS"
"""Environment variable: number of toolkit worker processes (0: in-process threads)."""
NICENESS = 10
"""Added to the CPU niceness of each worker process (and of the server's other background computations):
when the cores are busy, the processes answering requests are scheduled first and a heavy calculation
takes the time that is left, so reads keep their latency while Monte Carlo runs are in flight."""


def lower_priority() -> None:
    """Make this (background) process nicer by :data:`NICENESS` (a process initializer)."""
    os.nice(NICENESS)


def default_size() -> int:
    """``$PERMILLE_TOOLKIT_WORKERS``, else one process per CPU core but one (at least one)."""
    value = os.environ.get(ENV)
    if value is not None and value.strip():
        size = int(value)
        if size < 0:
            raise ValueError(f"{ENV}={value}: give 0 or more worker processes")
        return size
    return max(1, (os.cpu_count() or 1) - 1)


class BudgetExceeded(RuntimeError):
    """A calculation used more CPU time than its budget and was stopped."""

    def __init__(self, budget_s: float):
        super().__init__(budget_s)
        self.budget_s = budget_s

    @property
    def message(self) -> i18n.Text:
        """What the reader is told (a catalogue message)."""
        return i18n.Text(
            "the calculation used more than {seconds} s of CPU time and was stopped (limit MAX_CPU_S); ask "
            "for fewer draws, years or areas",
            seconds=f"{self.budget_s:g}",
        )

    def __str__(self) -> str:
        return str(self.message)


class Cancelled(RuntimeError):
    """A calculation was stopped because its request was cancelled (the client hung up)."""


CANCEL_SIGNAL = signal.SIGUSR1
"""Signal sent to the worker processes when a calculation is cancelled (:func:`_on_cancel`)."""
CANCELLED_KEPT = 256
"""Tickets of the latest cancelled calculations shared with the workers (a ring: far more than the
calculations a pool runs at once)."""


def _over_budget(_signum, _frame):
    raise BudgetExceeded(_BUDGET[0])


_BUDGET = [0.0]  # the budget of the calculation running in this worker process, for the message
_TICKET = [0]  # the ticket of the calculation running in this worker process (0: none)
_CANCELLED = [None]  # the shared ring of cancelled tickets (a multiprocessing Array), set at the start


def _cancelled(ticket: int) -> bool:
    ring = _CANCELLED[0]
    return bool(ticket) and ring is not None and ticket in ring[:]


def _on_cancel(_signum, _frame):
    """:data:`CANCEL_SIGNAL`: stop the running calculation if its ticket was cancelled (sent to every
    worker: the others go on)."""
    if _cancelled(_TICKET[0]):
        raise Cancelled(i18n.Text("the calculation was cancelled"))


def _call(calculator: str, args: tuple, budget_s: float | None = None, ticket: int = 0):
    """Run ``calculator`` of :data:`permille.toolkit.calculators.CALCULATORS` (in a worker process)
    within ``budget_s`` CPU seconds (:func:`_apply`), unless its ``ticket`` is cancelled (:class:`Cancelled`,
    before or while it runs)."""
    from .calculators import CALCULATORS

    _TICKET[0] = ticket
    try:
        if _cancelled(ticket):  # cancelled before it started
            raise Cancelled(i18n.Text("the calculation was cancelled"))
        return _apply(CALCULATORS[calculator], args, budget_s)
    finally:
        _TICKET[0] = 0


def _apply(function, args: tuple, budget_s: float | None = None):
    """``function(*args)``, stopped with :class:`BudgetExceeded` once it has used ``budget_s`` seconds of
    CPU time (the process's user and system time, all threads: a profiling timer, so the budget does not
    depend on how busy the machine is; checked between Python bytecodes, so a compiled loop is stopped
    when it returns). No budget outside a process's main thread (``size`` 0)."""
    if budget_s is None or threading.current_thread() is not threading.main_thread():
        return function(*args)
    _BUDGET[0] = budget_s
    previous = signal.signal(signal.SIGPROF, _over_budget)
    signal.setitimer(signal.ITIMER_PROF, budget_s)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _initialise(cancelled=None) -> None:
    """A worker process's start: a lower CPU priority (:func:`lower_priority`), the ring of cancelled
    tickets and the handler of :data:`CANCEL_SIGNAL`, then the calculators' numerical stack imported, so
    that a process takes work only once it can run it at once."""
    lower_priority()
    _CANCELLED[0] = cancelled
    signal.signal(CANCEL_SIGNAL, _on_cancel)
    from . import calculators  # noqa: F401


def _ready() -> int:
    """The worker's process id (a started process answers at once)."""
    return os.getpid()


class PoolUnavailable(RuntimeError):
    """A worker process died (e.g. killed for memory); the pool was restarted for the next request."""


class ComputePool:
    """``await pool.run("balance", body, "json")`` → the calculator's :class:`~.calculators.Answer`,
    computed in a worker process within ``budget_s`` CPU seconds (default
    :data:`~permille.toolkit.limits.MAX_CPU_S`; else :class:`BudgetExceeded`; no budget in threads,
    ``size`` 0); ``in_flight`` counts the calculations submitted and not yet done, ``cancelled`` those
    stopped in their worker process because their request was cancelled."""

    def __init__(self, size: int | None = None, budget_s: float | None = None):
        from .limits import MAX_CPU_S

        self.size = default_size() if size is None else size
        self.budget_s = MAX_CPU_S if budget_s is None else budget_s
        self.in_flight = 0
        self.cancelled = 0
        self._lock = threading.Lock()
        self._slots: FairSlots | None = None
        self._tickets = itertools.count(1)
        self._context = multiprocessing.get_context("spawn")
        self._cancelled = self._context.Array("q", CANCELLED_KEPT) if self.size else None
        self._next_cancelled = 0
        self._executor = self._start()

    def _start(self) -> ProcessPoolExecutor | None:
        if self.size == 0:
            return None
        return ProcessPoolExecutor(
            self.size, mp_context=self._context, initializer=_initialise, initargs=(self._cancelled,)
        )

    def _cancel(self, ticket: int) -> None:
        """Mark ``ticket`` cancelled and tell the workers (:data:`CANCEL_SIGNAL`)."""
        with self._lock:
            self._cancelled[self._next_cancelled % CANCELLED_KEPT] = ticket
            self._next_cancelled += 1
            processes = list((self._executor._processes or {}).values())
        for process in processes:
            if process.pid is not None and process.is_alive():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, CANCEL_SIGNAL)

    @property
    def processes(self) -> int:
        """Worker processes started (and not stopped)."""
        if self._executor is None:
            return 0
        return sum(p.is_alive() for p in list((self._executor._processes or {}).values()))

    def start(self) -> None:
        """Start every worker process and wait until they answer (blocking: seconds, more on a loaded
        machine), so that no request waits for a process to start."""
        if self._executor is None:
            return
        # an idle-less executor spawns one process per submission, up to its size
        futures = [self._executor.submit(_ready) for _ in range(self.size)]
        for future in futures:
            future.result()

    async def run(self, calculator: str, *args, client: str = ""):
        """The calculation, when a place is free and it is ``client``'s turn (:class:`~.fairness.FairSlots`:
        :class:`~.fairness.QueueFull` when the queue is full; cancelled while waiting, it never runs;
        cancelled while it runs, it is stopped in its worker process (:meth:`_cancel`) and its place is
        given back once the worker has stopped it)."""
        if self._slots is None:  # made on the loop that runs the calculations
            self._slots = FairSlots(self.size)
        async with self._slots.place(client):
            with self._lock:
                self.in_flight += 1
            try:
                if self._executor is None:
                    return await asyncio.to_thread(_call, calculator, args)
                try:
                    ticket = next(self._tickets)
                    job = asyncio.wrap_future(
                        self._executor.submit(_call, calculator, args, self.budget_s, ticket)
                    )
                    try:
                        return await asyncio.shield(job)
                    except asyncio.CancelledError:
                        self._cancel(ticket)
                        await self._stopped(job)
                        raise
                except BrokenProcessPool:
                    with self._lock:
                        broken, self._executor = self._executor, self._start()
                    broken.shutdown(wait=False, cancel_futures=True)
                    raise PoolUnavailable(i18n.Text("a toolkit worker process stopped; try again")) from None
            finally:
                with self._lock:
                    self.in_flight -= 1

    async def _stopped(self, job: asyncio.Future) -> None:
        """Wait for the cancelled ``job`` to end in its worker (at once when it is stopped; at most its
        CPU budget), counting it in ``cancelled`` when it was stopped. Cancelled again meanwhile (the
        server stops), it waits no more."""
        with contextlib.suppress(BaseException):
            await asyncio.shield(job)
        if job.done() and not job.cancelled() and isinstance(job.exception(), Cancelled):
            with self._lock:
                self.cancelled += 1

    def call(self, function, *args):
        """``function(*args)`` (a module-level function, picklable arguments) in a worker process within
        the CPU budget, for a computation of the server that is too heavy for its process (the site
        nowcast): blocking, so called from a worker thread, never the event loop. With ``size`` 0, in the
        calling thread."""
        if self._executor is None:
            return function(*args)
        try:
            return self._executor.submit(_apply, function, args, self.budget_s).result()
        except BrokenProcessPool:
            with self._lock:
                broken, self._executor = self._executor, self._start()
            broken.shutdown(wait=False, cancel_futures=True)
            raise PoolUnavailable(i18n.Text("a toolkit worker process stopped; try again")) from None

    def close(self) -> None:
        """Stop the worker processes (queued calculations are cancelled)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

"""Worker processes that end with their parent.

The counterfactual runs and the local sweep run on :class:`~concurrent.futures.ProcessPoolExecutor` workers.
Left alone, those outlive a parent killed by SIGKILL, keep solving for minutes after a SIGTERM (the executor's
shutdown waits for the running solves) and print a KeyboardInterrupt traceback each on Ctrl-C. Here:

- a worker ignores SIGINT from birth (the terminal sends Ctrl-C to the whole process group; the parent ends its
  workers itself); SIGTERM unwinds the task it runs (its temporary files and run folder are removed, HiGHS is
  cancelled) and the worker then exits quietly, with no traceback;
- a worker exits when its parent dies: the kernel's parent-death signal on Linux, and a thread watching the
  parent's pid everywhere (the backstop, also for a parent that dies while a worker is being started);
- :func:`pool` ends every worker when the block it guards is left by an exception or an interrupt, within a
  second, instead of waiting for their solves.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from gzpower.errors import quiet_when_interrupted

# how often a worker looks whether its parent still lives: the orphan's lifetime after a SIGKILL of the parent
PARENT_POLL_S = 0.2
# how long an ended worker may take to go before it is killed
TERMINATE_WAIT_S = 1.5
_PR_SET_PDEATHSIG = 1


class _Terminated(SystemExit):
    """SIGTERM in a worker: a SystemExit, so that an idle worker leaves without a traceback."""


#: True while a worker runs a task: only then has SIGTERM cleanup to unwind
_in_task = False


def _inside_import(frame) -> bool:
    """Whether the interrupted code runs inside Python's import machinery."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _terminated(signum, frame):
    if not _in_task or _inside_import(frame):
        # between tasks (importing, unpickling the next call) there is nothing to clean up; inside an import, also
        # a task's lazy one, an exception would surface as an ImportError traceback, or be printed as "Exception
        # ignored" from importlib's module-lock callback and not stop the task: leave at once (an open run folder
        # is removed by its janitor process when this process's pipe closes)
        os._exit(128 + signum)
    raise _Terminated(128 + signum)


def _call(fn, *args):
    """A task in a worker: on SIGTERM (raised as _Terminated, or as KeyboardInterrupt by a run folder's own
    handler) the task's cleanup runs as the exception unwinds, then the worker exits without a word."""
    global _in_task
    _in_task = True
    try:
        return fn(*args)
    except (_Terminated, KeyboardInterrupt):
        os._exit(128 + signal.SIGTERM)
    finally:
        _in_task = False


def submit(executor: ProcessPoolExecutor, fn, *args):
    """``executor.submit(fn, *args)`` for a pool of :func:`pool`: the task ends quietly when its worker is ended."""
    return executor.submit(_call, fn, *args)


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # the parent is gone: nobody will read our result, and no cleanup is ours to do
        time.sleep(PARENT_POLL_S)


def init_worker(parent_pid: int) -> None:
    """Initializer of every worker process (see the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)  # also replaces a forked worker's inherited KeyboardInterrupt handler
    quiet_when_interrupted()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the watching thread alone
            pass
    # tqdm's default lock is a multiprocessing semaphore; a worker ended by SIGTERM cannot unregister it, and the
    # resource tracker then warns of "leaked semaphore objects" after the parent's one-line message. A worker's
    # bars are its own: a thread lock does
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="watch-parent").start()


def end_workers(executor: ProcessPoolExecutor) -> None:
    """Stop the executor without waiting for its running tasks: cancel the queued ones, terminate the workers."""
    processes = list((getattr(executor, "_processes", None) or {}).values())  # no public handle in Python 3.11
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + TERMINATE_WAIT_S
    for proc in processes:
        proc.join(max(deadline - time.monotonic(), 0.0))
        if proc.is_alive():
            proc.kill()
            proc.join(TERMINATE_WAIT_S)
    # the executor's own thread, seeing its workers gone, closes its wake-up pipe; if that is still under way when
    # the interpreter exits, Python 3.11's exit hook writes to the closing pipe and prints a traceback ("Bad file
    # descriptor", seen once in a test's SIGTERM). Waiting for the thread here leaves the hook nothing to race
    manager = getattr(executor, "_executor_manager_thread", None)  # no public handle in Python 3.11
    if manager is not None:
        manager.join(TERMINATE_WAIT_S)


def stop_resource_tracker() -> None:
    """End multiprocessing's resource tracker, if a pool started one, and wait for it. Left alone it exits only
    when it sees this process's end, a moment after it: a caller that waits for our process group, or looks for
    what we left running, would find it still there. Only once every pool has ended cleanly: the locks of a pool
    ended by an interrupt are still alive, and at exit they unregister through the tracker (stopped, that prints a
    traceback)."""
    import gc
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker  # no public handle in Python 3.11
    if getattr(tracker, "_fd", None) is None:
        return  # no pool started one
    gc.collect()  # the pools' queues and locks unregister themselves when collected: none is then reported leaked
    tracker._stop()


@contextmanager
def pool(workers: int, start_method: str | None = None) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers end with the block on any exception (KeyboardInterrupt and SIGTERM included)
    and with this process; on success the workers finish as usual."""
    context = multiprocessing.get_context(start_method)
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=init_worker, initargs=(os.getpid(),)
    )
    try:
        yield executor
    except BaseException:
        end_workers(executor)
        raise
    executor.shutdown(wait=True)


@contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while workers start, so they are born ignoring it (an ignored signal stays ignored across
    fork and exec, and Python keeps it so): no KeyboardInterrupt traceback from a half-started worker."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

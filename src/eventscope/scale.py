"""The same stage functions over Dask partitions: extraction on dask.distributed workers.

The driver reads the corpus and sends batches of articles as tasks (a bounded number at a time, so
neither it nor the scheduler holds the corpus); each worker loads the pipeline once, when it joins
(`PipelinePlugin`), and runs `batch.extract_items` on every task it gets.  Results come back in input
order to the driver, which writes them to partitions or the store, where the cross-article merge runs
after, exactly as in a single-process run.  Needs the `dask` extra, and eventscope installed on every
worker; a `--gazetteer` path must exist on every worker too.

    with open_dask_runner("local", workers=2) as runner:        # or "tcp://scheduler:8786"
        for outcome in run_items(numbered(items), runner): ...
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Any

from eventscope.batch import Settings, TaskResult, extract_items, peak_rss_kb, worker_pipeline
from eventscope.errors import EventscopeError
from eventscope.models import Article
from eventscope.read import HtmlPage

log = logging.getLogger(__name__)

try:
    import dask
    from distributed import Client, LocalCluster
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # an optional extra: the rest of eventscope works without it
    Client = LocalCluster = None  # type: ignore[assignment,misc]
    WorkerPlugin = object  # type: ignore[assignment,misc]

NEEDS_EXTRA = "--dask needs the dask extra: pip install 'eventscope[dask]'"
# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536 to keep their memory down.  Setting it
# turns off glibc's adaptive malloc thresholds, and spaCy then spends about 40% more CPU time (measured:
# 8.4 s against 11.8 s for the same 400 articles in one process), so a LocalCluster is started without it.
MALLOC_SETTING = "MALLOC_TRIM_THRESHOLD_"


class PipelinePlugin(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Loads the extraction pipeline on each worker as it starts, so the first task does not wait."""

    name = "eventscope-pipeline"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker: Any) -> None:
        worker_pipeline(self.settings)


def _worker_peak_rss() -> int:
    return peak_rss_kb()


class DaskRunner:
    """A batch.Runner whose tasks run on a dask.distributed cluster."""

    def __init__(self, client: Any, settings: Settings, cluster: Any = None) -> None:
        self.client = client
        self.settings = settings
        self._cluster = cluster
        self._run = uuid.uuid4().hex[:8]
        self._count = 0
        try:
            client.register_plugin(PipelinePlugin(settings))
        except Exception as exc:  # a worker that cannot load the pipeline: eventscope missing, bad gazetteer
            self.close()
            raise EventscopeError(f"a Dask worker could not load the eventscope pipeline: {exc}") from None
        threads = sum(client.nthreads().values())
        if not threads:
            self.close()
            raise EventscopeError(f"the Dask cluster at {client.scheduler.address} has no workers")
        self.workers = threads
        slowed = sorted(w for w, value in client.run(os.environ.get, MALLOC_SETTING).items() if value)
        if slowed:
            log.warning(
                "%d Dask worker(s) run with %s set, which slows extraction by about 40%%; start their nannies "
                "with distributed.nanny.pre-spawn-environ.%s: null in a Dask config file (docs/scale.md)",
                len(slowed), MALLOC_SETTING, MALLOC_SETTING,
            )  # fmt: skip

    def submit(self, items: list[Article | HtmlPage]) -> Any:
        self._count += 1
        key = f"eventscope-extract-{self._run}-{self._count}"
        return self.client.submit(extract_items, items, self.settings, key=key, pure=False)

    def worker_peak_rss_kb(self) -> dict[str, int]:
        """Peak resident memory of each worker process, in KiB."""
        return dict(self.client.run(_worker_peak_rss))

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_dask_runner(address: str, workers: int | None = None, settings: Settings = Settings()) -> DaskRunner:  # noqa: B008
    """A runner on the Dask scheduler at `address`, or on a new LocalCluster of `workers` processes for "local"."""
    if Client is None:
        raise EventscopeError(NEEDS_EXTRA)
    if address == "local":
        n = workers or os.cpu_count() or 1
        # One thread per worker process: extraction is CPU-bound Python, threads would share one core.
        # Without Dask's MALLOC_TRIM_THRESHOLD_ for its workers: see MALLOC_SETTING.
        with dask.config.set({f"distributed.nanny.pre-spawn-environ.{MALLOC_SETTING}": None}):
            cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=logging.ERROR,
            )  # fmt: skip
        return DaskRunner(Client(cluster), settings, cluster)
    if workers is not None:
        raise EventscopeError(f"--workers sets the size of a local cluster; the cluster at {address} has its own")
    try:
        client = Client(address)  # connect timeout: dask config distributed.comm.timeouts.connect (30 s)
    except (OSError, TimeoutError) as exc:
        raise EventscopeError(f"cannot reach the Dask scheduler at {address} ({exc}); is it running?") from None
    except ValueError as exc:
        raise EventscopeError(
            f"{address!r} is not a Dask scheduler address ({exc}); use tcp://HOST:PORT or local"
        ) from None
    return DaskRunner(client, settings)


__all__ = ["DaskRunner", "PipelinePlugin", "TaskResult", "open_dask_runner"]

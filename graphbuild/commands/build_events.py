"""``graphbuild build --from-events EVENTS...``: merge already-extracted events into the store.

Extraction scales out (``extract --dask``); the merge stays one batched, idempotent writer:
the same :class:`~graphbuild.commands.build.BatchWriter` as ``build``, then the same sinks
(``--neo4j`` pushes the store's graph to Neo4j afterwards).
"""

from __future__ import annotations

import sys
import time

from ..errors import UserError
from ..progress import bar as progress_bar
from ..sinks import store as st


def run_from_events(args) -> int:
    from ..events_io import EventsError, read_events
    from .build import BatchWriter, BuildReport, finish_build, prepare_output

    if not args.from_events:
        raise UserError("nothing to build: give INPUT articles or --from-events EVENTS")
    if args.inputs:
        raise UserError("--from-events merges events instead of extracting: give INPUT articles "
                        "or --from-events EVENTS, not both")
    out, store_path = prepare_output(args)
    report = BuildReport(store=store_path)
    t0 = time.perf_counter()
    progress = progress_bar(args.quiet, unit=" articles", desc="build")
    try:
        with st.open_store(store_path) as store:
            writer = BatchWriter(store, report)
            for item in read_events(args.from_events):
                if isinstance(item, EventsError):
                    report.skipped.append(str(item))
                    progress.write(f"graphbuild build: {item}", file=sys.stderr)
                    continue
                writer.add(*item)
                progress.update(1)
                progress.set_postfix(events=report.events, refresh=False)
            writer.flush()
            t1 = time.perf_counter()
            store.checkpoint()
            report.problems = st.verify(store)  # graphbuild check, as after a build from articles
            report.store_seconds += time.perf_counter() - t1
    finally:
        progress.close()
    report.seconds = time.perf_counter() - t0
    return finish_build(args, report, store_path, out)

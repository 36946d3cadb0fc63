"""What runs the notebooks, as opposed to what the notebooks import: sweeps, and the series, on a
Dask cluster (issue 20; docs/sweeps.md). ``./run_all.sh --sweep FILE`` (:mod:`helpers.series` dispatches here).

- :mod:`helpers.runner.cluster`  the Dask client: an embedded LocalCluster on 127.0.0.1, or an
                                 existing scheduler (``--scheduler``, ``$DASK_SCHEDULER_ADDRESS``)
- :mod:`helpers.runner.task`     the function a worker runs for one task (papermill, files back)
- :mod:`helpers.runner.sweep`    the sweep, step by step (uses :mod:`helpers.sweepfile`)
- :mod:`helpers.runner.status`   its progress line
- :mod:`helpers.runner.sweepout` its tables, picture and ``index.html``
- :mod:`helpers.runner.graph`    the series as a Dask graph (``./run_all.sh --workers N``)
"""

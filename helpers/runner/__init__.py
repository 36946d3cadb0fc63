"""What runs the notebooks, as opposed to what the notebooks import: sweeps and the series on a
Dask cluster (issue 20; docs/sweeps.md).

- :mod:`helpers.runner.cluster`  the Dask client: an embedded LocalCluster on 127.0.0.1, or an
                                 existing scheduler (``--scheduler``, ``$DASK_SCHEDULER_ADDRESS``)
"""

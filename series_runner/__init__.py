"""What runs the notebook series, as opposed to what the notebooks import (``helpers``):
``./run_all.sh``, ``python -m series_runner``. It imports ``helpers``; ``helpers`` never imports it.

- :mod:`series_runner.cli`        the command line: options, parameters, ``Stop``, the resume command
- :mod:`series_runner.series`     the series run (``./run_all.sh``): checks, the graph, the results
- :mod:`series_runner.notebooks`  which notebooks, their parameters, the papermill call
- :mod:`series_runner.datacheck`  the AG News files the notebooks need, before anything starts
- :mod:`series_runner.progress`   the live terminal line, and a notebook's epochs from its record
- :mod:`series_runner.report`     a run folder's ``index.html``
- :mod:`series_runner.cluster`    the Dask client (needs ``distributed``): embedded or at an address
- :mod:`series_runner.task`       what a Dask worker runs for one notebook
- :mod:`series_runner.graph`      the series as a Dask graph, and the one way any graph is run
- :mod:`series_runner.sweepfile`  sweep files: notebooks, parameters, ``grid`` and ``sets``
- :mod:`series_runner.sweep`      a sweep on Dask (``--sweep FILE``): check, data, lock, submit, resume
- :mod:`series_runner.status`     the sweep's progress line
- :mod:`series_runner.sweepout`   a sweep folder's ``sweep.csv``, ``summary.csv``, picture and page
"""

"""``python -m series_runner``: what ``./run_all.sh`` runs."""

from .series import main

main()

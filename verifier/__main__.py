"""``python -m verifier`` runs the same CLI as the ``poam`` console script."""

from verifier.cli import main

main()

"""``python -m verifier`` runs the same CLI as the ``poam`` console script."""

from verifier.cli import main

# Guarded: a multiprocessing server process may import the main module again.
if __name__ == "__main__":
    main()

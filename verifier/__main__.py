"""``python -m verifier`` runs the same CLI as the ``poam`` console script."""

from verifier.cli import main

# Guarded: worker processes of the findings pool import the main module again (spawn start method).
if __name__ == "__main__":
    main()

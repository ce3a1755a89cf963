"""Sub-commands of ``python -m dashboard``."""

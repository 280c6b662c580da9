"""`python -m ghfake serve ...`, for environments without the console script on PATH."""

from ghfake.cli import main

main()

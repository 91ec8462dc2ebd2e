"""Entry point: python3 -m lamina_ric HANDLER (docs/runtimes.md)."""
import sys

from lamina_ric.bootstrap import run

if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else "")

"""PyInstaller's entry point: the same `rootwarden` command as the installed console script."""
import sys

from ui.launch import main

if __name__ == "__main__":
    sys.exit(main())

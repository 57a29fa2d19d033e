import sys

from .cli import main

sys.exit(main(["audit", *sys.argv[1:]]))

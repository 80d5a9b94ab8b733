import sys

from zdr_lint.cli import main

sys.exit(main())

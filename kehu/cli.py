"""The `kehu` command: Django's management commands under one name.

    kehu migrate | demo | serve | token create USERNAME | import customers FILE
    kehu export customers FILE | pool sweep | trash purge | sweep [--loop]
    kehu sla sweep | mail receive|poll|ingest|quarantine|retry | search reindex
    kehu csi | staffing | assist | contact import-cdr|close-stale | insights refresh
    kehu quality sample
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kehu", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

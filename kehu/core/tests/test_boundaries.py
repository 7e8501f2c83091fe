"""Architecture rules that a reviewer would otherwise have to remember."""

import ast
from pathlib import Path

ENGINES = Path(__file__).resolve().parents[2] / "engines"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engines_import_neither_django_nor_other_kehu_code():
    offenders = {
        str(p.relative_to(ENGINES)): sorted(
            m for m in imported_modules(p)
            if m.split(".")[0] == "django" or (m.startswith("kehu.") and not m.startswith("kehu.engines"))
        )
        for p in ENGINES.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert (ENGINES / "__init__.py") in set(ENGINES.rglob("*.py"))

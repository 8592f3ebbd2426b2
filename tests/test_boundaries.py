"""The layering of DESIGN §3, checked on the source: the engine stays pure, kiosk and server
never import each other, the server imports no Qt, and each side imports only what its own
extra in pyproject.toml installs."""

import ast
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)
ENGINE_THIRD_PARTY = {"numpy", "cryptography", "rfc8785"}
FORBIDDEN_IN_ENGINE = {"sqlite3", "PySide6", "httpx", "qasync", "fastapi", "sqlalchemy"}
# The one exception: a command module may import a plotting library inside the function that
# draws (never at import time), installed by an extra ("report"). The pure core never does.
ENGINE_COMMAND_EXTRAS = {"matplotlib": Path("engine/commands/simulation_report.py")}


def imported_top_levels(package: str) -> dict[str, set[Path]]:
    found: dict[str, set[Path]] = {}
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(path.relative_to(ROOT))
    return found


def test_engine_imports_only_numpy_cryptography_and_the_standard_library():
    imports = imported_top_levels("engine")
    for name, module in ENGINE_COMMAND_EXTRAS.items():
        assert imports.pop(name, set()) <= {module}, f"{name} imported outside {module}"
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        top_level: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.Import):
                top_level |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                top_level.add(node.module.split(".")[0])
        assert name not in top_level, f"{module} must import {name} lazily, inside a function"
    allowed = STDLIB | ENGINE_THIRD_PARTY | {"engine"}
    strays = {
        name: sorted(map(str, paths)) for name, paths in imports.items() if name not in allowed
    }
    assert not strays, f"engine imports outside its boundary: {strays}"
    assert not FORBIDDEN_IN_ENGINE & set(imports)


@pytest.mark.parametrize(
    ("package", "forbidden"), [("kiosk", "server_stub"), ("server_stub", "kiosk")]
)
def test_kiosk_and_server_never_import_each_other(package, forbidden):
    imports = imported_top_levels(package)
    assert forbidden not in imports, f"{package} imports {forbidden}: {imports.get(forbidden)}"


def test_server_imports_no_qt():
    imports = imported_top_levels("server_stub")
    qt = {
        name: sorted(map(str, imports[name])) for name in ("PySide6", "qasync") if name in imports
    }
    assert not qt, f"server_stub imports Qt: {qt}"


# Import names that differ from the distribution's name, and what a distribution brings along.
IMPORT_NAMES = {
    "pyside6-essentials": "PySide6",
    "tomli-w": "tomli_w",
    "fpdf2": "fpdf",
    "pillow": "PIL",
    "pyjwt": "jwt",
    "argon2-cffi": "argon2",
}
BROUGHT_ALONG = {"fastapi": {"pydantic", "starlette"}}


def _installed_by(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    names = set()
    for requirement in requirements:
        distribution = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        names.add(IMPORT_NAMES.get(distribution, distribution))
        names |= BROUGHT_ALONG.get(distribution, set())
    return names


@pytest.mark.parametrize(("package", "extra"), [("kiosk", "kiosk"), ("server_stub", "server")])
def test_each_side_imports_only_what_its_extra_installs(package, extra):
    imports = imported_top_levels(package)
    allowed = STDLIB | {"engine", package} | _installed_by(extra)
    strays = {
        name: sorted(map(str, paths)) for name, paths in imports.items() if name not in allowed
    }
    assert not strays, f"{package} imports what `pip install .[{extra}]` does not install: {strays}"

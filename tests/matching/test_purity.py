"""The solver knows neither Flask nor the database nor the rest of the app."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = ["problem", "costs", "conflicts", "flow", "exact", "solver", "explain", "greedy", "rotations",
        "rotations.values", "rotations.measure", "rotations.baseline", "rotations.greedy", "rotations.explain",
        "rotations.planner"]

# Load app.matching without running app/__init__.py (the Flask factory lives there).
PROBE = f"""
import sys, types
package = types.ModuleType("app")
package.__path__ = [{str(ROOT / "app")!r}]
sys.modules["app"] = package
for name in {PURE!r}:
    __import__("app.matching." + name)
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy")
             or (m.startswith("app.") and not m.startswith("app.matching")))
print(",".join(bad))
"""


def test_solver_imports_no_flask_no_database_no_app_module():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ""

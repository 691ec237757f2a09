"""axe-core (Deque's accessibility engine, from the npm registry: tests/js/package.json) run in
a Playwright page. The script is read from tests/js/node_modules and evaluated in the page
through the browser's debugging protocol: nothing is fetched from a CDN, and the app's
Content-Security-Policy (no inline script) stays as it is for the page itself.

    violations = axe.violations(page)
    assert not violations, axe.describe(violations)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what French public-sector accessibility (RGAA) follows.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _script() -> str:
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed: npm ci --prefix tests/js")
    return AXE_SCRIPT.read_text(encoding="utf-8")


def violations(page, *, tags: list[str] | None = None) -> list[dict]:
    """The WCAG 2.1 A/AA violations axe finds in the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_script() + "\n;void 0")  # run by the browser's debugger: no CSP applies
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                 nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
        }""",
        tags or WCAG_21_AA,
    )


def describe(found: list[dict]) -> str:
    """One line per violation, for an assertion message."""
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['nodes'])}" for v in found)

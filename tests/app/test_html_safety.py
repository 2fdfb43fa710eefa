"""No user or file text may reach HTML unescaped: the app never turns Streamlit's escaping off, and raw HTML
(`st.html`) only carries text written in the code: static CSS, or a colour from the scenario palette."""

from __future__ import annotations

import ast
from pathlib import Path

from planner.charts import SCENARIO_COLORS

ROOT = Path(__file__).resolve().parents[2]
#: Names an st.html f-string may interpolate: `color` always comes from ui.views.slot_color, i.e. the palette.
SAFE_NAMES = {"color"}
#: Functions whose result st.html may draw: ui.chrome's style sheet, built from the app's own translations with
#: every character that could end a CSS string or the <style> element escaped (tested below).
SAFE_CALLS = {"builtin_text_css"}


def _static(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SAFE_CALLS:
        return not node.args and not node.keywords
    if isinstance(node, ast.JoinedStr):
        return all(
            isinstance(part, ast.Constant)
            or (
                isinstance(part, ast.FormattedValue)
                and isinstance(part.value, ast.Name)
                and part.value.id in SAFE_NAMES
            )
            for part in node.values
        )
    return False


def test_no_view_passes_unsafe_allow_html_or_raw_html_built_from_data() -> None:
    offenders = []
    files = [ROOT / "streamlit_app.py", *(ROOT / "ui").glob("*.py"), *(ROOT / "pages").glob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg == "unsafe_allow_html" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    offenders.append(f"{path.name}:{node.lineno} unsafe_allow_html")
            is_html = isinstance(node.func, ast.Attribute) and node.func.attr == "html"
            if is_html and not all(_static(arg) for arg in node.args):
                offenders.append(f"{path.name}:{node.lineno} st.html with data")
    assert len(files) > 20
    assert offenders == []


def test_the_colour_interpolated_into_html_is_always_a_palette_constant() -> None:
    from planner.methodology.scenario import Scenario
    from ui.state import Slot
    from ui.views import slot_color

    colours = {
        slot_color(Slot(id=f"s{i}", scenario=Scenario(name="<b>x</b>\"'"), color=i)) for i in range(25)
    }
    assert colours <= set(SCENARIO_COLORS)
    assert all(c.startswith("#") and len(c) == 7 and c[1:].isalnum() for c in SCENARIO_COLORS)


def test_the_style_sheet_escapes_whatever_a_translation_holds() -> None:
    from ui.chrome import _quoted

    quoted = _quoted('x"}</style><script>alert(1)</script>\\')
    assert "<" not in quoted and ">" not in quoted
    assert quoted.count('"') == 2 and quoted.startswith('"') and quoted.endswith('"')
    assert _quoted("Tải tệp lên") == '"Tải tệp lên"'

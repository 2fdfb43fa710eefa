"""Every page renders on the bundled Lào Cai example, in both languages, and the router is the page registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_support import ROOT, metric, new_app, no_exception, store_url
from streamlit.testing.v1 import AppTest

from planner.core.i18n import t
from ui import registry


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PAR_PLANNER_DATABASE_URL", store_url(tmp_path))
    return new_app().run()


def test_the_app_opens_on_lao_cai_2019_with_its_published_total_and_rank(app: AppTest) -> None:
    no_exception(app)
    assert app.title[0].value == t("app.overview.title", "vi")
    assert metric(app, t("app.header.total", "vi")) == "78,47 / 100"
    assert metric(app, t("app.header.rank_in_field", "vi", year="2018")).startswith("21/63")
    assert metric(app, t("app.header.group", "vi")) == "C"
    assert metric(app, t("app.header.p_target", "vi", k=20, year="2019")).endswith("%")
    # The example is labelled illustrative wherever its per-item points show.
    assert any(t("app.context.illustrative", "vi") in box.value for box in app.info)


def test_the_router_registers_every_page_of_the_registry_under_an_ascii_url() -> None:
    paths = [spec.url_path for spec in registry.PAGES]
    assert len(set(paths)) == len(paths) == 10
    assert all(p.isascii() and p.isidentifier() for p in paths)
    assert all((registry.ROOT / spec.path).is_file() for spec in registry.PAGES)
    assert sum(spec.default for spec in registry.PAGES) == 1
    assert all(spec.icon.startswith(":material/") for spec in registry.PAGES)


@pytest.mark.parametrize("spec", registry.PAGES, ids=lambda s: s.url_path)
def test_every_page_renders_without_exception_in_vietnamese_and_english(
    app: AppTest, spec: registry.PageSpec
) -> None:
    app.switch_page(spec.path).run()
    no_exception(app)
    assert app.title, spec.path
    total = metric(app, t("app.header.total", "vi"))
    app.segmented_control(key="lang_pick").set_value("en").run()
    no_exception(app)
    assert metric(app, t("app.header.total", "en")) == total.replace(",", ".")
    assert app.session_state["_lang"] == "en"


def test_switching_pages_keeps_the_session_scenario(app: AppTest) -> None:
    before = app.session_state["_slots"]
    for spec in registry.PAGES:
        app.switch_page(spec.path).run()
        no_exception(app)
    assert app.session_state["_slots"] == before


RAW_KEY = re.compile(
    r"\b(?:app|field|optimise|plan|store|excel|effort|ladder|methodology|scenario|errors)(?:\.[a-z_]+)+\b"
)


def _texts(node: object, out: list[str]) -> list[str]:
    """Every string an element shows (value, label, help, placeholder, options), depth first."""
    for attr in ("value", "label", "help", "placeholder"):
        try:
            value = getattr(node, attr, None)
        except Exception:  # some elements compute `value` from state they do not have
            value = None
        if isinstance(value, str):
            out.append(value)
    options = getattr(node, "options", None)
    if isinstance(options, list):
        out.extend(str(o) for o in options)
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            _texts(child, out)
    return out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_page_shows_a_translation_key_instead_of_text(app: AppTest, lang: str) -> None:
    if lang == "en":
        app.segmented_control(key="lang_pick").set_value("en").run()
    for spec in registry.PAGES:
        app.switch_page(spec.path).run()
        if spec.url_path == "optimiser":
            next(b for b in app.button if b.key == "opt_run").click().run()
        shown = _texts(app._tree, [])
        assert len(shown) > 20, spec.url_path
        raw = {m.group(0) for text in shown if not text.startswith("http") for m in RAW_KEY.finditer(text)}
        raw = {key for key in raw if key.rsplit(".", 1)[-1] not in ("json", "yaml", "xlsx", "csv", "py")}
        assert raw == set(), (spec.url_path, raw)


@pytest.mark.parametrize("example_id", ["quang-ngai-2025", "an-giang-2023", "lao-cai-2019-target"])
def test_every_bundled_example_opens_on_every_page(app: AppTest, example_id: str) -> None:
    from ui import examples

    widget = next(s for s in app.selectbox if s.key and s.key.startswith("side.example."))
    widget.set_value(example_id).run()
    no_exception(app)
    example = examples.all_examples()[example_id]
    assert app.session_state["_workspace"].example_id == example_id
    assert app.session_state["_workspace"].target_rank == example.target_rank
    for spec in registry.PAGES:
        app.switch_page(spec.path).run()
        no_exception(app)
    assert metric(app, t("app.header.total", "vi")).endswith("/ 100")


def test_a_scheme_that_does_not_cover_the_year_is_a_visible_warning_with_what_to_do(app: AppTest) -> None:
    """Issue 14: Hà Giang 2021 was scored silently on QĐ 2636 (2018-2019)."""
    warning = t("app.header.scheme_year", "vi", scheme="2636/QĐ-BNV", years="2018, 2019", year="2025")
    assert not any("2018, 2019" in w.value for w in app.warning)  # Lào Cai 2019 is covered
    widget = next(s for s in app.selectbox if s.key and s.key.startswith("side.example."))
    widget.set_value("quang-ngai-2025").run()
    shown = [w.value for w in app.warning]
    assert any("2018, 2019" in w and "2025" in w and "trang Phương pháp" in w for w in shown), shown
    assert warning  # the message names the page where the ministry's file is loaded


def test_the_overview_shows_an_examples_plan_text_only_for_its_own_province(app: AppTest) -> None:
    from ui import scenarios

    lao_cai = t("app.context.illustrative", "vi")
    assert any(lao_cai in i.value for i in app.info)
    app.switch_page("pages/scenario.py").run()
    payload = (ROOT / "data" / "examples" / "an-giang-2023.json").read_bytes()
    next(u for u in app.file_uploader if (u.key or "").startswith(scenarios.UPLOAD_KEY + ".")).set_value(
        ("an-giang.json", payload, "application/json")
    ).run()
    app.switch_page("pages/overview.py").run()
    no_exception(app)
    assert not any("Lào Cai" in i.value for i in app.info)

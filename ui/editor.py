"""The scenario editor: one area's sub-criteria as rows of widgets, and the whole tree as an editable table.

Widgets are views of the active scenario (ui.state): each is built from the scenario, and its on_change callback
builds a new Scenario with `with_item` and hands it to `state.set_current`. Only one area is rendered at a time
(about ten rows), which keeps a rerun well inside the latency budget; the table view shows all items at once
and applies its edits in a callback, then rebuilds itself under a new key (writing an editor's output back into
its own input loses every second edit, streamlit issue 7749).

Numbers are typed as text and read with `parse_number`, so a Vietnamese user can type 83,87 as in Excel.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import pandas as pd
import streamlit as st

from planner.core.errors import ScenarioError
from planner.core.i18n import parse_number
from planner.methodology.model import Methodology, ScoredItem
from planner.methodology.rules import YesNoRule, from_centi, to_centi
from planner.methodology.scenario import ItemSetting, Scenario
from planner.methodology.scoring import ScoreCard, current_option, item_options, score_scenario, setting_centi
from ui import state
from ui.text import labels, lang, num, points, t
from ui.views import md

EditMode = Literal["level", "value", "points"]
EDIT_MODES: tuple[EditMode, ...] = ("level", "value", "points")
MODE_KEY = "_edit_mode"
AREA_KEY = "_edit_area"


def edit_mode() -> EditMode:
    value = st.session_state.get(MODE_KEY, "level")
    return value if value in EDIT_MODES else "level"


def current_area(m: Methodology) -> str:
    codes = [a.code for a in m.areas]
    value = st.session_state.get(AREA_KEY)
    return value if value in codes else codes[0]


def _copy_widget(widget_key: str, target_key: str) -> None:
    value = st.session_state.get(widget_key)
    if value is not None:
        st.session_state[target_key] = value


def area_picker(m: Methodology, card: ScoreCard) -> str:
    """A segmented control of the areas, each labelled with its code and points; returns the chosen code."""
    areas = {a.code: a for a in card.areas()}
    chosen = current_area(m)
    st.segmented_control(
        t("app.scenario.area"),
        options=list(areas),
        default=chosen,
        format_func=labels(
            areas, lambda code: f"{code} · {points(areas[code].points)}/{points(areas[code].max_points)}"
        ),
        key="area_pick",
        required=True,
        on_change=_copy_widget,
        args=("area_pick", AREA_KEY),
    )
    return current_area(m)


def mode_picker() -> EditMode:
    st.segmented_control(
        t("app.scenario.set_by"),
        options=list(EDIT_MODES),
        default=edit_mode(),
        format_func=labels(EDIT_MODES, lambda mode: t(f"app.scenario.mode.{mode}")),
        key="mode_pick",
        required=True,
        on_change=_copy_widget,
        args=("mode_pick", MODE_KEY),
    )
    return edit_mode()


def _apply(code: str, setting: ItemSetting | None, *, from_widget: bool) -> bool:
    """Set one item on the active scenario if the setting fits; otherwise queue the reason and change nothing."""
    scenario = state.current()
    old = scenario.items.get(code)
    if setting is not None and old is not None and old.note and not setting.note:
        setting = setting.model_copy(update={"note": old.note})  # the item's note (its provenance) stays
    new = scenario.with_item(code, setting)
    try:
        score_scenario(_methodology(scenario), new)
    except ScenarioError as exc:
        _item_error(code, exc.messages(lang())[1:] or exc.messages(lang()))
        state.bump_revision()
        return False
    _item_error(code, [])
    state.set_current(new, from_widget=from_widget)
    return True


ITEM_ERRORS_KEY = "_item_errors"


def _item_error(code: str, messages: list[str]) -> None:
    """Keep (or clear) the reason an item's input was refused, shown under that item's row: a message at the
    top of a long page, 570 px away from the field that reverted, went unseen."""
    errors: dict[str, list[str]] = dict(st.session_state.get(ITEM_ERRORS_KEY) or {})
    if messages:
        errors[code] = messages
    else:
        errors.pop(code, None)
    st.session_state[ITEM_ERRORS_KEY] = errors


def item_errors(code: str) -> list[str]:
    errors: dict[str, list[str]] = st.session_state.get(ITEM_ERRORS_KEY) or {}
    return errors.get(code, [])


def _methodology(scenario: Scenario) -> Methodology:
    from ui.cache import methodology

    return methodology(scenario.methodology)


def _on_level(code: str, key: str) -> None:
    level = st.session_state.get(key)
    if level is not None:
        _apply(code, ItemSetting(level=str(level)), from_widget=True)


def _on_number(code: str, key: str, kind: Literal["value", "points"]) -> None:
    text = str(st.session_state.get(key, "")).strip()
    if not text:
        _apply(code, None, from_widget=False)
        return
    try:
        number = parse_number(text)
    except ValueError:
        _item_error(code, [t("app.scenario.bad_cell", code=code, text=text[:40])])
        state.bump_revision()
        return
    setting = (
        ItemSetting(value=number) if kind == "value" else ItemSetting(points=Decimal(str(round(number, 2))))
    )
    _apply(code, setting, from_widget=True)


def _level_label(option_label: str, centi: int) -> str:
    return f"{option_label} · {points(from_centi(centi))} {t('app.unit.points_short')}"


def item_row(
    item: ScoredItem, scenario: Scenario, card: ScoreCard, baseline: ScoreCard, mode: EditMode
) -> None:
    """One sub-criterion: its name, the input for the chosen mode, and its points against max and baseline."""
    rev = state.revision()
    code = item.code
    centi = card.centi_of(code)
    base_centi = baseline.centi_of(code)
    setting = scenario.items.get(code)
    node = item.node
    left, middle, right = st.columns([5, 3, 2], vertical_alignment="center")
    with left:
        badges = []
        if item.is_survey:
            badges.append(t("app.scenario.badge_survey"))
        if item.rule.is_assumption and not (setting is not None and setting.points is not None):
            badges.append(t("app.scenario.badge_assumption"))
        suffix = f"  \n:gray[{' · '.join(badges)}]" if badges else ""
        st.markdown(f"**{code}** {md(node.name(lang()), colons=True)}{suffix}", help=_rule_help(item))
    with middle:
        takes_value = item.rule.takes_value and not isinstance(item.rule, YesNoRule)
        if mode == "level" or (mode == "value" and not takes_value):
            options = item_options(item)
            ids = [o.id for o in options]
            level_labels = {o.id: _level_label(o.label(lang()), o.centi) for o in options}
            at = current_option(item, centi).id
            key = f"lv_{rev}_{code}"
            st.selectbox(
                t("app.scenario.level"),
                ids,
                index=ids.index(at),
                format_func=level_labels.__getitem__,
                key=key,
                on_change=_on_level,
                args=(code, key),
                label_visibility="collapsed",
            )
        else:
            key = f"{mode}_{rev}_{code}"
            if mode == "value":
                shown = setting.value if setting is not None and setting.value is not None else None
                if shown is None:
                    option_value = current_option(item, centi).value
                    shown = option_value
                text = "" if shown is None else points(shown)
                placeholder = t("app.scenario.value_placeholder")
            else:
                text = points(from_centi(centi))
                placeholder = t("app.scenario.points_placeholder", max=item.node.max_points)
            st.text_input(
                t(f"app.scenario.mode.{mode}"),
                value=text,
                key=key,
                placeholder=placeholder,
                on_change=_on_number,
                args=(code, key, mode),
                label_visibility="collapsed",
            )
    with right:
        delta = centi - base_centi
        shown_delta = f" :green[+{points(from_centi(delta))}]" if delta > 0 else ""
        if delta < 0:
            shown_delta = f" :red[−{points(from_centi(-delta))}]"
        st.markdown(f"{points(from_centi(centi))} / {points(from_centi(item.max_centi))}{shown_delta}")
    for message in item_errors(code):
        st.error(message, icon=":material/error:")


def _rule_help(item: ScoredItem) -> str:
    rule = item.rule
    lines = [t(f"app.rule.type.{rule.type}")]
    if rule.is_assumption:
        lines.append(t("app.rule.assumption", text=rule.assumption or "–"))
    elif rule.source:
        lines.append(t("app.rule.source", text=rule.source))
    node = item.node
    if node.evidence_document:
        lines.append(t("app.rule.evidence", text=node.evidence_document))
    return "\n\n".join(lines)


def area_to_target(m: Methodology, area_code: str) -> None:
    """Set every item of an area to its target (the plan table's target, else the maximum)."""
    scenario = state.current()
    updates: dict[str, ItemSetting | None] = {}
    for item in m.scored_items:
        if item.area.code != area_code:
            continue
        updates[item.code] = target_setting(item)
    state.set_current(scenario.with_items(updates))


def target_setting(item: ScoredItem) -> ItemSetting:
    """The setting that reaches an item's target: its level when one gives exactly the target, else points."""
    node = item.node
    target_centi = to_centi(node.target_points) if node.target_points is not None else item.max_centi
    for option in item_options(item):
        if option.centi == target_centi:
            return ItemSetting(level=option.id)
    return ItemSetting(points=Decimal(target_centi) / 100)


def area_to_baseline(m: Methodology, area_code: str) -> None:
    scenario = state.current()
    base = state.baseline()
    updates: dict[str, ItemSetting | None] = {
        item.code: base.items.get(item.code) for item in m.scored_items if item.area.code == area_code
    }
    state.set_current(scenario.with_items(updates).model_copy(update={"default": base.default}))


def all_to_baseline() -> None:
    scenario = state.current()
    base = state.baseline()
    state.set_current(scenario.model_copy(update={"items": dict(base.items), "default": base.default}))


# --- table view -------------------------------------------------------------------------------------------

TABLE_COLUMNS = ("code", "name", "level", "value", "points", "max", "baseline")


def table_frame(m: Methodology, scenario: Scenario, card: ScoreCard, baseline: ScoreCard) -> pd.DataFrame:
    """Every scored item as a row; `value` and `points` are the editable columns."""
    rows: list[dict[str, Any]] = []
    for item in m.scored_items:
        centi = card.centi_of(item.code)
        setting = scenario.items.get(item.code)
        value = setting.value if setting is not None and setting.value is not None else None
        rows.append(
            {
                "code": item.code,
                "name": item.node.name(lang()),
                "level": current_option(item, centi).label(lang()),
                # typed as text and read by apply_table_edits: "abc" is reported, never read as 0, and an
                # empty cell shows empty, not a grey "None"
                "value": "" if value is None else num(value, 2, trim=True),
                "points": num(from_centi(centi), 2),
                # read-only columns: pre-formatted, since Streamlit shows numbers with a dot (83,87 here)
                "max": points(from_centi(item.max_centi)),
                "baseline": points(from_centi(baseline.centi_of(item.code))),
            }
        )
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def _cell_number(code: str, text: str) -> float | None:
    """A number typed in a table cell (83,87 or 83.87); None, with a message naming the item, when it is not
    one: the cell keeps its old value rather than becoming 0."""
    try:
        return parse_number(text)
    except ValueError:
        state.notify("app.scenario.bad_cell", code=code, text=text[:40])
        return None


def table_key() -> str:
    return f"table.{state.revision()}"


def apply_table_edits(m: Methodology, key: str) -> None:
    """Apply the editor's delta (edited rows) to the active scenario: a changed `points` cell sets the item by
    points, a changed `value` cell by value. Rows that do not fit are reported and skipped; the rest apply."""
    delta = st.session_state.get(key) or {}
    edited: dict[int, dict[str, Any]] = {int(k): v for k, v in (delta.get("edited_rows") or {}).items()}
    if not edited:
        return
    scenario = state.current()
    updates: dict[str, ItemSetting | None] = {}
    for row, changes in sorted(edited.items()):
        if not 0 <= row < len(m.scored_items):
            continue
        item = m.scored_items[row]
        setting: ItemSetting | None = None
        points_text = str(changes.get("points") or "").strip()
        value_text = str(changes.get("value") or "").strip()
        try:
            if "points" in changes and points_text:
                number = _cell_number(item.code, points_text)
                if number is None:
                    continue
                setting = ItemSetting(points=Decimal(str(round(number, 2))))
            elif "value" in changes:
                if not value_text:
                    updates[item.code] = None
                    continue
                number = _cell_number(item.code, value_text)
                if number is None:
                    continue
                setting = ItemSetting(value=number)
            else:
                continue
            setting_centi(item, setting)
            old = scenario.items.get(item.code)
            if old is not None and old.note:
                setting = setting.model_copy(update={"note": old.note})
        except ScenarioError as exc:
            for message in exc.messages(lang())[1:]:
                state.notify("app.raw", text=message)
            continue
        except (TypeError, ValueError):
            state.notify("app.scenario.bad_number", text=str(changes)[:40])
            continue
        updates[item.code] = setting
    if updates:
        state.set_current(scenario.with_items(updates))
    else:
        state.bump_revision()

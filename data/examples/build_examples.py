"""Rebuild the worked examples in data/examples/ from the bundled methodology qd2636-2018.

Run `.venv/bin/python data/examples/build_examples.py` from the repository root; it rewrites the JSON scenarios and
index.yaml, and running it again changes nothing (tests/methodology/test_examples.py holds the committed files equal to its
output, byte for byte). Per-item results of a province are not published, so every example is ILLUSTRATIVE: its
total equals a published total, but its split over the items is built by the rule below, not observed.

The rule (the same for every baseline example):

1. Self-assessed items start at the table's target (full marks).
2. Performance targets, the items whose full marks need a level beyond plain compliance (ratios below 100%, counts,
   growth and reduction rates, the 70-100% proportional item 2.2, and 8.4 "vượt chỉ tiêu"), are set one step short
   of the target: the highest level that earns less than full marks (`PERFORMANCE_TARGETS`). Compliance items
   ("đúng quy định", "100%", "không có sai phạm") stay at full marks.
3. Lào Cai only: the items that section II of its plan (KH 221/KH-UBND, 17/6/2019) describes as still to be achieved
   in 2019 are set to "not achieved" (`LAO_CAI_NAMED_GAPS`, each with the sentence it rests on).
4. Survey items take the rest so that the total equals the published score exactly: SIPAS (8.1) at a stated
   percentage (Lào Cai: 83%, its 2019 SIPAS component 8.30 / 10; otherwise the same percentage as the leaders'
   survey, rounded to 2 decimals), then the leaders' survey (KS.1) at the two-decimal percentage that closes the
   total to the hundredth.

The "at the targets" example keeps the baseline's survey items and sets every self-assessed item to its target.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from planner.methodology.catalog import load_bundled_methodology  # noqa: E402
from planner.methodology.model import Methodology, ScoredItem  # noqa: E402
from planner.methodology.rules import LevelOption, ProportionalRule, SurveyRule, ThresholdRule, to_centi  # noqa: E402
from planner.methodology.scenario import ItemSetting, Scenario  # noqa: E402
from planner.methodology.scoring import item_options, score_scenario  # noqa: E402
from planner.methodology.target import Target  # noqa: E402

HERE = Path(__file__).resolve().parent
METHODOLOGY_ID = "qd2636-2018"
SIPAS = "8.1"
LEADERS = "KS.1"

#: Items whose target is a performance level rather than compliance (rule step 2), one step short in a baseline.
PERFORMANCE_TARGETS: tuple[str, ...] = (
    "1.3.1",  # ≥ 30% of agencies inspected
    "1.5",  # ≥ 3 initiatives
    "2.2",  # 70%-100% of documents handled (proportional)
    "2.3",  # ≥ 70% of unlawful documents handled
    "3.3.2",  # ≥ 50 procedures handled jointly at the same level
    "3.3.3",  # ≥ 30 procedures handled across levels
    "3.4.1",  # ≥ 95% dossiers on time (province)
    "3.4.2",  # ≥ 95% (district)
    "3.4.3",  # ≥ 95% (commune)
    "4.1.3",  # public service units reduced ≥ 10% on 2015
    "4.2.3",  # staffing reduced ≥ 10% on 2015
    "6.1.1",  # ≥ 90% of the investment plan disbursed
    "6.3.4",  # direct spending on public service units reduced ≥ 10% on 2015
    "7.1.2",  # ≥ 90% of documents exchanged electronically
    "7.2.1",  # ≥ 60% of level 3-4 procedures with online dossiers
    "7.2.2",  # ≥ 40% of dossiers online at level 3
    "7.2.3",  # ≥ 30% online at level 4
    "7.3.1",  # ≥ 50% of BCCI procedures with postal dossiers
    "7.3.2",  # ≥ 15% of dossiers received by post
    "7.3.3",  # ≥ 15% of results returned by post
    "8.3.1",  # new enterprises up ≥ 30% on 2018
    "8.4",  # budget revenue above the Government's target
)

#: Lào Cai only (rule step 3): what section II of KH 221/KH-UBND says is still to be done in 2019.
LAO_CAI_NAMED_GAPS: dict[str, str] = {
    "6.2.3": (
        "Mục II.6 của KH 221: “Nghiên cứu, ban hành tiêu chuẩn, định mức sử dụng máy móc, thiết bị chuyên dùng ... "
        "(thay thế Quyết định số 4430/QĐ-UBND ngày 28/12/2018 ... Quy định tạm thời)”: năm 2018 mới có quy định tạm thời."
    ),
    "6.3.1": (
        "Mục II.6 của KH 221 yêu cầu số đơn vị SNCL tự bảo đảm chi thường xuyên “tăng so với năm 2018 ít nhất từ 2 đơn vị "
        "trở lên”: coi là chưa đạt trong năm xuất phát."
    ),
    "6.3.2": "Như 6.3.1 (mục II.6 của KH 221: tăng so với năm 2018 ít nhất từ 2 đơn vị trở lên).",
    "8.2": (
        "Mục II.8.2 của KH 221 nêu “trọng tâm của năm 2019 là: Thu hút đầu tư của tỉnh ...”: coi là chưa đạt trong năm "
        "xuất phát."
    ),
}

STEP_SHORT_NOTE = (
    "Minh họa: thấp hơn mục tiêu một mức (mục tiêu hiệu suất, quy tắc bước 2 của build_examples.py)."
)
SIPAS_LAO_CAI_NOTE = "Minh họa: 83% = thành phần SIPAS của Lào Cai năm 2019 (8,30 / 10 điểm); số liệu năm 2018 không có trong nguồn."
SURVEY_NOTE = (
    "Minh họa: tỷ lệ chọn để tổng điểm đúng bằng điểm đã công bố (quy tắc bước 4 của build_examples.py)."
)


@dataclass(frozen=True)
class Example:
    id: str
    province: str
    year: int
    published_total: str
    name_vi: str
    name_en: str
    target_rank: int
    description_vi: str
    description_en: str
    notes: str
    named_gaps: dict[str, str]
    sipas_percent: float | None
    #: The first year of the plan's period when it spans several years (the path page opens on it).
    path_from: int | None = None
    #: The plan's target as a rank band, when it states one ("25-30/63").
    target_band: tuple[int, int] | None = None


def top_option(item: ScoredItem) -> LevelOption:
    return item_options(item)[-1]


def one_step_short(item: ScoredItem) -> LevelOption:
    """The highest level that earns less than full marks."""
    below = [o for o in item_options(item) if o.centi < item.max_centi]
    return below[-1]


def setting_for(item: ScoredItem, option: LevelOption, note: str = "") -> ItemSetting:
    """A setting that reaches `option`: the raw value for ratio/count rules, else the level id."""
    rule = item.rule
    if isinstance(rule, ThresholdRule | ProportionalRule) and option.value is not None:
        return ItemSetting(value=option.value, note=note)
    return ItemSetting(level=option.id, note=note)


def lowest_level(item: ScoredItem) -> LevelOption:
    return item_options(item)[0]


def survey_value_for(item: ScoredItem, centi: int) -> float:
    """The two-decimal percentage whose survey points are exactly `centi` hundredths."""
    rule = item.rule
    assert isinstance(rule, SurveyRule)
    guess = round(100.0 * centi / item.max_centi, 2)
    for delta in (0, 1, -1, 2, -2, 3, -3):
        value = round(guess + delta / 100, 2)
        if 0 <= value <= 100 and rule.centi_for_value(value, item.max_centi) == centi:
            return value
    raise ValueError(f"no two-decimal percentage gives {centi} hundredths on {item.code}")


def baseline(m: Methodology, ex: Example) -> Scenario:
    items: dict[str, ItemSetting] = {}
    for item in m.scored_items:
        if item.is_survey:
            continue
        if item.code in ex.named_gaps:
            items[item.code] = setting_for(item, lowest_level(item), "Minh họa: " + ex.named_gaps[item.code])
        elif item.code in PERFORMANCE_TARGETS:
            items[item.code] = setting_for(item, one_step_short(item), STEP_SHORT_NOTE)
        else:
            items[item.code] = setting_for(item, top_option(item))
    draft = Scenario(methodology=m.id, items=items)
    self_centi = score_scenario(m, draft).self_assessed_centi
    needed = to_centi(Decimal(ex.published_total)) - self_centi
    sipas, leaders = m.item(SIPAS), m.item(LEADERS)
    if ex.sipas_percent is not None:
        sipas_value, sipas_note = ex.sipas_percent, SIPAS_LAO_CAI_NOTE
    else:
        sipas_value = round(100.0 * needed / (sipas.max_centi + leaders.max_centi), 2)
        sipas_note = SURVEY_NOTE
    sipas_centi = sipas.rule.centi_for_value(sipas_value, sipas.max_centi)
    items[SIPAS] = ItemSetting(value=sipas_value, note=sipas_note)
    items[LEADERS] = ItemSetting(value=survey_value_for(leaders, needed - sipas_centi), note=SURVEY_NOTE)
    ordered = {item.code: items[item.code] for item in m.scored_items}
    scenario = Scenario(
        name=ex.name_vi,
        methodology=m.id,
        province=ex.province,
        year=ex.year,
        items=ordered,
        notes=ex.notes.strip(),
        target=target_of(ex),
    )
    total = score_scenario(m, scenario).total_centi
    assert total == to_centi(Decimal(ex.published_total)), (ex.id, total)
    return scenario


def target_of(ex: Example) -> Target:
    """The plan's target as the case carries it: its band when it states one, else rank ≤ target_rank."""
    if ex.target_band is not None:
        return Target(kind="band", best_rank=ex.target_band[0], rank=ex.target_band[1])
    return Target(kind="rank", rank=ex.target_rank)


def at_targets(m: Methodology, base: Scenario, name: str, notes: str) -> Scenario:
    items: dict[str, ItemSetting] = {}
    for item in m.scored_items:
        if item.is_survey:
            items[item.code] = base.items[item.code]
        else:
            items[item.code] = setting_for(item, top_option(item))
    return base.model_copy(update={"name": name, "items": items, "notes": notes})


def scenario_text(s: Scenario) -> str:
    data: dict[str, Any] = s.model_dump(mode="json", exclude_none=True)
    data["items"] = {
        code: {k: v for k, v in setting.items() if not (k == "note" and v == "")}
        for code, setting in data["items"].items()
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


LAO_CAI = Example(
    id="lao-cai-2019",
    province="Lào Cai",
    year=2019,
    published_total="78.47",
    name_vi="Lào Cai 2019: điểm xuất phát minh họa (tổng 78,47 = kết quả 2018, hạng 21/63)",
    name_en="Lào Cai 2019: illustrative baseline (total 78.47 = the 2018 result, 21st of 63)",
    target_rank=20,
    description_vi=(
        "Kế hoạch 221/KH-UBND (17/6/2019) của Lào Cai: từ 78,47 điểm (hạng 21/63 năm 2018) phấn đấu vào nhóm 20 tỉnh, "
        "thành phố đứng đầu năm 2019. Điểm từng tiêu chí là minh họa; tổng điểm đúng bằng kết quả đã công bố."
    ),
    description_en=(
        "Lào Cai's plan 221/KH-UBND (17/6/2019): from 78.47 points (21st of 63 in 2018) to the top 20 in 2019. The "
        "per-item points are illustrative; the total equals the published result."
    ),
    notes=(
        "MINH HỌA, không phải số liệu thật từng tiêu chí. Tổng 78,47 điểm = kết quả Chỉ số CCHC năm 2018 của Lào Cai "
        "(hạng 21/63; Quyết định 326/QĐ-BNV ngày 19/4/2019, nêu ở đầu KH 221/KH-UBND; xem thêm "
        "http://ddcilaocai.vn/tin-tuc/duy-tri-cai-thien-va-nang-cao-chi-so-cai-cach-hanh-chinh-cap-tinh-par-index-cua-tinh-lao-cai-nam-2020/). "
        "Bộ Nội vụ không công bố điểm từng tiêu chí, nên điểm từng mục được dựng theo quy tắc trong data/examples/build_examples.py: "
        "các mục tuân thủ đạt tối đa; các mục tiêu hiệu suất thấp hơn mục tiêu một mức; 6.2.3, 6.3.1, 6.3.2, 8.2 chưa đạt vì "
        "mục II của KH 221 nêu là việc phải làm năm 2019; SIPAS 83% (thành phần SIPAS của Lào Cai năm 2019: 8,30/10); "
        "khảo sát lãnh đạo, quản lý lấy phần còn lại để tổng đúng 78,47. "
    ),
    named_gaps=LAO_CAI_NAMED_GAPS,
    sipas_percent=83.0,
)

QUANG_NGAI = Example(
    id="quang-ngai-2025",
    province="Quảng Ngãi",
    year=2025,
    published_total="86.45",
    name_vi="Quảng Ngãi đến 2025: điểm xuất phát minh họa (tổng 86,45 = kết quả 2021, hạng 39/63)",
    name_en="Quảng Ngãi to 2025: illustrative baseline (total 86.45 = the 2021 result, 39th of 63)",
    target_rank=30,
    path_from=2022,
    target_band=(25, 30),
    description_vi=(
        "Kế hoạch nâng cao Chỉ số PAR INDEX, PAPI giai đoạn 2022-2025 của Quảng Ngãi: phấn đấu đến năm 2025 xếp hạng "
        "25-30/63, từ 86,45 điểm (hạng 39/63 năm 2021). Minh họa trên bảng chỉ số năm 2018."
    ),
    description_en=(
        "Quảng Ngãi's 2022-2025 PAR INDEX and PAPI plan: rank 25-30 of 63 by 2025, from 86.45 points (39th of 63 in "
        "2021). Illustrated on the 2018 table."
    ),
    notes=(
        "MINH HỌA. Tổng 86,45 điểm = kết quả Chỉ số CCHC năm 2021 của Quảng Ngãi (hạng 39/63, “tăng 13,2% so với năm 2020”, "
        "“tăng 24 bậc”; trang Sở Thông tin và Truyền thông Quảng Ngãi, stttt.quangngai.gov.vn). Năm 2021 được chấm theo QĐ 1149/QĐ-BNV, "
        "chưa có trong PAR Planner: ví dụ này dùng bảng QĐ 2636/QĐ-BNV (2018) để minh họa, nên điểm từng lĩnh vực không so "
        "sánh được với kết quả thật. Điểm từng mục dựng theo quy tắc trong data/examples/build_examples.py (mục tiêu hiệu suất "
        "thấp hơn một mức; hai mục điều tra XHH cùng một tỷ lệ, khảo sát lãnh đạo, quản lý điều chỉnh để tổng đúng 86,45). "
        "Mục tiêu của kế hoạch: hạng 25-30/63 năm 2025. "
    ),
    named_gaps={},
    sipas_percent=None,
)

AN_GIANG = Example(
    id="an-giang-2023",
    province="An Giang",
    year=2023,
    published_total="81.32",
    name_vi="An Giang 2023: kết quả 81,32 (hạng 63/63) so với mục tiêu nhóm 20 (minh họa)",
    name_en="An Giang 2023: the 81.32 result (63rd of 63) against the top-20 goal (illustrative)",
    target_rank=20,
    description_vi=(
        "Kế hoạch CCHC năm 2023 của An Giang (876/KH-UBND, 23/12/2022) đặt mục tiêu PAR INDEX trong nhóm 20/63; kết quả "
        "năm 2023 là 81,32 điểm, hạng 63/63. Minh họa trên bảng chỉ số năm 2018."
    ),
    description_en=(
        "An Giang's 2023 PAR plan (876/KH-UBND, 23/12/2022) aimed at the top 20 of 63; the 2023 result was 81.32 "
        "points, 63rd of 63. Illustrated on the 2018 table."
    ),
    notes=(
        "MINH HỌA. Tổng 81,32 điểm = kết quả Chỉ số CCHC năm 2023 của An Giang (hạng 63/63; thấp nhất cả nước theo báo cáo "
        "PAR INDEX 2023 của Bộ Nội vụ, công bố 17/4/2024; https://thongtin.vietnam.vn/ja/nam-2023-chi-so-cai-cach-hanh-chinh-cua-ninh-binh-tang-6-bac-so-voi-nam-2022), tức là kết quả của chính năm mà kế hoạch "
        "876/KH-UBND đặt mục tiêu nhóm 20/63. Năm 2023 được chấm theo QĐ 876/QĐ-BNV, chưa có trong PAR Planner: ví dụ này "
        "dùng bảng QĐ 2636/QĐ-BNV (2018) để minh họa, nên điểm từng lĩnh vực không so sánh được với kết quả thật. Điểm từng mục "
        "dựng theo quy tắc trong data/examples/build_examples.py (mục tiêu hiệu suất thấp hơn một mức; hai mục điều tra XHH "
        "cùng một tỷ lệ, khảo sát lãnh đạo, quản lý điều chỉnh để tổng đúng 81,32). "
    ),
    named_gaps={},
    sipas_percent=None,
)

#: Quảng Ngãi's PAPI side of the same plan (seed 003): the plan was issued in April 2022, so it starts from the 2021
#: PAPI field. No Quảng Ngãi PAPI figure is published in the bundled sources: its 2021 total is the field's
#: reconstruction, spread evenly over the 8 dimensions (planner.field.index_baseline), and the example says so.
PAPI_ID = "papi-2018"


@dataclass(frozen=True)
class IndexExample:
    """An example on a survey index: a province's starting point from a year's figures, and the plan's band."""

    id: str
    province: str
    field_year: int
    year: int
    target_band: tuple[int, int]
    path_from: int
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str


QUANG_NGAI_PAPI = IndexExample(
    id="quang-ngai-papi-2025",
    province="Quảng Ngãi",
    field_year=2021,
    year=2025,
    target_band=(25, 30),
    path_from=2022,
    name_vi="Quảng Ngãi đến 2025, chỉ số PAPI: điểm xuất phát ước tính từ năm 2021 (minh họa)",
    name_en="Quảng Ngãi to 2025, PAPI: starting point estimated from 2021 (illustrative)",
    description_vi=(
        "Cùng kế hoạch của Quảng Ngãi (QĐ 534/QĐ-UBND, 20/4/2022), phần Chỉ số PAPI: phấn đấu xếp hạng 25-30/63 năm 2025. "
        "Chưa có điểm PAPI của Quảng Ngãi trong các nguồn đi kèm: tổng năm 2021 là ước tính của mô hình, chia đều cho 8 nội "
        "dung (giả định); hãy nhập điểm từng nội dung theo báo cáo PAPI."
    ),
    description_en=(
        "The same Quảng Ngãi plan (QĐ 534/QĐ-UBND, 20/4/2022), its PAPI part: rank 25-30 of 63 by 2025. No Quảng Ngãi "
        "PAPI score is in the bundled sources: the 2021 total is the model's estimate, spread evenly over the 8 "
        "dimensions (an assumption); set each dimension from the PAPI report."
    ),
)


def papi_example(ex: IndexExample = QUANG_NGAI_PAPI) -> Scenario:
    from planner.field.index_baseline import index_baseline

    m = load_bundled_methodology(PAPI_ID)
    start = index_baseline(m, ex.province, ex.field_year, ex.year)
    best, worst = ex.target_band
    return start.scenario.model_copy(
        update={
            "name": ex.name_vi,
            "notes": "MINH HỌA. " + start.scenario.notes,
            "target": Target(kind="band", best_rank=best, rank=worst),
        }
    )


TARGET_NAME_VI = "Lào Cai 2019: đạt mọi mục tiêu của Phụ lục KH 221/KH-UBND (minh họa)"
TARGET_NAME_EN = "Lào Cai 2019: every target of the KH 221/KH-UBND appendix met (illustrative)"
TARGET_NOTES = (
    "MINH HỌA. Mọi mục tự đánh giá ở mức “Mục tiêu đạt được” của Phụ lục KH 221/KH-UBND (64,5 / 64,5 điểm); hai mục "
    "điều tra XHH giữ nguyên như điểm xuất phát lao-cai-2019.json (không phải đòn bẩy tỉnh điều khiển trực tiếp). "
)


def build_all() -> dict[str, str]:
    """File name -> exact text, for every file this script writes."""
    m = load_bundled_methodology(METHODOLOGY_ID)
    files: dict[str, str] = {}
    index: list[dict[str, Any]] = []
    lao_cai = baseline(m, LAO_CAI)
    files["lao-cai-2019.json"] = scenario_text(lao_cai)
    target = at_targets(m, lao_cai, TARGET_NAME_VI, TARGET_NOTES.strip())
    files["lao-cai-2019-target.json"] = scenario_text(target)
    for ex in (LAO_CAI,):
        index.append(_index_entry(ex, f"{ex.id}.json"))
    index.append(
        {
            "id": "lao-cai-2019-target",
            "file": "lao-cai-2019-target.json",
            "name_vi": TARGET_NAME_VI,
            "name_en": TARGET_NAME_EN,
            "province": "Lào Cai",
            "year": 2019,
            "target_rank": 20,
            "description_vi": "Cùng tỉnh Lào Cai khi mọi mục tự đánh giá đạt mục tiêu của bảng (64,5 điểm); điều tra XHH giữ nguyên.",
            "description_en": "Lào Cai with every self-assessed item at the plan table's target (64.5 points); survey unchanged.",
            "illustrative": True,
        }
    )
    for ex in (QUANG_NGAI, AN_GIANG):
        files[f"{ex.id}.json"] = scenario_text(baseline(m, ex))
        index.append(_index_entry(ex, f"{ex.id}.json"))
        if ex is QUANG_NGAI:
            papi = QUANG_NGAI_PAPI
            files[f"{papi.id}.json"] = scenario_text(papi_example(papi))
            index.append(
                {
                    "id": papi.id,
                    "file": f"{papi.id}.json",
                    "name_vi": papi.name_vi,
                    "name_en": papi.name_en,
                    "province": papi.province,
                    "year": papi.year,
                    "target_rank": papi.target_band[1],
                    "path_from": papi.path_from,
                    "description_vi": papi.description_vi,
                    "description_en": papi.description_en,
                    "illustrative": True,
                }
            )
    header = (
        "# Worked examples bundled with PAR Planner; written by build_examples.py (do not edit by hand: edit the script\n"
        "# and run it). `default` is the example the app opens on. Every example is illustrative: its total equals a\n"
        "# published score (the PAPI one: the field's estimate, none being published), its per-item points are built\n"
        "# by a documented rule (see README.md). Examples of one province and year open together, one per index.\n"
    )
    body = yaml.safe_dump(
        {"default": LAO_CAI.id, "examples": index}, allow_unicode=True, sort_keys=False, width=120
    )
    files["index.yaml"] = header + body
    return files


def _index_entry(ex: Example, file: str) -> dict[str, Any]:
    return {
        "id": ex.id,
        "file": file,
        "name_vi": ex.name_vi,
        "name_en": ex.name_en,
        "province": ex.province,
        "year": ex.year,
        "target_rank": ex.target_rank,
        **({"path_from": ex.path_from} if ex.path_from is not None else {}),
        "description_vi": ex.description_vi,
        "description_en": ex.description_en,
        "illustrative": True,
    }


def main() -> int:
    for name, text in build_all().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote data/examples/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A scheme as a new decision might redo it, for the tests of paths across a methodology change. Not a test
module itself."""

from __future__ import annotations

import copy
from typing import Any

from planner.methodology.files import methodology_from_mapping, methodology_to_mapping
from planner.methodology.model import Methodology


def redone(m: Methodology, new_id: str, index_years: tuple[int, ...] = ()) -> Methodology:
    """`m` as a new decision might redo it: plan item 1.1 down to yes/no, the survey area renumbered, one
    reporting item replaced by another."""
    data: dict[str, Any] = copy.deepcopy(methodology_to_mapping(m))
    data["id"] = new_id
    data["index_years"] = list(index_years)
    survey = data["areas"][-1]
    survey["code"] = "9"
    for criterion in survey["criteria"]:
        criterion["code"] = criterion["code"].replace("KS", "9")
    reports = data["areas"][0]["criteria"][1]["sub_criteria"]
    replaced = next(s for s in reports if s["code"] == "1.2.3")
    replaced["name_vi"] = "Chất lượng báo cáo chuyên đề về chuyển đổi số"
    replaced["rule"] = {"type": "yes_no", "basis": "assumption", "assumption": "thử"}
    data["areas"][0]["criteria"][0]["rule"] = {"type": "yes_no", "basis": "assumption", "assumption": "thử"}
    return methodology_from_mapping(data)

"""The field of a past year as the product ships it: an official table where one is bundled, else the
reconstruction from the published figures, merged to 34 provinces where asked; and the field a plan uses,
where a table the user loaded wins over the bundled one.

This is the top of the field domain: it picks among the readers below it and never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from planner.core.errors import FieldError
from planner.field.merger import merged_field
from planner.field.model import Field
from planner.field.official_tables import official_table_path, official_table_years
from planner.field.provinces import Era
from planner.field.reconstruction import reconstruct_field
from planner.field.results import bundled_results


def field_years() -> tuple[int, ...]:
    """Every past year for which a 63-province field can be built (published figures or a national summary)."""
    return tuple(sorted(set(bundled_results().years()) | set(official_table_years(63))))


def bundled_official_field(year: int, provinces: Era = 63) -> Field | None:
    """The official table bundled for `year`, read (through planner.field.results_table, openpyxl and all) only
    if one exists, so that an app start with no bundled table never imports openpyxl."""
    path = official_table_path(year, provinces)
    if path is None:
        return None
    from planner.field.results_table import read_results_file

    return read_results_file(path, year=year, provinces=provinces)


def latest_field_year(before: int | None = None, *, provinces: Era = 63, loaded: Iterable[Field] = ()) -> int:
    """The latest year with a field, strictly before `before` if given (planning for year Y uses the field of
    latest_field_year(before=Y)). A table the user loaded counts like a bundled one (a 63-province table also
    serves the 34, merged as field_for_year does), so a newer table moves every number of a plan to its year:
    the rank shown, the projection, the chance and the optimiser's competition all start from one field year."""
    usable = (63, 34) if provinces == 34 else (63,)
    years = {*field_years(), *official_table_years(provinces)}
    years |= {f.year for f in loaded if f.n_provinces in usable}
    candidates = [y for y in years if before is None or y < before]
    if not candidates:
        raise FieldError("field.no_year_before", year=str(before) if before is not None else "-")
    return max(candidates)


@cache
def bundled_field(year: int, provinces: Era = 63) -> Field:
    """The field of a past year from data/: a bundled official table if there is one (data/results/official/),
    else the reconstruction from the published figures. With provinces=34, the 63-province field merged by
    planner.field.merger (a projection marked as such), unless an official 34-province table is bundled."""
    official = bundled_official_field(year, provinces)
    if official is not None:
        return official
    if provinces == 34:
        return merged_field(bundled_field(year, 63))
    if year not in field_years():
        known = field_years()
        raise FieldError(
            "field.unknown_year",
            year=str(year),
            first=str(known[0]) if known else "-",
            last=str(known[-1]) if known else "-",
        )
    return reconstruct_field(bundled_results(), year)


def field_for_year(year: int, provinces: Era = 63, loaded: Iterable[Field] = ()) -> Field:
    """The field a plan should use for `year`: a table the user loaded for that year and era wins over the
    bundled one. The app keeps loaded tables per session and passes them here, so one user's upload never
    changes another's field."""
    for candidate in loaded:
        if candidate.year == year and candidate.n_provinces == provinces:
            return candidate
    if provinces == 34:
        for candidate in loaded:
            if candidate.year == year and candidate.n_provinces == 63:
                return merged_field(candidate)
    return bundled_field(year, provinces)

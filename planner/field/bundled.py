"""The field of a past year as the product ships it: an official table where one is bundled, else the
reconstruction from the published figures, merged to 34 provinces where asked; and the field a plan uses,
where a table the user loaded wins over the bundled one.

This is the top of the field domain: it picks among the readers below it and never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.core.errors import FieldError
from planner.core.memo import memoised
from planner.field.merger import merged_field
from planner.field.model import Field
from planner.field.official_tables import official_table_path, official_table_years
from planner.field.provinces import Era
from planner.field.reconstruction import reconstruct_field
from planner.field.results import bundled_results
from planner.methodology.index import DEFAULT_INDEX


def field_years(index: str = DEFAULT_INDEX) -> tuple[int, ...]:
    """Every past year for which a 63-province field of `index` can be built (published figures or a national
    summary, or a bundled official table)."""
    official = official_table_years(63) if index == DEFAULT_INDEX else ()
    return tuple(sorted(set(bundled_results(index).years()) | set(official)))


def bundled_official_field(year: int, provinces: Era = 63, index: str = DEFAULT_INDEX) -> Field | None:
    """The official table bundled for `year`, read (through planner.field.results_table, openpyxl and all) only
    if one exists, so that an app start with no bundled table never imports openpyxl. Only PAR INDEX tables are
    bundled (data/results/official/)."""
    if index != DEFAULT_INDEX:
        return None
    path = official_table_path(year, provinces)
    if path is None:
        return None
    from planner.field.results_table import read_results_file

    return read_results_file(path, year=year, provinces=provinces)


def latest_field_year(
    before: int | None = None,
    *,
    provinces: Era = 63,
    loaded: Iterable[Field] = (),
    index: str = DEFAULT_INDEX,
) -> int:
    """The latest year with a field, strictly before `before` if given (planning for year Y uses the field of
    latest_field_year(before=Y)). A table the user loaded counts like a bundled one (a 63-province table also
    serves the 34, merged as field_for_year does), so a newer table moves every number of a plan to its year:
    the rank shown, the projection, the chance and the optimiser's competition all start from one field year."""
    usable = (63, 34) if provinces == 34 else (63,)
    years = {*field_years(index)}
    if index == DEFAULT_INDEX:
        years |= set(official_table_years(provinces))
    years |= {f.year for f in loaded if f.n_provinces in usable and f.index == index}
    candidates = [y for y in years if before is None or y < before]
    if not candidates:
        raise FieldError("field.no_year_before", year=str(before) if before is not None else "-")
    return max(candidates)


@memoised(maxsize=128)
def bundled_field(year: int, provinces: Era = 63, index: str = DEFAULT_INDEX) -> Field:
    """The field of a past year from data/: a bundled official table if there is one (data/results/official/),
    else the reconstruction from the published figures. With provinces=34, the 63-province field merged by
    planner.field.merger (a projection marked as such), unless an official 34-province table is bundled."""
    official = bundled_official_field(year, provinces, index)
    if official is not None:
        return official
    if provinces == 34:
        return merged_field(bundled_field(year, 63, index))
    if year not in field_years(index):
        known = field_years(index)
        raise FieldError(
            "field.unknown_year",
            year=str(year),
            first=str(known[0]) if known else "-",
            last=str(known[-1]) if known else "-",
        )
    return reconstruct_field(bundled_results(index), year)


def field_for_year(
    year: int, provinces: Era = 63, loaded: Iterable[Field] = (), index: str = DEFAULT_INDEX
) -> Field:
    """The field a plan should use for `year`: a table the user loaded for that year and era wins over the
    bundled one. The app keeps loaded tables per session and passes them here, so one user's upload never
    changes another's field."""
    mine = [f for f in loaded if f.index == index]
    for candidate in mine:
        if candidate.year == year and candidate.n_provinces == provinces:
            return candidate
    if provinces == 34:
        for candidate in mine:
            if candidate.year == year and candidate.n_provinces == 63:
                return merged_field(candidate)
    return bundled_field(year, provinces, index)

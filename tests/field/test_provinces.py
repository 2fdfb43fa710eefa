"""The 63 and 34 provinces, their regions, and tolerant name matching."""

from __future__ import annotations

from collections import Counter

import pytest

from planner.core.errors import FieldError
from planner.field.provinces import (
    REGIONS,
    match_province,
    merged_into,
    name_key,
    province_names,
    provinces_34,
    provinces_63,
    region_of,
)


def test_there_are_63_former_and_34_new_provinces() -> None:
    assert len(provinces_63()) == 63
    assert len(provinces_34()) == 34
    assert len(set(province_names(63))) == 63


def test_the_merger_partitions_the_63() -> None:
    parts = [p for m in provinces_34() for p in m.merged_from]
    assert sorted(parts) == sorted(province_names(63))
    for p in provinces_63():
        merged = next(m for m in provinces_34() if p.name in m.merged_from)
        assert merged.name == p.province_from_2025 == merged_into(p.name)


def test_regions_have_the_ministry_counts() -> None:
    counts = Counter(p.region for p in provinces_63())
    assert set(counts) == set(REGIONS)
    assert counts["Trung du và miền núi phía Bắc"] == 14
    assert counts["Đồng bằng sông Hồng"] == 11
    assert counts["Bắc Trung Bộ và Duyên hải miền Trung"] == 14
    assert counts["Tây Nguyên"] == 5
    assert counts["Đông Nam Bộ"] == 6
    assert counts["Đồng bằng sông Cửu Long"] == 13


def test_a_merged_province_takes_the_region_of_its_namesake() -> None:
    assert region_of("Lào Cai") == "Trung du và miền núi phía Bắc"
    gia_lai = next(m for m in provinces_34() if m.name == "Gia Lai")
    assert gia_lai.merged_from == ("Gia Lai", "Bình Định")
    assert gia_lai.region == "Tây Nguyên"
    assert region_of("Huế") == "Bắc Trung Bộ và Duyên hải miền Trung"


SPELLINGS = [
    ("Ho Chi Minh City", "TP. Hồ Chí Minh"),
    ("HCMC", "TP. Hồ Chí Minh"),
    ("TP.HCM", "TP. Hồ Chí Minh"),
    ("TP HCM", "TP. Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh"),
    ("Sài Gòn", "TP. Hồ Chí Minh"),
    ("Hanoi", "Hà Nội"),
    ("ha noi", "Hà Nội"),
    ("Thành phố Hà Nội", "Hà Nội"),
    ("TP. Hà Nội", "Hà Nội"),
    ("Haiphong", "Hải Phòng"),
    ("Hai Phong City", "Hải Phòng"),
    ("Danang", "Đà Nẵng"),
    ("Da Nang", "Đà Nẵng"),
    ("Ba Ria Vung Tau", "Bà Rịa - Vũng Tàu"),
    ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("BRVT", "Bà Rịa - Vũng Tàu"),
    ("Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("T.T.Huế", "Thừa Thiên Huế"),
    ("Thua Thien Hue province", "Thừa Thiên Huế"),
    ("Tỉnh Lào Cai", "Lào Cai"),
    ("lao cai", "Lào Cai"),
    ("LÀO CAI", "Lào Cai"),
    ("Daklak", "Đắk Lắk"),
    ("Đắc Lắc", "Đắk Lắk"),
    ("Dak Nong", "Đắk Nông"),
    ("Kontum", "Kon Tum"),
    ("Hoà Bình", "Hòa Bình"),
    ("Thanh Hoá", "Thanh Hóa"),
    ("Khanh Hoa", "Khánh Hòa"),
    ("Bắc Cạn", "Bắc Kạn"),
    ("  tỉnh   Quảng  Ngãi ", "Quảng Ngãi"),
]


@pytest.mark.parametrize(("text", "expected"), SPELLINGS)
def test_names_are_matched_tolerantly(text: str, expected: str) -> None:
    assert match_province(text, era=63) == expected


def test_at_least_twenty_spellings_are_covered() -> None:
    assert len(SPELLINGS) >= 20


def test_new_names_read_as_their_namesake_in_the_63_era() -> None:
    assert match_province("Hue", era=63) == "Thừa Thiên Huế"
    assert match_province("Huế", era=63) == "Thừa Thiên Huế"


def test_old_names_read_as_their_new_province_in_the_34_era() -> None:
    assert match_province("Yên Bái", era=34) == "Lào Cai"
    assert match_province("Thừa Thiên Huế", era=34) == "Huế"
    assert match_province("Ba Ria Vung Tau", era=34) == "TP. Hồ Chí Minh"
    assert match_province("Kon Tum", era=34) == "Quảng Ngãi"


def test_without_an_era_a_canonical_name_of_either_list_is_kept() -> None:
    assert match_province("Huế") == "Huế"
    assert match_province("Yên Bái") == "Yên Bái"


def test_an_unknown_name_raises_with_suggestions() -> None:
    with pytest.raises(FieldError) as info:
        match_province("Lao Kai")
    assert info.value.key == "field.unknown_province"
    assert "Lào Cai" in info.value.params["suggestions"]
    assert "Lao Kai" in info.value.message("vi")


def test_prefixes_are_dropped_but_names_that_start_like_them_are_not() -> None:
    assert name_key("Thành phố Cần Thơ") == name_key("Cần Thơ") == "cantho"
    assert name_key("Thanh Hóa") == "thanhhoa"
    assert name_key("Tây Ninh") == "tayninh"

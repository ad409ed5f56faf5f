"""Reading import files (shared.bulk) and the natural keys rows are matched on: pure, no I/O."""

from __future__ import annotations

import uuid

import pytest

from services.talent.domain import carrier_name_key, normalize_email, person_name_key, search_text
from services.talent.imports import CarrierIndex, RowRejected
from shared.bulk import UnreadableFile, format_for, read_rows, split_list


def test_formats_from_media_types_and_names() -> None:
    assert format_for("text/csv; charset=utf-8") == "csv"
    assert format_for("application/x-ndjson") == "jsonl"
    assert format_for("application/pdf") is None
    assert format_for(None, "people.CSV") == "csv"
    assert format_for(None, "people.jsonl") == format_for(None, "x.ndjson") == "jsonl"
    assert format_for(None, "people.xlsx") is None


def test_csv_rows_carry_the_line_they_start_on() -> None:
    data = (
        "\ufeffName, Roles ,capabilities\n"
        "张伟,researcher,short\n"
        "\n"
        '李娜,postdoc,"two\nlines"\n'
        "王芳,postdoc,x,extra\n"
        "赵敏,, \n"
    ).encode()
    rows, errors = read_rows(data, "csv")
    assert [(r.line, r.values) for r in rows] == [
        (2, {"name": "张伟", "roles": "researcher", "capabilities": "short"}),
        (4, {"name": "李娜", "roles": "postdoc", "capabilities": "two\nlines"}),
        (7, {"name": "赵敏"}),  # empty cells are absent, not ""
    ]
    assert [(e.line, e.reason) for e in errors] == [(6, "the row has 4 cells but the header names 3 columns")]


def test_gb18030_text_is_read() -> None:
    rows, _ = read_rows("name\n膜科学研究所\n".encode("gb18030"), "csv")
    assert rows[0].values == {"name": "膜科学研究所"}


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"a,a\n1,2\n", "columns named twice: a"), (b"\xff\xfe\x00\xd8" * 4, "neither UTF-8")],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_rows(data, "csv")


def test_json_lines() -> None:
    data = '{"Name": "张伟", "roles": ["researcher"], "email": ""}\n\n{"name": \n[1]\n'.encode()
    rows, errors = read_rows(data, "jsonl")
    assert [(r.line, r.values) for r in rows] == [(1, {"name": "张伟", "roles": ["researcher"]})]
    assert [e.line for e in errors] == [3, 4]
    assert errors[1].reason == "each line must be a JSON object"


def test_list_cells() -> None:
    assert split_list("energy.batteries; materials.nano") == ["energy.batteries", "materials.nano"]
    assert split_list("锂电池、固态电池；电解质") == ["锂电池", "固态电池", "电解质"]
    assert split_list("zh|en|") == ["zh", "en"]
    assert split_list("gate driver, SiC") == ["gate driver, SiC"]  # a comma is not a separator
    assert split_list([" a ", "", None, "b"]) == ["a", "b"]
    assert split_list(None) == []


def test_carrier_key_ignores_width_case_and_spacing() -> None:
    assert carrier_name_key("research_institute", "先进储能  技术研究所", None) == carrier_name_key(
        "research_institute", " 先进储能 技术研究所", "Other English name"
    )
    assert carrier_name_key("overseas_platform", None, "ＭＵＮＩＣＨ Robotics  Lab") == carrier_name_key(
        "overseas_platform", None, "munich robotics lab"
    )
    # The kind is part of the key.
    assert carrier_name_key("incubator", "创新中心", None) != carrier_name_key("rd_enterprise", "创新中心", None)


def test_person_key_is_name_and_carrier_else_university() -> None:
    carrier = uuid.uuid4()
    assert person_name_key("张伟", carrier, "东南大学") == person_name_key(" 张伟 ", carrier, "南京大学")
    assert person_name_key("张伟", None, "东南大学") != person_name_key("张伟", None, "南京大学")
    assert person_name_key("张伟", carrier, None) != person_name_key("张伟", uuid.uuid4(), None)
    assert normalize_email(" Zhang.Wei@JITRI.cn ") == "zhang.wei@jitri.cn"
    assert normalize_email("") is None


def test_search_text_is_normalised() -> None:
    assert search_text("ＡＢＣ  Lab", ["固态电池", "SiC"], None) == "abc lab 固态电池 sic"


def test_people_name_their_carrier_by_name_or_id() -> None:
    storage, robots, twin = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    index = CarrierIndex(
        [
            {
                "id": storage,
                "kind": "research_institute",
                "name_zh": "先进储能技术研究所",
                "name_en": "IAES",
                "name_key": "k1",
            },
            {
                "id": robots,
                "kind": "overseas_platform",
                "name_zh": None,
                "name_en": "Munich Robotics Lab",
                "name_key": "k2",
            },
            {"id": twin, "kind": "incubator", "name_zh": "先进储能技术研究所", "name_en": None, "name_key": "k3"},
        ]
    )
    assert index.resolve("munich  ROBOTICS lab", None) == robots
    assert index.resolve("iaes", None) == storage
    assert index.resolve("先进储能技术研究所", "research_institute") == storage
    assert index.resolve(str(twin), None) == twin
    with pytest.raises(RowRejected, match="several carriers"):
        index.resolve("先进储能技术研究所", None)
    with pytest.raises(RowRejected, match="no carrier is named"):
        index.resolve("不存在", None)
    with pytest.raises(RowRejected, match="is not registered"):
        index.resolve(str(uuid.uuid4()), None)

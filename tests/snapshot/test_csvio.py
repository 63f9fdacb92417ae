"""auditor.snapshot.csvio: one CSV as stripped text under canonical headers, whatever the
spreadsheet saved, and one sentence naming the file for what is not a CSV at all."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.snapshot.csvio import (
    Column,
    TableSpec,
    header_key,
    input_file,
    read_raw,
    read_table,
    select_columns,
    sha256_of,
)

SPEC = TableSpec(
    "users.csv",
    (
        Column("user_id", ("User ID", "id"), required=True),
        Column("site", ("Site ID", "Site name"), required=True),
        Column("email", ("Email address",)),
    ),
)


def write(tmp_path: Path, data: bytes | str, name: str = "users.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def rows(path: Path, warnings: list[str] | None = None) -> list[dict[str, str]]:
    return read_raw(path, "users.csv", warnings).to_dict("records")


def test_header_key_ignores_case_spaces_dots_dashes_underscores_and_a_bom() -> None:
    keys = {header_key(h) for h in ("Email Address", "email_address", "E-mail.Address ")}
    assert keys == {"emailaddress"}
    assert header_key("\ufeffUser ID") == "userid"


def test_column_spellings_put_the_canonical_name_first() -> None:
    assert SPEC.column("site").spellings == ("site", "Site ID", "Site name")
    with pytest.raises(StopIteration):
        SPEC.column("nope")


def test_cells_are_stripped_text_and_blank_rows_dropped(tmp_path: Path) -> None:
    path = write(tmp_path, 'id,count\n  a ,007\n,\n"b","line\nbreak"\n\n,\n')
    assert rows(path) == [{"id": "a", "count": "007"}, {"id": "b", "count": "line\nbreak"}]


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_the_header_decides_the_delimiter(tmp_path: Path, sep: str) -> None:
    path = write(tmp_path, f"id{sep}price\nu1{sep}24,50\n")
    assert rows(path) == [{"id": "u1", "price": "24,50"}]


def test_utf8_bom_and_utf16_read_without_a_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    text = "id,name\nu1,Zoë\n"
    assert rows(write(tmp_path, codecs.BOM_UTF8 + text.encode()), warnings)[0]["name"] == "Zoë"
    assert rows(write(tmp_path, text.encode("utf-16")), warnings)[0]["name"] == "Zoë"
    assert warnings == []


def test_windows_1252_is_read_with_a_warning_naming_the_byte(tmp_path: Path) -> None:
    warnings: list[str] = []
    path = write(tmp_path, "id,name\nu1,Zoë\n".encode("cp1252"))
    assert rows(path, warnings) == [{"id": "u1", "name": "Zoë"}]
    assert warnings == [
        "users.csv is not UTF-8 (byte 13); it was read as Windows-1252. Save it as CSV UTF-8 "
        "to be sure names with accents come through."
    ]
    assert rows(path) == [{"id": "u1", "name": "Zoë"}]  # no list: no warning, same text


def test_nul_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    warnings: list[str] = []
    assert rows(write(tmp_path, "id,name\nu1,A\x00n\x00n\n"), warnings)[0]["name"] == "Ann"
    assert warnings == ["users.csv: 2 NUL character(s) were removed."]


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        (b"PK\x03\x04rest", "users.csv is an Excel workbook or another zip archive, not a CSV "),
        (b"%PDF-1.7", "users.csv is a PDF document, not a CSV file; export or save it as CSV."),
        (b"\x89PNG\r\n", "users.csv is a PNG image, not a CSV file"),
        (bytes(range(8)) * 40, "users.csv holds binary data, not CSV text."),
        (b"", "users.csv: the file is empty (expected a header row)."),
        (b"  \n\n ", "users.csv: the file is empty (expected a header row)."),
        (b"\xff\xfe\x00\xd8", "users.csv: not valid UTF-16 text (byte 2)."),
        (b"id\nu\x81\n", "users.csv: byte 4 is neither UTF-8 nor Windows-1252 text"),
        (b'id,name\n"u1,A\n', "users.csv: not a readable CSV file ("),
    ],
    ids=["zip", "pdf", "png", "binary", "empty", "blank", "utf16", "undecodable", "quote"],
)
def test_what_is_not_a_csv_is_one_sentence_naming_the_file(
    tmp_path: Path, data: bytes, sentence: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_raw(write(tmp_path, data), "users.csv")
    assert str(caught.value).startswith(sentence)


def test_a_folder_or_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^users.csv: expected a CSV file but found a folder\.$"):
        read_raw(tmp_path, "users.csv")
    with pytest.raises(InputError, match=r"^users.csv: the file does not exist\.$"):
        read_raw(tmp_path / "gone.csv", "users.csv")


def test_read_table_renames_aliases_and_drops_unknown_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "Extra,E-MAIL ADDRESS,site_name,User ID\nx,a@x,SF,u1\n")
    table = read_table(path, SPEC)
    assert list(table.columns) == ["user_id", "site", "email"]
    assert table.to_dict("records") == [{"user_id": "u1", "site": "SF", "email": "a@x"}]


def test_the_earlier_spelling_in_the_spec_wins(tmp_path: Path) -> None:
    path = write(tmp_path, "Site name,Site ID,id\nSan Francisco,sf,u1\n")
    assert read_table(path, SPEC).site.tolist() == ["sf"]


def test_a_missing_required_column_lists_the_accepted_headers(tmp_path: Path) -> None:
    path = write(tmp_path, "id,email\nu1,a@x\n")
    with pytest.raises(InputError) as caught:
        read_table(path, SPEC, "snap/users.csv")
    assert str(caught.value) == (
        "snap/users.csv has no 'site' column (accepted headers: site, Site ID, Site name)."
    )


def test_a_repeated_header_is_refused_not_guessed(tmp_path: Path) -> None:
    raw = read_raw(write(tmp_path, "id,site,site\nu1,a,b\n"), "users.csv")
    with pytest.raises(InputError) as caught:
        select_columns(raw, SPEC, "users.csv")
    assert str(caught.value) == (
        "users.csv: the header 'site' appears more than once; keep one 'site' column."
    )


def test_an_optional_column_may_be_absent(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "id,site\nu1,sf\n"), SPEC)
    assert list(table.columns) == ["user_id", "site"]


def test_the_hash_is_of_the_bytes_as_read(tmp_path: Path) -> None:
    data = b"id,site\nu1,sf\n" * 100_000  # more than one 1 MiB block
    path = write(tmp_path, data)
    assert sha256_of(path) == hashlib.sha256(data).hexdigest()
    recorded = input_file(path)
    assert (recorded.name, recorded.sha256) == ("users.csv", hashlib.sha256(data).hexdigest())

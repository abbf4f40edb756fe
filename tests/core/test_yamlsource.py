from __future__ import annotations

import pytest

from govscan.catalog.yamlsource import YamlSyntaxError, parse_yaml


def test_positions_of_keys_and_values() -> None:
    doc = parse_yaml("a: 1\nb:\n  - x: 2\n    y: [1, 2]\n", "f.yaml")
    assert doc.data == {"a": 1, "b": [{"x": 2, "y": [1, 2]}]}
    assert doc.where(("b", 0, "y", 1)) == (4, 12)
    assert doc.where(("b", 0, "x"), key=True) == (3, 5)
    assert doc.where(("b", 0, "missing")) == (3, 5)  # nearest ancestor


def test_duplicate_keys_are_problems() -> None:
    doc = parse_yaml("a: 1\na: 2\n", "f.yaml")
    assert [str(p) for p in doc.duplicates] == ["f.yaml:2:1: duplicate key 'a'"]


def test_syntax_error_has_position() -> None:
    with pytest.raises(YamlSyntaxError) as exc:
        parse_yaml("a: [1,\nb: 2\n", "g.yaml")
    assert str(exc.value.problem).startswith("g.yaml:")


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(YamlSyntaxError):
        parse_yaml("a: !!python/object/apply:os.system ['true']\n", "evil.yaml")


def test_impossible_date_is_a_located_problem() -> None:
    doc = parse_yaml("expires: 2026-13-01\n", "w.yaml")
    assert doc.data == {"expires": "2026-13-01"}
    assert str(doc.duplicates[0]).startswith("w.yaml:1:10: invalid value '2026-13-01'")

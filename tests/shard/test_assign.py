"""Which units a shard scans: every unit exactly once, whatever N."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govscan.collectors.units import Unit
from govscan.errors import UsageError
from govscan.shard.assign import ShardSpec, parse_shard, share

units_st = st.lists(
    st.builds(
        Unit,
        st.sampled_from(["aws", "azure", "gcp", "repo"]),
        st.text("0123456789abc", min_size=1, max_size=6),
        st.sampled_from(["", "global", "eu-central-1", "eu-west-1", "tf:infra"]),
    ),
    unique_by=lambda u: u.sort_key,
    max_size=60,
)


@given(units=units_st, count=st.integers(min_value=1, max_value=40), seed=st.randoms())
def test_shards_cover_every_unit_exactly_once(units: list[Unit], count: int, seed: object) -> None:
    shuffled = list(units)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    shares = [share(shuffled, ShardSpec(i, count)) for i in range(1, count + 1)]
    keys = [u.sort_key for s in shares for u in s]
    assert sorted(keys) == sorted(u.sort_key for u in units)  # union = all, no repeats
    assert len(keys) == len(set(keys))  # pairwise disjoint
    sizes = [len(s) for s in shares]
    assert max(sizes) - min(sizes) <= 1  # balanced by count
    assert share(units, ShardSpec(1, count)) == shares[0]  # input order does not matter


def test_an_accounts_regions_stay_together() -> None:
    units = [
        Unit("aws", a, r) for a in ("111", "222") for r in ("global", "eu-central-1", "eu-west-1")
    ]
    assert {u.scope for u in share(units, ShardSpec(1, 2))} == {"111"}


@pytest.mark.parametrize(
    ("env", "index"),
    [
        ({"GOVSCAN_SHARD_INDEX": "3"}, 3),
        ({"JOB_COMPLETION_INDEX": "0"}, 1),
        ({"AWS_BATCH_JOB_ARRAY_INDEX": "3"}, 4),
        ({"CLOUD_RUN_TASK_INDEX": "1"}, 2),
        ({"GOVSCAN_SHARD_INDEX": "2", "JOB_COMPLETION_INDEX": "0"}, 2),
    ],
)
def test_auto_reads_the_engines_index(env: dict[str, str], index: int) -> None:
    assert parse_shard("auto/4", env) == ShardSpec(index, 4)


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("3", {}, "expects I/N or auto/N"),
        ("0/4", {}, "between 1 and 4, got 0"),
        ("5/4", {}, "between 1 and 4, got 5"),
        ("1/0", {}, "at least 1"),
        ("auto/4", {}, "no shard index in the environment"),
        ("auto/4", {"JOB_COMPLETION_INDEX": "4"}, "between 1 and 4, got 5"),
        ("auto/4", {"AWS_BATCH_JOB_ARRAY_INDEX": "x"}, "not a whole number"),
    ],
)
def test_bad_shard_specs_are_one_line_errors(text: str, env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_shard(text, env)

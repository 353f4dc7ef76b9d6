from datetime import UTC, datetime, timedelta

from domain.stream_retention import GroupProgress, acknowledged_trim_id, age_trim_id, first_id_to_keep, next_id


def test_nothing_pending_keeps_from_the_entry_after_the_last_delivered():
    assert first_id_to_keep(GroupProgress("g", "1700-3", None)) == (1700, 4)
    assert acknowledged_trim_id([GroupProgress("g", "1700-3", None)]) == "1700-4"


def test_a_pending_entry_is_kept():
    assert acknowledged_trim_id([GroupProgress("g", "1900-0", "1750-2")]) == "1750-2"


def test_the_group_furthest_behind_decides():
    groups = [
        GroupProgress("fast", "1900-0", None),
        GroupProgress("slow", "1200-5", None),
        GroupProgress("p", "1900-0", "1500-0"),
    ]
    assert acknowledged_trim_id(groups) == "1200-6"


def test_a_group_that_was_given_nothing_keeps_everything():
    assert acknowledged_trim_id([GroupProgress("new", "0-0", None), GroupProgress("g", "1900-0", None)]) == "0-1"


def test_no_group_no_trim():
    assert acknowledged_trim_id([]) is None


def test_next_id_rolls_over_the_sequence():
    assert next_id((5, 2**64 - 1)) == (6, 0)


def test_age_trim_id_is_the_cutoff_in_milliseconds():
    now = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
    cutoff = now - timedelta(days=30)
    assert age_trim_id(now, timedelta(days=30)) == f"{int(cutoff.timestamp() * 1000)}-0"

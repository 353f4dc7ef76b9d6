"""settings.load_settings: environment variables → Settings, with clear errors for bad values."""

from __future__ import annotations

import pytest

from settings import Settings, load_settings


def test_defaults_run_the_demo():
    s = load_settings({})
    assert s == Settings(consumer_name=s.consumer_name)
    assert s.reader_process is True and s.production is False


@pytest.mark.parametrize(
    ("text", "value"), [("1", True), ("yes", True), ("ON", True), ("0", False), ("false", False), (" off ", False)]
)
def test_flags_accept_the_usual_spellings(text, value):
    assert load_settings({"INGEST_READER_PROCESS": text}).reader_process is value


def test_a_flag_that_is_neither_on_nor_off_is_refused():
    with pytest.raises(ValueError, match="INGEST_READER_PROCESS='maybe' is not valid"):
        load_settings({"INGEST_READER_PROCESS": "maybe"})


def test_numbers_are_parsed_and_bad_ones_named():
    assert load_settings({"INGEST_BATCH_SIZE": "250"}).batch_size == 250
    with pytest.raises(ValueError, match="INGEST_BATCH_SIZE"):
        load_settings({"INGEST_BATCH_SIZE": "many"})


def test_production_refuses_demo_secrets():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        load_settings({"BCC_PRODUCTION": "1"})
    with pytest.raises(RuntimeError, match="WALL_TOKEN"):
        load_settings({"BCC_PRODUCTION": "1", "SECRET_KEY": "s3cret"})
    assert load_settings({"BCC_PRODUCTION": "1", "SECRET_KEY": "s3cret", "WALL_TOKEN": "t0ken"}).production


def test_sign_in_settings_are_read_and_a_bad_rate_is_named():
    s = load_settings(
        {
            "BCC_SIGN_IN_LIMIT_ACCOUNT": "3 per minute;20/hour",
            "BCC_SIGN_IN_LIMIT_ADDRESS": "50/minute",
            "BCC_SIGN_IN_LOCK_AFTER": "7",
            "BCC_IDLE_TIMEOUT_MIN": "12.5",
            "BCC_SIGN_IN_KEEP_DAYS": "90",
        }
    )
    assert (s.sign_in_limit_account, s.sign_in_limit_address) == ("3 per minute;20/hour", "50/minute")
    assert (s.sign_in_lock_after, s.idle_timeout_min, s.sign_in_keep_days) == (7, 12.5, 90)
    with pytest.raises(ValueError, match="BCC_SIGN_IN_LIMIT_ACCOUNT='lima' is not valid"):
        load_settings({"BCC_SIGN_IN_LIMIT_ACCOUNT": "lima"})


def test_retention_periods_are_read_and_must_thin_before_they_drop():
    s = load_settings({"RETENTION_DETAIL_DAYS": "14", "RETENTION_KEEP_DAYS": "180", "PERSONAL_DATA_KEEP_DAYS": "730"})
    assert (s.retention_detail_days, s.retention_keep_days, s.personal_data_keep_days) == (14, 180, 730)
    assert load_settings({}).retention_hour == 2
    with pytest.raises(ValueError, match="RETENTION_KEEP_DAYS must be larger"):
        load_settings({"RETENTION_DETAIL_DAYS": "30", "RETENTION_KEEP_DAYS": "30"})

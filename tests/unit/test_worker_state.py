from domain.worker_state import REFERENCE_TABLES, missing_reference_data


def test_nothing_missing_when_every_table_has_rows():
    assert missing_reference_data({"categories": 12, "kelurahan": 37, "agencies": 9}) == ()


def test_empty_or_uncounted_tables_are_missing_in_a_fixed_order():
    assert missing_reference_data({"agencies": 0, "kelurahan": 37}) == ("categories", "agencies")
    assert missing_reference_data({}) == REFERENCE_TABLES

"""simulator.feed: the demo feed is deterministic, realistic, and follows the contract unless told not to."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from shapely.geometry import LineString, Point

from domain.contract import BusFixEvent, ComplaintEvent, EmergencyEvent, Rejection, validate_entry
from domain.sla import WIB
from simulator.feed import GROUP_MIX, HOURLY, DemoFeed, run_id_for

START = datetime(2026, 11, 23, 9, 0, tzinfo=WIB)  # a Monday at the busiest hour
MODEL = {"complaints": ComplaintEvent, "emergencies": EmergencyEvent, "bus_gps": BusFixEvent}


def run(feed: DemoFeed, minutes: float, start: datetime = START, dt_s: float = 0.5) -> list[tuple[str, dict]]:
    out = []
    now = start
    for _ in range(int(minutes * 60 / dt_s)):
        now += timedelta(seconds=dt_s)
        out += feed.due(now, dt_s)
    return out


@pytest.fixture(scope="module")
def clean_run(sample_routes):
    feed = DemoFeed(seed=11, complaints_per_min=60, routes=sample_routes, now=START)
    return feed, run(feed, 20)


@pytest.fixture(scope="module")
def chaos_run(sample_routes):
    feed = DemoFeed(seed=11, complaints_per_min=60, routes=sample_routes, chaos=True, now=START)
    return feed, run(feed, 20)


def test_sample_routes_load(sample_routes):
    assert len(sample_routes) >= 1
    for route in sample_routes:
        assert route["route_id"]
        assert route["geometry"]["type"] == "LineString"


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_same_entries(sample_routes):
    a = run(DemoFeed(seed=5, complaints_per_min=30, routes=sample_routes, chaos=True, now=START), 3)
    b = run(DemoFeed(seed=5, complaints_per_min=30, routes=sample_routes, chaos=True, now=START), 3)
    assert len(a) > 50
    assert a == b


def test_different_seed_different_entries(sample_routes):
    a = run(DemoFeed(seed=5, complaints_per_min=30, routes=sample_routes, now=START), 3)
    b = run(DemoFeed(seed=6, complaints_per_min=30, routes=sample_routes, now=START), 3)
    assert a != b


def test_single_generators_are_deterministic():
    a, b = DemoFeed(seed=3, now=START), DemoFeed(seed=3, now=START)
    assert [a.complaint(START) for _ in range(20)] == [b.complaint(START) for _ in range(20)]
    assert [a.emergency(START) for _ in range(20)] == [b.emergency(START) for _ in range(20)]


# --- realism -------------------------------------------------------------------------------------


def test_group_mix_is_about_60_30_10(categories):
    feed = DemoFeed(seed=2, now=START)
    n = 4000
    groups = Counter(categories[feed.complaint(START)["category"]] for _ in range(n))
    assert set(groups) == set(GROUP_MIX) == {"infrastruktur", "pelayanan", "lainnya"}
    assert groups["infrastruktur"] / n == pytest.approx(0.6, abs=0.04)
    assert groups["pelayanan"] / n == pytest.approx(0.3, abs=0.04)
    assert groups["lainnya"] / n == pytest.approx(0.1, abs=0.03)


def test_busier_by_day_than_at_night(sample_routes):
    day = run(DemoFeed(seed=4, complaints_per_min=60, now=START), 10, start=START)
    night_start = START.replace(hour=3)
    night = run(DemoFeed(seed=4, complaints_per_min=60, now=night_start), 10, start=night_start)
    n_day = sum(1 for s, _ in day if s == "complaints")
    n_night = sum(1 for s, _ in night if s == "complaints")
    assert n_day > 4 * n_night
    assert len(HOURLY) == 24


def test_clean_run_has_all_three_streams(clean_run):
    _, out = clean_run
    counts = Counter(s for s, _ in out)
    assert counts["complaints"] == pytest.approx(1200, rel=0.15)  # 60/min × 20 min at the peak hour
    assert counts["emergencies"] > 10
    assert counts["bus_gps"] > 1000


def test_every_clean_entry_validates(clean_run, contract_ctx):
    feed, out = clean_run
    extra = [("complaints", feed.complaint(START)) for _ in range(300)]
    extra += [("emergencies", feed.emergency(START)) for _ in range(300)]
    for stream, fields in out + extra:
        result = validate_entry(stream, fields, contract_ctx)
        assert not isinstance(result, Rejection), (stream, fields, result)
        assert isinstance(result, MODEL[stream])


def test_clean_ids_are_unique(clean_run, contract_ctx):
    _, out = clean_run
    keys = Counter()
    for stream, fields in out:
        event = validate_entry(stream, fields, contract_ctx)
        keys[(stream, event.fix_id if stream == "bus_gps" else event.event_id)] += 1
    assert max(keys.values()) == 1


def test_clean_bus_fixes_are_in_order_and_on_the_route(clean_run, sample_routes):
    feed, out = clean_run
    routes = {r["route_id"]: LineString(r["geometry"]["coordinates"]) for r in sample_routes}
    times = defaultdict(list)
    for stream, fields in out:
        if stream != "bus_gps":
            continue
        times[fields["vehicle_id"]].append(datetime.fromisoformat(fields["recorded_at"]))
        assert fields["vehicle_id"].startswith(fields["route_id"] + "-")
        line = routes[fields["route_id"]]
        assert line.distance(Point(float(fields["lon"]), float(fields["lat"]))) < 1e-5  # on the line (~1 m)
        assert 0 <= float(fields["bearing_deg"]) <= 360
        assert 18 <= float(fields["speed_kmh"]) <= 35
    assert set(times) == {b.vehicle_id for b in feed.buses}
    assert len(times) == 3 * len(sample_routes)
    for vehicle, ts in times.items():
        assert ts == sorted(ts) and len(set(ts)) == len(ts), vehicle
        gaps = {(b - a).total_seconds() for a, b in zip(ts, ts[1:], strict=False)}
        assert gaps == {5.0}, vehicle


def test_clean_points_are_inside_the_city(clean_run, area_index, contract_ctx):
    _, out = clean_run
    located = 0
    for stream, fields in out:
        if stream in ("complaints", "emergencies") and "lat" in fields:
            loc = area_index.locate(float(fields["lat"]), float(fields["lon"]))
            assert not loc.outside_city, fields
            located += 1
    assert located > 500


def test_identities():
    feed = DemoFeed(seed=8, now=START)
    complaints = [feed.complaint(START) for _ in range(500)]
    emergencies = [feed.emergency(START) for _ in range(500)]
    assert all(c["reporter_nik"].startswith("1275") and len(c["reporter_nik"]) == 16 for c in complaints)
    assert all(len(e["reporter_nik"]) == 16 and e["reporter_nik"].isdigit() for e in emergencies)
    visitors = sum(1 for e in emergencies if not e["reporter_nik"].startswith("1275"))
    assert 0 < visitors < 250
    niks = Counter(e["reporter_nik"] for e in emergencies)
    assert niks.most_common(1)[0][1] >= 10  # a few pranksters press often
    assert 0 < sum(1 for e in emergencies if "kind" not in e) < 200  # older apps send no kind
    with_code = [c for c in complaints if "kelurahan_code" in c]
    assert with_code and all(c["source"] in ("call-center", "walk-in") for c in with_code)
    assert all(("lat" in c) != ("kelurahan_code" in c) for c in complaints)
    for c in complaints:
        assert datetime.fromisoformat(c["reported_at"]).utcoffset() == timedelta(hours=7)


# --- chaos -------------------------------------------------------------------------------------------


def test_chaos_breaks_some_entries(chaos_run, contract_ctx):
    _, out = chaos_run
    rejected = Counter()
    for stream, fields in out:
        if isinstance(validate_entry(stream, fields, contract_ctx), Rejection):
            rejected[stream] += 1
    assert rejected["complaints"] > 0
    assert sum(rejected.values()) < len(out) * 0.2  # most traffic is still fine


def test_chaos_sends_bus_fixes_late_and_twice(chaos_run, contract_ctx):
    _, out = chaos_run
    last_seen: dict[str, datetime] = {}
    out_of_order = 0
    seen_fix = Counter()
    for stream, fields in out:
        if stream != "bus_gps":
            continue
        event = validate_entry(stream, fields, contract_ctx)
        if isinstance(event, Rejection):
            continue
        seen_fix[event.fix_id] += 1
        prev = last_seen.get(event.vehicle_id)
        if prev is not None and event.recorded_at < prev:
            out_of_order += 1
        last_seen[event.vehicle_id] = max(prev or event.recorded_at, event.recorded_at)
    assert out_of_order > 0
    assert any(n > 1 for n in seen_fix.values())


def test_chaos_is_off_by_default(sample_routes):
    assert DemoFeed().chaos is False


@pytest.mark.parametrize("stream", ["complaints", "emergencies"])
def test_corrupt_always_breaks_the_contract(stream, contract_ctx):
    feed = DemoFeed(seed=1, now=START)
    make = feed.complaint if stream == "complaints" else feed.emergency
    still_valid = []
    for _ in range(300):
        fields = feed.corrupt(stream, make(START))
        if not isinstance(validate_entry(stream, fields, contract_ctx), Rejection):
            still_valid.append(fields)
    assert still_valid == []


def test_corrupt_does_not_modify_its_input():
    feed = DemoFeed(seed=1, now=START)
    original = feed.complaint(START)
    copy = dict(original)
    feed.corrupt("complaints", original)
    assert original == copy


# --- restarts and quiet hours -----------------------------------------------------------------------


def _ids(out) -> set[str]:
    return {f["event_id"] for s, f in out if s != "bus_gps"}


def _without_ids(out) -> list:
    return [(s, {k: v for k, v in f.items() if k not in ("event_id", "photo_url")}) for s, f in out]


def test_a_restart_with_the_same_seed_sends_new_event_ids_and_the_same_content(sample_routes):
    later = START + timedelta(minutes=18)  # the feed restarted 18 minutes later, `--seed 1` again
    assert DemoFeed(seed=1, now=later).run_id != DemoFeed(seed=1, now=START).run_id
    first = run(DemoFeed(seed=1, complaints_per_min=30, routes=sample_routes, now=START), 3)
    again = DemoFeed(seed=1, complaints_per_min=30, routes=sample_routes, now=START, run_id=run_id_for(later))
    second = run(again, 3)
    assert len(_ids(first)) > 50
    assert _ids(first).isdisjoint(_ids(second))  # nothing discarded as a duplicate
    assert _without_ids(second) == _without_ids(first)  # the seed still decides the content


def test_event_ids_name_the_run_and_follow_the_contract(contract_ctx):
    feed = DemoFeed(seed=1, now=datetime(2026, 12, 3, 21, 45, 2, tzinfo=WIB))
    assert feed.run_id == "20261203T144502"  # the start in UTC
    complaint, press = feed.complaint(START), feed.emergency(START)
    assert complaint["event_id"] == "demo-1-20261203T144502-c-1"
    assert press["event_id"] == "demo-1-20261203T144502-e-2"
    assert isinstance(validate_entry("complaints", complaint, contract_ctx), ComplaintEvent)
    assert DemoFeed(seed=1, run_id="ulang-2", now=START).complaint(START)["event_id"] == "demo-1-ulang-2-c-1"


@pytest.mark.parametrize("hour", [1, 2, 3, 4])
def test_every_kind_of_event_within_two_minutes_at_night(sample_routes, hour):
    night = START.replace(hour=hour)
    for seed in range(5):
        feed = DemoFeed(seed=seed, complaints_per_min=30, routes=sample_routes, now=night)
        out = run(feed, 2, start=night)
        kinds = Counter(s for s, _ in out)
        assert kinds["complaints"] >= 2 and kinds["emergencies"] >= 1 and kinds["bus_gps"] > 0, (seed, kinds)


def test_a_quiet_feed_is_never_silent_for_long(sample_routes):
    night = START.replace(hour=2)
    feed = DemoFeed(seed=3, complaints_per_min=1, now=night)  # a very slow feed: the floor still holds
    now, last = night, {"complaints": night, "emergencies": night}
    longest = dict.fromkeys(last, 0.0)
    for _ in range(int(30 * 60 / 0.5)):
        now += timedelta(seconds=0.5)
        for stream, _f in feed.due(now, 0.5):
            if stream in last:
                longest[stream] = max(longest[stream], (now - last[stream]).total_seconds())
                last[stream] = now
    assert longest["complaints"] <= 45.5 and longest["emergencies"] <= 90.5

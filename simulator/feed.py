"""Pure generator of demo stream entries; `run_feed` in simulator.runner does the XADDs.

Complaints follow the e-Sambat mix (~60 % infrastruktur, 30 % pelayanan, 10 % lainnya) at random
points inside the real kelurahan polygons, busier by day (WIB); panic presses are occasional and a
few repeat pranksters press often; buses drive the sample routes with a fix every 5 s.
With `chaos`, a share of entries break the contract and some GPS fixes arrive late or twice.

Event ids carry the run (its start time in UTC) besides the seed: the same seed gives the same
content, and a restarted feed still sends ids the database has not seen — otherwise every entry
after a restart would be discarded as a duplicate until the counter passed the old run's.
A newcomer sees every kind of event within two minutes at any hour: activity never drops below
`NIGHT_FLOOR`, and a complaint or a panic press is sent when none came for `MAX_QUIET_S`.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.sla import WIB
from geo import haversine_m, load_city_areas
from geo.sampling import random_point_in

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
GROUP_MIX = {"infrastruktur": 0.6, "pelayanan": 0.3, "lainnya": 0.1}
SOURCE_MIX = {"e-masyarakat": 0.45, "e-sambat": 0.25, "lapor": 0.1, "call-center": 0.12, "walk-in": 0.05, "other": 0.03}
EMERGENCY_MIX = {"kejahatan": 0.35, "medis": 0.25, "kecelakaan": 0.15, "kebakaran": 0.1, "bencana": 0.05, "tidak-diketahui": 0.1}
# Relative activity by WIB hour: quiet at night, peaks in the morning and late afternoon.
HOURLY = [
    0.15,
    0.1,
    0.08,
    0.08,
    0.12,
    0.3,
    0.55,
    0.8,
    1.0,
    1.0,
    0.95,
    0.9,
    0.8,
    0.85,
    0.9,
    0.95,
    0.9,
    0.75,
    0.6,
    0.5,
    0.45,
    0.35,
    0.25,
    0.2,
]
BUS_FIX_EVERY_S = 5.0
NIGHT_FLOOR = 0.15  # the quietest hour still has this share of the peak's traffic
MAX_QUIET_S = {"complaints": 45.0, "emergencies": 90.0}  # at most this long without one (any hour)

TITLES = {
    "jalan-rusak": ["Jalan berlubang besar", "Aspal rusak membahayakan pengendara", "Jalan amblas setelah hujan"],
    "drainase-banjir": ["Parit tersumbat sampah", "Banjir setinggi lutut", "Air tergenang tidak surut"],
    "penerangan-jalan": ["Lampu jalan mati", "Lampu jalan berkedip sejak seminggu", "Gang gelap, lampu padam"],
    "lalu-lintas": ["Lampu lalu lintas mati", "Kemacetan parah di simpang", "Rambu lalu lintas roboh"],
    "sampah": ["Sampah menumpuk belum diangkut", "Bau sampah menyengat", "TPS penuh meluber ke jalan"],
    "air-bersih": ["Air PDAM tidak mengalir", "Air keruh dan berbau", "Pipa air bocor"],
    "perumahan": ["Rumah warga nyaris roboh", "Permukiman kumuh perlu penataan"],
    "kesehatan": ["Antrean puskesmas terlalu lama", "Petugas puskesmas tidak ada di tempat"],
    "adminduk": ["KTP-el belum jadi", "Antrean KK sangat panjang", "Akta kelahiran belum terbit"],
    "perizinan": ["Izin usaha lama diproses", "Syarat perizinan tidak jelas"],
    "sosial": ["Bantuan sosial belum diterima", "Data penerima bansos salah"],
    "pendidikan": ["Atap sekolah bocor", "Pungutan di sekolah"],
    "ketertiban": ["Pedagang berjualan di trotoar", "Parkir liar menutup jalan", "Suara bising tengah malam"],
    "bencana": ["Pohon tumbang menutup jalan", "Tanah longsor di tepi sungai"],
    "lainnya": ["Pertanyaan layanan kota", "Saran untuk pemerintah kota"],
}
FIRST_NAMES = [
    "Budi",
    "Siti",
    "Rahmat",
    "Dewi",
    "Andi",
    "Nur",
    "Hendra",
    "Rina",
    "Fajar",
    "Lestari",
    "Agus",
    "Maya",
    "Joko",
    "Yusuf",
    "Ratna",
]
LAST_NAMES = [
    "Siregar",
    "Nasution",
    "Lubis",
    "Harahap",
    "Sembiring",
    "Ginting",
    "Tarigan",
    "Simanjuntak",
    "Pohan",
    "Daulay",
    "Saragih",
]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def iso_wib(dt: datetime) -> str:
    return dt.astimezone(WIB).isoformat(timespec="seconds")


def _load_categories() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    with (REFERENCE_DIR / "categories.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            groups.setdefault(row["group"], []).append(row["code"])
    return groups


@dataclass
class Bus:
    vehicle_id: str
    route_id: str
    path: list[tuple[float, float]]  # (lat, lon)
    speed_kmh: float
    distance_m: float  # how far along the out-and-back loop
    next_fix_at: datetime
    seq: int = 0

    def position(self) -> tuple[float, float, float]:
        """(lat, lon, bearing) at `distance_m` along the route, driven out and back."""
        legs = list(zip(self.path, self.path[1:], strict=False))
        lengths = [haversine_m(a[0], a[1], b[0], b[1]) for a, b in legs]
        total = sum(lengths)
        d = self.distance_m % (2 * total)
        if d > total:  # on the way back
            legs = [(b, a) for a, b in reversed(legs)]
            lengths = list(reversed(lengths))
            d -= total
        for (a, b), length in zip(legs, lengths, strict=True):
            if d <= length or length == 0:
                f = 0 if length == 0 else d / length
                lat = a[0] + (b[0] - a[0]) * f
                lon = a[1] + (b[1] - a[1]) * f
                bearing = math.degrees(math.atan2((b[1] - a[1]) * math.cos(math.radians(a[0])), b[0] - a[0])) % 360
                return lat, lon, bearing
            d -= length
        a, b = legs[-1]
        return b[0], b[1], 0.0


@dataclass
class DemoFeed:
    seed: int = 1
    complaints_per_min: float = 6.0  # at the busiest hour
    buses_per_route: int = 3
    chaos: bool = False
    routes: list[dict] = field(default_factory=list)  # GeoJSON-like: route_id, geometry
    now: datetime | None = None
    run_id: str | None = None  # part of every event id; default: the start time (UTC, to the second)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        if not self.run_id:
            self.run_id = run_id_for(self.now or datetime.now(UTC))
        self.areas = load_city_areas().kelurahan
        self.categories = _load_categories()
        self.prank_niks = [self._nik() for _ in range(3)]
        self.counter = 0
        start = self.now or datetime.now(WIB)
        self.last_sent = dict.fromkeys(MAX_QUIET_S, start)
        self.buses: list[Bus] = []
        for route in self.routes:
            coords = route["geometry"]["coordinates"]
            path = [(lat, lon) for lon, lat in coords]
            for i in range(self.buses_per_route):
                self.buses.append(
                    Bus(
                        vehicle_id=f"{route['route_id']}-{i + 1:02d}",
                        route_id=route["route_id"],
                        path=path,
                        speed_kmh=self.rng.uniform(18, 35),
                        distance_m=self.rng.uniform(0, 20_000),
                        next_fix_at=start + timedelta(seconds=self.rng.uniform(0, BUS_FIX_EVERY_S)),
                    )
                )
        self.delayed: list[tuple[datetime, dict]] = []  # late GPS fixes waiting to be sent

    # --- identities ---------------------------------------------------------------------------

    def _nik(self, binjai: bool = True) -> str:
        r = self.rng
        region = "1275" + f"{r.randint(1, 5):02d}" if binjai else f"{r.choice(['1271', '1207', '3173'])}{r.randint(1, 20):02d}"
        day = r.randint(1, 28) + (40 if r.random() < 0.5 else 0)
        return f"{region}{day:02d}{r.randint(1, 12):02d}{r.randint(50, 99):02d}{r.randint(1, 9999):04d}"

    def _phone(self) -> str:
        return "08" + "".join(str(self.rng.randint(0, 9)) for _ in range(10))

    def _event_id(self, kind: str) -> str:
        self.counter += 1
        return f"demo-{self.seed}-{self.run_id}-{kind}-{self.counter}"

    # --- entries ------------------------------------------------------------------------------

    def complaint(self, now: datetime) -> dict:
        r = self.rng
        group = _weighted(r, GROUP_MIX)
        category = r.choice(self.categories[group])
        area = r.choice(self.areas)
        source = _weighted(r, SOURCE_MIX)
        fields = {
            "event_id": self._event_id("c"),
            "source": source,
            "reported_at": iso_wib(now - timedelta(seconds=r.uniform(0, 20))),
            "category": category,
            "title": r.choice(TITLES[category]),
            "description": f"Mohon segera ditindaklanjuti. Lokasi di Kelurahan {area.name}.",
            "reporter_nik": self._nik(),
            "reporter_name": f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}",
            "reporter_phone": self._phone(),
        }
        if source in ("call-center", "walk-in") and r.random() < 0.7:
            fields["kelurahan_code"] = area.code  # told by phone or at the desk: no GPS
        else:
            lat, lon = random_point_in(area.geometry, r)
            fields["lat"], fields["lon"] = f"{lat:.6f}", f"{lon:.6f}"
            if r.random() < 0.3:
                fields["photo_url"] = f"https://foto.example.invalid/{fields['event_id']}.jpg"
        return fields

    def emergency(self, now: datetime) -> dict:
        r = self.rng
        area = r.choice(self.areas)
        lat, lon = random_point_in(area.geometry, r)
        prank = r.random() < 0.15
        fields = {
            "event_id": self._event_id("e"),
            "pressed_at": iso_wib(now - timedelta(seconds=r.uniform(0, 3))),
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "accuracy_m": f"{r.uniform(4, 60):.0f}",
            "kind": _weighted(r, EMERGENCY_MIX),
            "reporter_nik": r.choice(self.prank_niks) if prank else self._nik(binjai=r.random() < 0.85),
            "reporter_phone": self._phone(),
            "device_id": f"dev-{r.randint(1000, 9999)}",
        }
        if r.random() < 0.2:
            fields.pop("kind")  # older app versions do not send a kind
        return fields

    def bus_fix(self, bus: Bus, at: datetime) -> dict:
        lat, lon, bearing = bus.position()
        bus.seq += 1
        return {
            "vehicle_id": bus.vehicle_id,
            "recorded_at": iso_wib(at),
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "route_id": bus.route_id,
            "speed_kmh": f"{bus.speed_kmh:.1f}",
            "bearing_deg": f"{bearing:.0f}",
        }

    def corrupt(self, stream: str, fields: dict) -> dict:
        """Break the contract in one of the ways real producers do (always a real breach)."""
        r = self.rng
        fields = dict(fields)
        time_field = {"complaints": "reported_at", "emergencies": "pressed_at"}.get(stream, "recorded_at")
        damages = ["drop_time", "drop_nik", "no_offset", "bad_nik", "bad_number", "bad_id"]
        if stream == "complaints":
            damages += ["unknown_category", "long_title"]
        damage = r.choice(damages)
        if damage == "drop_time":
            fields.pop(time_field, None)
        elif damage == "drop_nik":
            fields.pop("reporter_nik", None)
        elif damage == "no_offset":
            fields[time_field] = fields[time_field][:19]
        elif damage == "bad_nik":
            fields["reporter_nik"] = "12345"
        elif damage == "bad_number":
            fields["lat"] = "tiga koma enam"
        elif damage == "bad_id":
            fields["event_id"] = fields["event_id"] + " rusak!"
        elif damage == "unknown_category":
            fields["category"] = "tidak-ada"
        else:
            fields["title"] = "x" * 200
        return fields

    # --- time -----------------------------------------------------------------------------------

    def activity(self, now: datetime) -> float:
        return max(NIGHT_FLOOR, HOURLY[now.astimezone(WIB).hour])

    def due(self, now: datetime, dt_s: float) -> list[tuple[str, dict]]:
        """Everything to append for the interval of `dt_s` seconds ending at `now`."""
        r = self.rng
        out: list[tuple[str, dict]] = []
        lam = self.complaints_per_min / 60.0 * dt_s * self.activity(now)
        for _ in range(_poisson(r, lam)):
            out.append(("complaints", self.complaint(now)))
        for _ in range(_poisson(r, lam / 25.0)):
            out.append(("emergencies", self.emergency(now)))
        for stream, make in (("complaints", self.complaint), ("emergencies", self.emergency)):
            if any(s == stream for s, _ in out):
                self.last_sent[stream] = now
            elif (now - self.last_sent[stream]).total_seconds() >= MAX_QUIET_S[stream]:
                out.append((stream, make(now)))  # quiet too long for a demo: one now
                self.last_sent[stream] = now
        for bus in self.buses:
            bus.distance_m += bus.speed_kmh / 3.6 * dt_s
            while bus.next_fix_at <= now:
                fix = self.bus_fix(bus, bus.next_fix_at)
                bus.next_fix_at += timedelta(seconds=BUS_FIX_EVERY_S)
                if self.chaos and r.random() < 0.05:
                    self.delayed.append((now + timedelta(seconds=r.uniform(10, 60)), fix))  # late fix
                    continue
                out.append(("bus_gps", fix))
                if self.chaos and r.random() < 0.02:
                    out.append(("bus_gps", dict(fix)))  # sent twice
        ready = [f for t, f in self.delayed if t <= now]
        self.delayed = [(t, f) for t, f in self.delayed if t > now]
        out += [("bus_gps", f) for f in ready]
        if self.chaos:
            out = [(s, self.corrupt(s, f)) if s != "bus_gps" and r.random() < 0.08 else (s, f) for s, f in out]
            if r.random() < 0.01 * dt_s:
                out.append(("bus_gps", {"vehicle_id": "TB-??", "recorded_at": "kemarin", "lat": "999", "lon": "x"}))
        return out


def run_id_for(started: datetime) -> str:
    """A run's part of the event ids: its start in UTC, e.g. `20261203T144502`."""
    return started.astimezone(UTC).strftime("%Y%m%dT%H%M%S")


def _poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; lam is small here (events per half second)."""
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1

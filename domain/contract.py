"""Validation of the three live streams against the contract in docs/streams.md (v1).

`validate_entry` turns the raw fields of one Redis stream entry into a typed event, or returns a
`Rejection` whose reason a person can act on. It never raises for bad input: the worker sends
rejections to the dead-letter stream and keeps going.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

STREAMS = ("complaints", "emergencies", "bus_gps")

COMPLAINT_SOURCES = ("e-masyarakat", "e-sambat", "lapor", "call-center", "walk-in", "other")
EMERGENCY_KINDS = ("kejahatan", "kebakaran", "medis", "kecelakaan", "bencana", "tidak-diketahui")

# \Z, not $: "$" also matches before a trailing newline.
_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}\Z")
_NIK_RE = re.compile(r"^[0-9]{16}\Z")
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)\Z")
_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\Z", re.IGNORECASE)
BINJAI_NIK_PREFIX = "1275"


def _parse_time(value: object) -> datetime:
    """ISO 8601 with an offset, normalised to UTC. A time without an offset is invalid."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("time has no UTC offset")
        return value.astimezone(UTC)
    if not isinstance(value, str) or not _ISO_RE.match(value.strip()):
        raise ValueError("must be ISO 8601 with an offset, e.g. 2026-11-22T14:05:09+07:00")
    text = value.strip()
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError as exc:
        raise ValueError(f"not a real date/time ({exc})") from None
    except OverflowError:
        raise ValueError("date is out of range") from None


def _event_id(value: object) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError("must be 1-64 characters of A-Z a-z 0-9 . _ : -")
    return value


def _empty_to_none(value: object) -> object:
    return None if value == "" else value


Time = Annotated[datetime, BeforeValidator(_parse_time)]
EventId = Annotated[str, BeforeValidator(_event_id)]
Lat = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Lon = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
OptLat = Annotated[Lat | None, BeforeValidator(_empty_to_none)]
OptLon = Annotated[Lon | None, BeforeValidator(_empty_to_none)]


class _Event(BaseModel):
    # Producers may add optional fields (the contract allows it); they are kept in `extra`.
    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=False)

    @property
    def extra(self) -> dict[str, str]:
        return dict(self.__pydantic_extra__ or {})


class ComplaintEvent(_Event):
    event_id: EventId
    source: Literal[COMPLAINT_SOURCES]  # type: ignore[valid-type]
    reported_at: Time
    category: str
    title: str = Field(min_length=1, max_length=140)
    description: str | None = Field(default=None, max_length=4000)
    lat: OptLat = None
    lon: OptLon = None
    kelurahan_code: Annotated[str | None, BeforeValidator(_empty_to_none)] = None
    reporter_nik: str
    reporter_name: Annotated[str | None, BeforeValidator(_empty_to_none)] = Field(default=None, max_length=200)
    reporter_phone: Annotated[str | None, BeforeValidator(_empty_to_none)] = Field(default=None, max_length=32)
    photo_url: Annotated[str | None, BeforeValidator(_empty_to_none)] = Field(default=None, max_length=2000)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v

    @field_validator("reporter_nik")
    @classmethod
    def _binjai_nik(cls, v: str) -> str:
        if not _NIK_RE.match(v):
            raise ValueError("must be exactly 16 digits")
        if not v.startswith(BINJAI_NIK_PREFIX):
            raise ValueError("is not a Binjai resident's NIK (must start with 1275)")
        return v

    @field_validator("photo_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not _URL_RE.match(v):
            raise ValueError("must be an http(s) URL")
        return v

    @model_validator(mode="after")
    def _has_location(self) -> ComplaintEvent:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon must be given together")
        if self.lat is None and self.kelurahan_code is None:
            raise ValueError("a location is required: lat+lon or kelurahan_code")
        return self


class EmergencyEvent(_Event):
    event_id: EventId
    pressed_at: Time
    lat: Lat
    lon: Lon
    accuracy_m: Annotated[float | None, BeforeValidator(_empty_to_none)] = Field(default=None, ge=0, allow_inf_nan=False)
    kind: Annotated[Literal[EMERGENCY_KINDS], BeforeValidator(lambda v: v or "tidak-diketahui")] = (  # type: ignore[valid-type]
        "tidak-diketahui"
    )
    reporter_nik: str
    reporter_phone: Annotated[str | None, BeforeValidator(_empty_to_none)] = Field(default=None, max_length=32)
    device_id: Annotated[str | None, BeforeValidator(_empty_to_none)] = Field(default=None, max_length=128)

    @field_validator("reporter_nik")
    @classmethod
    def _nik_shape(cls, v: str) -> str:
        if not _NIK_RE.match(v):
            raise ValueError("must be exactly 16 digits")
        return v


class BusFixEvent(_Event):
    vehicle_id: EventId
    recorded_at: Time
    lat: Lat
    lon: Lon
    route_id: Annotated[EventId | None, BeforeValidator(_empty_to_none)] = None
    speed_kmh: Annotated[float | None, BeforeValidator(_empty_to_none)] = Field(default=None, ge=0, le=300, allow_inf_nan=False)
    bearing_deg: Annotated[float | None, BeforeValidator(_empty_to_none)] = Field(default=None, ge=0, le=360, allow_inf_nan=False)
    event_id: Annotated[EventId | None, BeforeValidator(_empty_to_none)] = None

    @property
    def fix_id(self) -> str:
        """Idempotency key: the producer's event_id, else vehicle + UTC time of the fix."""
        if self.event_id:
            return self.event_id
        t = self.recorded_at  # UTC, so isoformat ends in +00:00; 2x faster than strftime on the hot path
        if t.year < 1000:  # strftime does not zero-pad such years; keep the keys already stored
            return f"{self.vehicle_id}@{t.strftime('%Y-%m-%dT%H:%M:%S.%fZ')}"
        return f"{self.vehicle_id}@{t.isoformat(timespec='microseconds')[:-6]}Z"


Event = ComplaintEvent | EmergencyEvent | BusFixEvent
_MODELS: dict[str, type[_Event]] = {
    "complaints": ComplaintEvent,
    "emergencies": EmergencyEvent,
    "bus_gps": BusFixEvent,
}


@dataclass(frozen=True)
class Rejection:
    """Why an entry breaks the contract, in words an operator or a producer's developer can act on."""

    reason: str


@dataclass(frozen=True)
class ContractContext:
    """Reference codes the contract checks against (from the database, editable by admins)."""

    category_codes: frozenset[str]
    kelurahan_codes: frozenset[str]


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "entry"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def validate_entry(stream: str, fields: dict[str, str], ctx: ContractContext) -> Event | Rejection:
    """Validate one entry's fields (already decoded to str) for `stream` (name without prefix)."""
    model = _MODELS.get(stream)
    if model is None:
        return Rejection(f"unknown stream {stream!r}")
    try:
        event = model.model_validate(fields)
    except ValidationError as exc:
        return Rejection(_describe(exc))
    if isinstance(event, ComplaintEvent):
        if event.category not in ctx.category_codes:
            return Rejection(f"category: unknown code {event.category!r}")
        if event.kelurahan_code is not None and event.kelurahan_code not in ctx.kelurahan_codes:
            return Rejection(f"kelurahan_code: {event.kelurahan_code!r} is not a Binjai kelurahan")
    return event


def decode_fields(raw: dict[bytes, bytes]) -> dict[str, str] | Rejection:
    """Redis gives bytes; a field that is not UTF-8 breaks the contract instead of crashing a read."""
    try:
        return {k.decode("utf-8"): v.decode("utf-8") for k, v in raw.items()}  # the hot path: all valid
    except UnicodeDecodeError:
        pass
    bad = next(k for k, v in raw.items() if not _is_utf8(k) or not _is_utf8(v))
    return Rejection(f"{bad.decode('utf-8', errors='backslashreplace')}: not valid UTF-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True

"""Which kind of responder post answers which kind of panic press."""

from __future__ import annotations

EMERGENCY_POST_KINDS: dict[str, tuple[str, ...]] = {
    "kejahatan": ("polisi",),
    "kebakaran": ("damkar",),
    "medis": ("kesehatan",),
    "kecelakaan": ("kesehatan", "polisi"),  # nearest ambulance or police, whichever is closer
    "bencana": ("bpbd",),
    "tidak-diketahui": ("polisi",),  # the panic button is the police's: they call back first
}


def post_kinds_for(emergency_kind: str) -> tuple[str, ...]:
    return EMERGENCY_POST_KINDS.get(emergency_kind, ("polisi",))

"""Reference lookups that the data contract relies on (codes published by DfT and ONS)."""

from __future__ import annotations

# DfT STATS19 police_force codes for the forces of England and Wales (DfT Road Safety Data guide).
STATS19_POLICE_FORCE_CODES: dict[str, int] = {
    "metropolitan": 1,
    "cumbria": 3,
    "lancashire": 4,
    "merseyside": 5,
    "greater-manchester": 6,
    "cheshire": 7,
    "northumbria": 10,
    "durham": 11,
    "north-yorkshire": 12,
    "west-yorkshire": 13,
    "south-yorkshire": 14,
    "humberside": 16,
    "cleveland": 17,
    "west-midlands": 20,
    "staffordshire": 21,
    "west-mercia": 22,
    "warwickshire": 23,
    "derbyshire": 30,
    "nottinghamshire": 31,
    "lincolnshire": 32,
    "leicestershire": 33,
    "northamptonshire": 34,
    "cambridgeshire": 35,
    "norfolk": 36,
    "suffolk": 37,
    "bedfordshire": 40,
    "hertfordshire": 41,
    "essex": 42,
    "thames-valley": 43,
    "hampshire": 44,
    "surrey": 45,
    "kent": 46,
    "sussex": 47,
    "city-of-london": 48,
    "devon-and-cornwall": 50,
    "avon-and-somerset": 52,
    "gloucestershire": 53,
    "wiltshire": 54,
    "dorset": 55,
    "north-wales": 60,
    "gwent": 61,
    "south-wales": 62,
    "dyfed-powys": 63,
}

# STATS19 casualty_type codes grouped into the road-user groups the plan reports.
ROAD_USER_GROUPS: dict[int, str] = {
    0: "Pedestrian",
    1: "Pedal cyclist",
    2: "Motorcyclist",
    3: "Motorcyclist",
    4: "Motorcyclist",
    5: "Motorcyclist",
    23: "Motorcyclist",
    97: "Motorcyclist",
    9: "Car occupant",
}
ROAD_USER_ORDER = ("Pedestrian", "Pedal cyclist", "Motorcyclist", "Car occupant", "Other")

SEVERITY_NAMES = {1: "Fatal", 2: "Serious", 3: "Slight"}

# ONS rural-urban classification: which codes are rural.
RURAL_CODES_2011 = {"D1", "D2", "E1", "E2", "F1", "F2"}


def is_rural_code(code: str) -> bool:
    """True for rural RUC codes (2011: D*, E*, F*; 2021: R*)."""
    return code in RURAL_CODES_2011 or code.startswith("R")


def road_user_group(casualty_type: int) -> str:
    """Road-user group of a STATS19 ``casualty_type`` code."""
    return ROAD_USER_GROUPS.get(casualty_type, "Other")

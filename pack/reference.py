"""Reference lookups that the data contract relies on (codes published by DfT and ONS)."""

from __future__ import annotations

import re

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


# The forces data.police.uk publishes, as its files' "Falls within" names them: the 43 territorial
# forces of England and Wales, British Transport Police and the Police Service of Northern Ireland.
POLICE_UK_FORCES = (
    "Avon and Somerset Constabulary",
    "Bedfordshire Police",
    "British Transport Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
    "Cleveland Police",
    "Cumbria Constabulary",
    "Derbyshire Constabulary",
    "Devon & Cornwall Police",
    "Dorset Police",
    "Durham Constabulary",
    "Dyfed-Powys Police",
    "Essex Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Hampshire Constabulary",
    "Hertfordshire Constabulary",
    "Humberside Police",
    "Kent Police",
    "Lancashire Constabulary",
    "Leicestershire Police",
    "Lincolnshire Police",
    "Merseyside Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
    "North Wales Police",
    "North Yorkshire Police",
    "Northamptonshire Police",
    "Northumbria Police",
    "Nottinghamshire Police",
    "Police Service of Northern Ireland",
    "South Wales Police",
    "South Yorkshire Police",
    "Staffordshire Police",
    "Suffolk Constabulary",
    "Surrey Police",
    "Sussex Police",
    "Thames Valley Police",
    "Warwickshire Police",
    "West Mercia Police",
    "West Midlands Police",
    "West Yorkshire Police",
    "Wiltshire Police",
)


def force_key(name: str) -> str:
    """A force's name reduced to what identifies it, so that data.police.uk's ``Falls within``, the ONS
    lookup's force area and a most-similar-group list agree: case, "&", punctuation and the words
    "Constabulary", "Police", "Police Service" (of) are ignored.

    >>> [force_key(n) for n in ("Avon and Somerset Constabulary", "Avon & Somerset", "Devon & Cornwall Police")]
    ['avon and somerset', 'avon and somerset', 'devon and cornwall']
    >>> [force_key(n) for n in ("Metropolitan Police Service", "Police Service of Northern Ireland", "Dyfed-Powys")]
    ['metropolitan', 'northern ireland', 'dyfed powys']
    """
    text = re.sub(r"[^a-z0-9]+", " ", name.casefold().replace("&", " and ")).strip()
    text = re.sub(r"^(the |police service of )", "", text)
    return re.sub(r" (police service|constabulary|police)$", "", text)

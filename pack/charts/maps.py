"""Where records fall: a density map on the 0.01-degree grid of the prepared ``street_grid`` table,
given orientation by district outlines and district names worked out from the records themselves.

No map files are needed (the pack works offline). Each located record carries the district of its
LSOA ("Amber Valley 001A" is in Amber Valley), so each grid square is given the district with most
records in it, squares with no records take the district of the nearest square that has some (up to
:data:`REACH` squares away), and an outline is drawn wherever two neighbouring squares belong to
different districts. Each district's name sits on its square nearest to the centre of its records.
It is the districts as the records draw them: close to the real boundaries where records are
dense, coarser in empty countryside.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from scipy.spatial import cKDTree

from pack.charts.style import (
    SEQUENTIAL,
    SMALL,
    TEXT,
    Chart,
    new_figure,
    number,
    plural,
    set_title,
    styled,
    wrap_to_width,
)

STEP = 0.01  # degrees: the grid of pack.data's street_grid (longitude and latitude rounded to 2 places)
REACH = 3  # squares of latitude (about 3.3 km): how far an empty square takes its nearest district
MIN_SHARE = 0.005  # a district with fewer of the located records is not drawn (force-boundary snapping)
NO_RECORDS = "#F2F2F2"  # afcharts' grey for missing values: squares inside the districts with no records
NICE = (1, 2, 3, 5)


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer square indices ``ix, iy`` of longitude and latitude (``round(lon / 0.01)``)."""
    return frame.assign(
        ix=np.round(frame["lon"].astype("float64") / STEP).astype("int64"),
        iy=np.round(frame["lat"].astype("float64") / STEP).astype("int64"),
    )


def _check(frame: pd.DataFrame, columns: list[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what}: expected columns {', '.join(columns)}; missing {', '.join(missing)} "
            f"(found {', '.join(map(str, frame.columns))})"
        )


def district_squares(places: pd.DataFrame, min_share: float = MIN_SHARE) -> pd.DataFrame:
    """Each square with records, and its district: the one with most records there (ties: the first
    name in alphabetical order). Districts with less than ``min_share`` of the records are left out.
    Columns ``ix, iy, district, n``.

    >>> f = pd.DataFrame({"lon": [-1.5, -1.5, -1.49], "lat": [53.0, 53.0, 53.0],
    ...                   "district": ["A", "B", "B"], "n": [3, 2, 4]})
    >>> district_squares(f).to_dict("records")
    [{'ix': -150, 'iy': 5300, 'district': 'A', 'n': 5}, {'ix': -149, 'iy': 5300, 'district': 'B', 'n': 4}]
    """
    _check(places, ["lon", "lat", "district", "n"], "district squares")
    rows = _cells(places[places["district"].fillna("").astype(str) != ""])
    per = rows.groupby(["ix", "iy", "district"], as_index=False)["n"].sum()
    share = per.groupby("district")["n"].sum() / max(float(per["n"].sum()), 1.0)
    major = set(share[share >= min_share].index)
    per = per[per["district"].isin(major)]
    total = per.groupby(["ix", "iy"], as_index=False)["n"].sum()
    top = per.sort_values(["ix", "iy", "n", "district"], ascending=[True, True, False, True])
    top = top.drop_duplicates(["ix", "iy"])[["ix", "iy", "district"]]
    return top.merge(total, on=["ix", "iy"]).reset_index(drop=True)


def district_map(squares: pd.DataFrame, ix: np.ndarray, iy: np.ndarray, reach: int = REACH) -> np.ndarray:
    """District names on the raster ``iy x ix`` (object array, ``''`` outside): a square takes the
    district of the nearest square with records at most ``reach`` squares of latitude away
    (distances on the ground: a degree of longitude counts for less than one of latitude)."""
    out = np.full((len(iy), len(ix)), "", dtype=object)
    if squares.empty:
        return out
    scale = np.cos(np.radians(float(squares["iy"].mean()) * STEP))
    tree = cKDTree(np.column_stack([squares["ix"].to_numpy() * scale, squares["iy"].to_numpy()]))
    gx, gy = np.meshgrid(ix, iy)
    distance, nearest = tree.query(np.column_stack([gx.ravel() * scale, gy.ravel()]), distance_upper_bound=reach + 1e-9)
    names = np.append(squares["district"].to_numpy(dtype=object), "")  # index len(squares): none in reach
    out[:, :] = names[np.where(np.isfinite(distance), nearest, len(squares))].reshape(out.shape)
    return out


def outline_segments(districts: np.ndarray, x0: float, y0: float) -> list[tuple[tuple[float, float], ...]]:
    """Line segments (in degrees) along every square edge between two different districts, or
    between a district and outside; square ``(i, j)`` of the raster is centred on
    ``(x0 + j * STEP, y0 + i * STEP)``.

    >>> d = np.array([["A", "B"]], dtype=object)
    >>> outline_segments(d, 0.0, 0.0)[1]  # the edge between A and B, half-way between the centres
    ((0.005, -0.005), (0.005, 0.005))
    >>> len(outline_segments(d, 0.0, 0.0))  # 3 vertical edges, 2 along the top and 2 along the bottom
    7
    """
    h = STEP / 2
    padded = np.pad(districts, 1, constant_values="")
    segments = []
    across = padded[1:-1, :-1] != padded[1:-1, 1:]  # (rows, cols + 1): left of column j, for j = 0..cols
    for i, j in zip(*np.nonzero(across), strict=True):
        x, y = x0 + (float(j) - 0.5) * STEP, y0 + float(i) * STEP
        segments.append(((round(x, 6), round(y - h, 6)), (round(x, 6), round(y + h, 6))))
    along = padded[:-1, 1:-1] != padded[1:, 1:-1]  # (rows + 1, cols): below row i, for i = 0..rows
    for i, j in zip(*np.nonzero(along), strict=True):
        x, y = x0 + float(j) * STEP, y0 + (float(i) - 0.5) * STEP
        segments.append(((round(x - h, 6), round(y, 6)), (round(x + h, 6), round(y, 6))))
    return segments


def label_points(squares: pd.DataFrame) -> pd.DataFrame:
    """Where each district's name goes: its square nearest to the record-weighted centre of its
    squares (so the name is inside the district even when it is not convex). Columns ``district,
    lon, lat, records``, most records first."""
    rows = []
    for district, part in squares.groupby("district"):
        cx = np.average(part["ix"], weights=part["n"])
        cy = np.average(part["iy"], weights=part["n"])
        k = int(np.argmin((part["ix"].to_numpy() - cx) ** 2 + (part["iy"].to_numpy() - cy) ** 2))
        rows.append(
            {
                "district": district,
                "lon": part["ix"].iloc[k] * STEP,
                "lat": part["iy"].iloc[k] * STEP,
                "records": int(part["n"].sum()),
            }
        )
    table = pd.DataFrame(rows, columns=["district", "lon", "lat", "records"])
    return table.sort_values(["records", "district"], ascending=[False, True]).reset_index(drop=True)


def class_breaks(highest: float, lowest: int = 1, classes: int = 5) -> list[int]:
    """Lower bounds of the colour classes of counts from ``lowest`` to ``highest``: ``lowest``, then
    round numbers (1, 2, 3, 5 times a power of ten) near equal steps on a log scale between them.

    >>> class_breaks(168), class_breaks(4), class_breaks(1)
    ([1, 3, 10, 20, 50], [1, 2, 3], [1])
    >>> class_breaks(168, lowest=5)  # a public map: squares under 5 are suppressed
    [5, 10, 20, 50, 100]
    """
    nice = np.array([m * 10**p for p in range(0, 9) for m in NICE], dtype="float64")
    lowest = max(int(lowest), 1)
    breaks = [lowest]
    for k in range(1, classes):
        target = lowest * (max(float(highest), lowest) / lowest) ** (k / classes)
        best = int(nice[np.argmin(np.abs(np.log(nice / target)))])
        if breaks[-1] < best <= highest:
            breaks.append(best)
    return breaks


def concentration(counts: pd.Series) -> tuple[int, int]:
    """``(k, n)``: the busiest ``k`` of ``n`` squares hold at least half of the records.

    >>> concentration(pd.Series([10, 5, 3, 1, 1]))  # 10 of 20 is half
    (1, 5)
    """
    values = np.sort(counts.to_numpy(dtype="float64"))[::-1]
    if not len(values) or values.sum() <= 0:
        return 0, len(values)
    return int(np.searchsorted(np.cumsum(values), values.sum() / 2) + 1), len(values)


def density_title(grid: pd.DataFrame, what: str, period: str | None = None, district: str | None = None) -> str:
    """A title computed from the map's data: how concentrated the records are.

    >>> g = pd.DataFrame({"lon": [0.0, 0.01, 0.02, 0.03], "lat": [50.0] * 4, "n": [12, 4, 3, 1]})
    >>> density_title(g, "ASB incidents", "2023", "Derby")  # 12 of the 20 records are in one square
    'Half of ASB incidents in 2023 were in 1 of 4 map squares (25%); the busiest is in Derby'
    """
    when = f" in {period}" if period else ""
    k, n = concentration(grid["n"]) if len(grid) else (0, 0)
    if not n:
        return f"No located {what}{when}"
    text = f"Half of {what}{when} were in {k:,} of {n:,} map squares ({k / n * 100:.0f}%)"
    return text + (f"; the busiest is in {district}" if district else "")


def _sequential(classes: int) -> list[str]:
    """``classes`` colours of the afcharts sequential palette, lightest first."""
    light_first = list(SEQUENTIAL[::-1])  # #ADD1F1 .. #092135
    picks = {1: [3], 2: [1, 3], 3: [1, 2, 3], 4: [1, 2, 3, 4], 5: [0, 1, 2, 3, 4]}[classes]
    return [light_first[i] for i in picks]


def _class_labels(breaks: list[int], highest: int) -> list[str]:
    ends = [b - 1 for b in breaks[1:]] + [highest]
    return [f"{number(a)}" if a == b else f"{number(a)}–{number(b)}" for a, b in zip(breaks, ends, strict=True)]


def _place_labels(ax, points: pd.DataFrame) -> None:
    """District names on the map, white-edged; a name that would overlap one already placed moves
    down (then up) by its own height until it is clear."""
    fig = ax.figure
    fig.get_layout_engine().execute(fig)
    renderer = fig.canvas.get_renderer()
    placed = []
    halo = [patheffects.withStroke(linewidth=3.5, foreground="white")]
    for row in points.itertuples(index=False):
        text = ax.text(
            row.lon,
            row.lat,
            row.district,
            ha="center",
            va="center",
            fontsize=11,
            fontweight="bold",
            color=TEXT,
            path_effects=halo,
            parse_math=False,
            zorder=5,
        )
        box = text.get_window_extent(renderer)
        for shift in (0, -1, 1, -2, 2, -3, 3):
            moved = box.translated(0, shift * box.height * 1.05)
            if not any(moved.overlaps(other) for other in placed):
                break
        x, y = ax.transData.inverted().transform((moved.x0 + moved.width / 2, moved.y0 + moved.height / 2))
        text.set_position((x, y))
        placed.append(moved)


def _draw_squares(fig, ax, cells: pd.DataFrame, squares: pd.DataFrame, what: str) -> dict[tuple[int, int], str]:
    """The map drawn on ``ax``: grey inside the districts, each square with records in its colour class
    (with the colour bar), the district outlines and a 10 km scale bar. Returns each square's district."""
    both = pd.concat([cells[["ix", "iy"]], squares[["ix", "iy"]]])
    if not len(both):
        return {}
    ix = np.arange(int(both["ix"].min()) - 1, int(both["ix"].max()) + 2)
    iy = np.arange(int(both["iy"].min()) - 1, int(both["iy"].max()) + 2)
    h = STEP / 2
    extent = (ix[0] * STEP - h, ix[-1] * STEP + h, iy[0] * STEP - h, iy[-1] * STEP + h)
    aspect = 1 / np.cos(np.radians(iy.mean() * STEP))
    regions = district_map(squares, ix, iy)
    inside = np.where(regions != "", 1.0, np.nan)
    ax.imshow(
        inside,
        extent=extent,
        origin="lower",
        cmap=ListedColormap([NO_RECORDS]),
        aspect=aspect,
        interpolation="nearest",
    )
    raster = np.full((len(iy), len(ix)), np.nan)
    raster[cells["iy"] - iy[0], cells["ix"] - ix[0]] = cells["n"]
    highest = int(cells["n"].max()) if len(cells) else 1
    breaks = class_breaks(highest, int(cells["n"].min()) if len(cells) else 1)
    norm = BoundaryNorm([*breaks, highest + 1], len(breaks))
    cmap = ListedColormap(_sequential(len(breaks)))
    image = ax.imshow(
        raster, extent=extent, origin="lower", cmap=cmap, norm=norm, aspect=aspect, interpolation="nearest"
    )
    if len(cells):
        _colour_bar(fig, ax, image, breaks, highest, what)
    ax.add_collection(
        LineCollection(outline_segments(regions, ix[0] * STEP, iy[0] * STEP), colors=TEXT, linewidths=0.9, zorder=4)
    )
    _scale_bar(ax, extent, float(iy.mean()))
    return {(int(a), int(b)): regions[b - iy[0], a - ix[0]] for a, b in zip(cells["ix"], cells["iy"], strict=True)}


def _colour_bar(fig, ax, image, breaks: list[int], highest: int, what: str) -> None:
    """The key: one tick in the middle of each colour class, labelled with its counts."""
    bar = fig.colorbar(
        image,
        ax=ax,
        shrink=0.55,
        ticks=[(a + b) / 2 for a, b in zip(breaks, [*breaks[1:], highest + 1], strict=True)],
    )
    bar.ax.set_yticklabels(_class_labels(breaks, highest))
    bar.set_label(f"{what[:1].upper() + what[1:]} per square", fontsize=SMALL)
    bar.ax.tick_params(labelsize=SMALL)


def _scale_bar(ax, extent: tuple[float, float, float, float], mean_iy: float) -> None:
    """A 10 km bar in the bottom right corner (a degree of longitude shortened by the latitude)."""
    km = 10.0
    length = km / (111.32 * np.cos(np.radians(mean_iy * STEP)))
    x1, y0 = extent[1] - STEP, extent[2] + STEP
    ax.plot([x1 - length, x1], [y0, y0], color=TEXT, lw=3, solid_capstyle="butt", zorder=5)
    ax.text(x1 - length / 2, y0 + STEP, f"{km:.0f} km", ha="center", va="bottom", fontsize=SMALL, zorder=5)


def _map_note(size: str, districts: pd.DataFrame | None, suppressed_below: int | None) -> str:
    """The note under the map: the squares' size, and what the outlines and the grey mean."""
    note = f"Squares of 0.01° longitude by 0.01° latitude, {size}; north is up."
    if districts is not None:
        grey = f"no records, or fewer than {suppressed_below} (suppressed)" if suppressed_below else "no records"
        note += f" Outlines and names: districts as the records' own LSOAs place them; grey: {grey}."
    return note


def _map_alt(ranked: pd.DataFrame, what: str, when: str | None, size: str, by_district: bool) -> str:
    """The alt text of a map with located records (``ranked``: busiest square first): how many squares
    hold how many records, how few hold half, the busiest square, and (``by_district``) each district's
    records."""
    busiest, total = ranked.iloc[0], int(ranked["n"].sum())
    k, n = concentration(ranked["n"])
    alt = (
        f"Map of {what}{' in ' + when if when else ''} on a grid of squares {size}: {plural(n, 'square')} "
        f"{'holds' if n == 1 else 'hold'} {plural(total, 'located record')}, and the busiest "
        f"{plural(k, 'square')} {'holds' if k == 1 else 'hold'} half of them. The busiest square"
        f"{', in ' + busiest['district'] + ',' if busiest['district'] else ''} near longitude "
        f"{busiest['lon']:.2f} and latitude {busiest['lat']:.2f}, has {int(busiest['n']):,}."
    )
    if by_district:
        by = ranked[ranked["district"] != ""].groupby("district")["n"].sum().sort_values(ascending=False)
        alt += " Records by district as outlined: " + "; ".join(f"{d} {int(v):,}" for d, v in by.items()) + "."
    return alt


@styled
def density_map(
    grid: pd.DataFrame,
    *,
    name: str,
    what: str,
    title: str | None = None,
    period: str | None = None,
    districts: pd.DataFrame | None = None,
    suppressed_below: int | None = None,
) -> Chart:
    """Records per square of 0.01 degrees (``grid``: ``lon, lat, n``), in classes of the afcharts
    sequential palette; with ``districts`` (rows ``lon, lat, district, n``, e.g. the whole
    ``street_grid`` table) district outlines and names drawn from the records (see the module).
    The title, unless given, is computed from the data (:func:`density_title`); ``period`` is the
    window's label (``12 months ending January 2024``); ``suppressed_below``, in a public pack, the
    threshold below which squares were left out (said in the note under the map)."""
    from pack.findings import period_phrase

    _check(grid, ["lon", "lat", "n"], "density map")
    cells = _cells(grid[grid["n"].notna()]).groupby(["ix", "iy"], as_index=False)["n"].sum()
    cells = cells[cells["n"] > 0].reset_index(drop=True)
    squares = (
        district_squares(districts) if districts is not None else pd.DataFrame(columns=["ix", "iy", "district", "n"])
    )
    fig = new_figure(8.6, width=8.0)
    ax = fig.add_subplot()
    ax.set_axis_off()
    district_of = _draw_squares(fig, ax, cells, squares, what)
    cells["district"] = [district_of.get((int(a), int(b)), "") for a, b in zip(cells["ix"], cells["iy"], strict=True)]
    cells["lon"], cells["lat"] = (cells["ix"] * STEP).round(2), (cells["iy"] * STEP).round(2)
    ranked = cells.sort_values(["n", "ix", "iy"], ascending=[False, True, True]).reset_index(drop=True)
    busiest = ranked.iloc[0] if len(ranked) else None
    when = period_phrase(period) if period else None
    if title is None:
        title = density_title(ranked, what, when, (busiest["district"] or None) if busiest is not None else None)
    set_title(fig, title)
    total = int(ranked["n"].sum())
    lat = float(ranked["lat"].mean()) if len(ranked) else 53.0
    size = f"about {STEP * 111.32 * np.cos(np.radians(lat)):.1f} km by {STEP * 111.32:.1f} km"
    note = _map_note(size, districts, suppressed_below)
    fig.supxlabel("\n".join(wrap_to_width(fig, note, fig.bbox.width - 30, SMALL)), x=0.01, ha="left", fontsize=SMALL)
    if len(squares):
        _place_labels(ax, label_points(squares))
    table = ranked.head(10)[["lon", "lat", "district", "n"]].rename(columns={"n": "records"})
    table["share_pct"] = (table["records"] / total * 100).round(1) if total else 0.0
    if districts is None:
        table = table.drop(columns="district")
    if busiest is None:
        return Chart(name, title, f"Map of {what}{' in ' + when if when else ''}: no located records.", fig, table)
    return Chart(name, title, _map_alt(ranked, what, when, size, districts is not None), fig, table)

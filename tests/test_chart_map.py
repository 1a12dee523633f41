"""The ASB density map: district outlines and names worked out from the records, a title computed
from the data, one pixel per square (no stripes). Made-up squares with answers worked by hand, and
one run through the real prepare stage to show the grid table carries each record's district."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from csvs import DERBYSHIRE, STREET_HEADER, write
from matplotlib.image import AxesImage
from test_charts import rendered_title, texts_outside

from pack import charts
from pack.charts.maps import (
    class_breaks,
    concentration,
    district_map,
    district_squares,
    label_points,
    outline_segments,
)
from pack.data import Dataset
from pack.data.stage import prepare

# Two districts side by side, 3 x 3 squares each: Westshire at longitudes -1.50..-1.48, Eastshire at
# -1.47..-1.45, latitudes 53.00..53.02. In the window: 1 record in each square but one, (-1.46, 53.01),
# which has 20. Total 9 + 8 + 20 = 37.
WEST = [(-1.50 + 0.01 * i, 53.00 + 0.01 * j) for i in range(3) for j in range(3)]
EAST = [(-1.47 + 0.01 * i, 53.00 + 0.01 * j) for i in range(3) for j in range(3)]


def window_grid() -> pd.DataFrame:
    rows = [(lon, lat, 20 if (round(lon, 2), round(lat, 2)) == (-1.46, 53.01) else 1) for lon, lat in WEST + EAST]
    return pd.DataFrame(rows, columns=["lon", "lat", "n"])


def district_grid() -> pd.DataFrame:
    """All months: 100 records a square, and 1 record of a neighbouring district far to the east."""
    rows = [(lon, lat, "Westshire", 100) for lon, lat in WEST] + [(lon, lat, "Eastshire", 100) for lon, lat in EAST]
    rows.append((-1.30, 53.01, "Elsewhere", 1))  # 1 of 1,801 records: under 0.5%, not drawn
    return pd.DataFrame(rows, columns=["lon", "lat", "district", "n"])


def asb_map() -> charts.Chart:
    return charts.density_map(
        window_grid(),
        name="asb-map",
        what="ASB incidents",
        period="12 months ending January 2024",
        districts=district_grid(),
    )


def test_title_is_computed_from_the_data() -> None:
    chart = asb_map()
    # half of 37 is 18.5: the busiest square alone (20) holds it; 1 of 18 squares is 5.6%, in Eastshire
    title = (
        "Half of ASB incidents in the 12 months ending January 2024 were in 1 of 18 map squares (6%); "
        "the busiest is in Eastshire"
    )
    assert chart.title == title
    assert rendered_title(chart.figure) == title
    assert texts_outside(chart.figure) == []


def test_each_square_is_one_pixel_of_one_image_no_stripes() -> None:
    chart = asb_map()
    images = [a for a in chart.figure.axes[0].get_children() if isinstance(a, AxesImage)]
    counts = np.ma.filled(images[-1].get_array().astype("float64"), np.nan)
    # squares -1.51..-1.44 (8) by 52.99..53.03 (5): the 6 x 3 block of data with one square all round
    assert counts.shape == (5, 8)
    assert np.isfinite(counts).sum() == 18 and np.nansum(counts) == 37
    assert np.isfinite(counts[1:4, 1:7]).all()  # the block is solid: no gap between neighbouring squares


def test_districts_are_outlined_and_named_where_their_records_are() -> None:
    chart = asb_map()
    ax = chart.figure.axes[0]
    names = {t.get_text(): t.get_position() for t in ax.texts if t.get_text() in ("Westshire", "Eastshire")}
    # record-weighted centre of each district's squares: its middle square
    assert np.allclose(names["Westshire"], (-1.49, 53.01)) and np.allclose(names["Eastshire"], (-1.46, 53.01))
    assert "Elsewhere" not in [t.get_text() for t in ax.texts]
    segments = ax.collections[-1].get_segments()
    between = sorted(tuple(s[0]) for s in segments if np.allclose(s[:, 0], -1.475))  # half-way between -1.48, -1.47
    # the five rows of the raster (the data's three and the border row either side) split there
    assert [round(y, 3) for _, y in between] == [52.985, 52.995, 53.005, 53.015, 53.025]


def test_alt_text_and_table_agree() -> None:
    chart = asb_map()
    assert chart.alt_text == (
        "Map of ASB incidents in the 12 months ending January 2024 on a grid of squares about 0.7 km by 1.1 km: "
        "18 squares hold 37 located records, and the busiest 1 square holds half of them. The busiest square, in "
        "Eastshire, near longitude -1.46 and latitude 53.01, has 20. Records by district as outlined: "
        "Eastshire 28; Westshire 9."
    )
    first = chart.data.iloc[0]
    assert (first["lon"], first["lat"], first["district"], first["records"]) == (-1.46, 53.01, "Eastshire", 20)
    assert first["share_pct"] == 54.1  # 20 / 37
    assert chart.data["records"].sum() == 20 + 9  # the ten busiest squares: 20 and nine of 1


def test_colour_classes_and_their_labels() -> None:
    chart = asb_map()
    bar = chart.figure.axes[1]
    # highest 20: 20^0.2 = 1.8 -> 2, 20^0.4 = 3.3 -> 3, 20^0.6 = 6.0 -> 5, 20^0.8 = 11.0 -> 10
    assert class_breaks(20) == [1, 2, 3, 5, 10]
    assert [t.get_text() for t in bar.get_yticklabels()] == ["1", "2", "3–4", "5–9", "10–20"]
    # 1000^(k/5): 3.98 -> 5, 15.8 -> 20, 63.1 -> 50, 251 -> 300 (nearer than 200 on a log scale)
    assert class_breaks(1000) == [1, 5, 20, 50, 300]


def test_without_districts_the_map_is_neutral_and_still_computed() -> None:
    chart = charts.density_map(window_grid(), name="m", what="burglaries")
    assert chart.title == "Half of burglaries were in 1 of 18 map squares (6%)"
    assert "district" not in chart.data.columns
    empty = charts.density_map(window_grid().iloc[:0], name="m", what="burglaries", period="2023")
    assert (
        empty.title == "No located burglaries in 2023"
        and empty.alt_text == "Map of burglaries in 2023: no located records."
    )


def test_a_typed_title_is_still_accepted() -> None:
    assert (
        charts.density_map(window_grid(), name="m", title="Where ASB happens", what="ASB").title == "Where ASB happens"
    )


def test_district_squares_majority_and_small_districts() -> None:
    places = pd.DataFrame(
        {
            "lon": [0.0, 0.0, 0.0, 0.01, 0.02, 0.5],
            "lat": [50.0] * 6,
            "district": ["B", "A", "C", "A", "C", "Tiny"],
            "n": [3, 3, 2, 400, 10, 1],
        }
    )
    squares = district_squares(places)
    # square 0: A 3, B 3, C 2 -> a tie of A and B, A first alphabetically; 8 records in all.
    # Tiny has 1 of 419 records (0.24%, under 0.5%): left out
    assert squares.to_dict("records") == [
        {"ix": 0, "iy": 5000, "district": "A", "n": 8},
        {"ix": 1, "iy": 5000, "district": "A", "n": 400},
        {"ix": 2, "iy": 5000, "district": "C", "n": 10},
    ]


def test_district_map_reaches_three_squares_and_no_further() -> None:
    squares = pd.DataFrame({"ix": [0], "iy": [0], "district": ["A"], "n": [1]})  # at latitude 0: no squeeze
    regions = district_map(squares, np.arange(0, 6), np.array([0]))
    assert regions.tolist() == [["A", "A", "A", "A", "", ""]]  # 0 to 3 squares away: A; 4 and 5: outside


def test_outline_of_one_square() -> None:
    segments = outline_segments(np.array([["A"]], dtype=object), 1.0, 2.0)
    assert sorted(segments) == sorted(
        [
            ((0.995, 1.995), (0.995, 2.005)),
            ((1.005, 1.995), (1.005, 2.005)),
            ((0.995, 1.995), (1.005, 1.995)),
            ((0.995, 2.005), (1.005, 2.005)),
        ]
    )


def test_label_points_sit_on_a_square_of_their_district() -> None:
    # a C-shaped district: its weighted centre (1, 1) is not one of its squares; the label goes to the nearest
    ring = [(0, 0), (1, 0), (2, 0), (0, 1), (0, 2), (1, 2), (2, 2)]
    squares = pd.DataFrame({"ix": [a for a, _ in ring], "iy": [b for _, b in ring], "district": "C", "n": 1})
    point = label_points(squares).iloc[0]
    assert (round(point["lon"] / 0.01), round(point["lat"] / 0.01)) in ring


def test_concentration() -> None:
    assert concentration(pd.Series([5, 5, 5, 5])) == (2, 4)  # 10 of 20
    assert concentration(pd.Series([1])) == (1, 1)
    assert concentration(pd.Series([], dtype="int64")) == (0, 0)


def test_prepared_grid_carries_each_records_district(tmp_path: Path) -> None:
    force = f"{DERBYSHIRE},{DERBYSHIRE}"
    rows = [
        f",2024-01,{force},-1.480,52.920,On or near A Street,E01013523,Derby 008B,Anti-social behaviour,,\n",
        f",2024-01,{force},-1.481,52.921,On or near A Street,E01013523,Derby 008B,Anti-social behaviour,,\n",
        f",2024-01,{force},-1.402,53.010,On or near B Road,E01019792,Amber Valley 001A,Anti-social behaviour,,\n",
    ]
    write(tmp_path / "data", "2024-01/2024-01-derbyshire-street.csv", STREET_HEADER + "".join(rows))
    grid = Dataset(prepare(tmp_path / "data")).table("street_grid")
    assert grid[["district", "lon", "lat", "n"]].to_dict("records") == [
        {"district": "Amber Valley", "lon": -1.40, "lat": 53.01, "n": 1},
        {"district": "Derby", "lon": -1.48, "lat": 52.92, "n": 2},
    ]


def test_public_map_classes_start_at_the_threshold_and_say_what_grey_means() -> None:
    shown = window_grid().assign(n=lambda f: f["n"] * 5)  # every square 5 or more, as after suppression below 5
    chart = charts.density_map(shown, name="m", what="ASB incidents", districts=district_grid(), suppressed_below=5)
    bar = chart.figure.axes[1]
    # counts 5 to 100: 5 x 20^(k/5) = 9.1, 16.6, 30.2, 54.9 -> 10, 20, 30, 50
    assert [t.get_text() for t in bar.get_yticklabels()] == ["5–9", "10–19", "20–29", "30–49", "50–100"]
    assert "grey: no records, or fewer than 5 (suppressed)." in chart.figure._supxlabel.get_text().replace("\n", " ")

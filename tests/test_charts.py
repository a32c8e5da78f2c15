"""Charts: well-formed, deterministic SVG with hand-checked geometry, and safe with hostile labels."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from vault_tool.charts import (
    Bar,
    bar_chart,
    chart_id,
    compact_number,
    donut_chart,
    fit_text,
    format_number,
    nice_ticks,
    text_width,
)

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "' onmouseover='alert(1)",
    "Tom & Jerry",
    "<img src=x onerror=alert(1)>",
    "]]><![CDATA[<script>x</script>",
    "&lt;b&gt; &amp; &#60;",
    "\x00\x07 control\x1b chars \ufffe",
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def elements(root: ET.Element, tag: str, css: str | None = None) -> list[ET.Element]:
    found = root.iter(NS + tag)
    return [e for e in found if css is None or css in e.get("class", "").split()]


def texts(root: ET.Element, css: str) -> list[str]:
    return [e.text or "" for e in elements(root, "text", css)]


def desc(root: ET.Element) -> str:
    found = root.find(NS + "desc")
    assert found is not None
    return found.text or ""


def num(element: ET.Element, name: str) -> float:
    return float(element.get(name, "nan"))


def all_charts(bars: list[Bar]) -> list[str]:
    return [
        bar_chart(bars, title="Vertical", description="d"),
        bar_chart(bars, title="Horizontal", description="d", horizontal=True),
        donut_chart(bars, title="Donut", description="d"),
    ]


# -- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maximum", "integer", "expected"),
    [
        (0, True, ["0", "1"]),
        (-5, False, ["0", "1"]),
        (1, True, ["0", "1"]),
        (3, True, ["0", "1", "2", "3"]),
        (7, True, ["0", "2", "4", "6", "8"]),
        (10, True, ["0", "2", "4", "6", "8", "10"]),
        (95, False, ["0", "20", "40", "60", "80", "100"]),
        (180000, False, ["0", "50000", "100000", "150000", "200000"]),
        (1234567, False, ["0", "250000", "500000", "750000", "1000000", "1250000"]),
        (Decimal(1), False, ["0", "0.2", "0.4", "0.6", "0.8", "1"]),
        (Decimal("0.07"), False, ["0", "0.02", "0.04", "0.06", "0.08"]),
        (Decimal("10.5"), False, ["0", "2.5", "5", "7.5", "10", "12.5"]),
    ],
)
def test_nice_ticks(maximum: int | Decimal, integer: bool, expected: list[str]) -> None:
    assert nice_ticks(maximum, integer=integer) == [Decimal(e) for e in expected]


@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1e12"), places=3))
def test_nice_ticks_cover_the_maximum_in_three_to_five_nice_steps(maximum: Decimal) -> None:
    ticks = nice_ticks(maximum)
    step = ticks[1]
    assert ticks[0] == 0 and ticks[-1] >= maximum > ticks[-2]
    assert 3 <= len(ticks) - 1 <= 5
    assert step.normalize().as_tuple().digits in ((1,), (2,), (2, 5), (5,))
    assert all(b - a == step for a, b in itertools.pairwise(ticks))


@given(st.integers(min_value=1, max_value=10**12))
def test_integer_ticks_are_whole_numbers(maximum: int) -> None:
    ticks = nice_ticks(maximum, integer=True)
    assert all(t == t.to_integral_value() for t in ticks)
    assert ticks[-1] >= maximum > ticks[-2] and len(ticks) - 1 <= 5


def test_number_formats() -> None:
    assert format_number(1234567) == "1,234,567"
    assert format_number(Decimal("1234.50")) == "1,234.50"
    assert format_number(Decimal("1E+3")) == "1,000"
    assert [compact_number(v) for v in (0, 950, 2500, 180000, 1250000, 3 * 10**9)] == [
        "0", "950", "2.5k", "180k", "1.25M", "3B",
    ]
    assert compact_number(Decimal("0.25")) == "0.25"


# -- the frame ----------------------------------------------------------------------------


def test_svg_is_well_formed_and_labelled_by_its_title_and_desc() -> None:
    svg = bar_chart([Bar("A", 1)], title="Pipeline", description="Open value per stage")
    assert isinstance(svg, Markup)
    root = parse(svg)
    assert root.tag == NS + "svg" and root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 240"
    assert root.get("width") is None and root.get("height") is None  # the page's CSS sizes it
    ident = chart_id("Pipeline")
    assert root.get("aria-labelledby") == f"{ident}-title {ident}-desc"
    title = root.find(NS + "title")
    assert title is not None and title.get("id") == f"{ident}-title" and title.text == "Pipeline"
    assert root.find(NS + "desc") is not None and root.find(NS + "desc").get("id") == f"{ident}-desc"  # type: ignore[union-attr]
    assert root[0] is title  # the first child names the image


def test_output_is_byte_identical_for_equal_input() -> None:
    def make() -> list[str]:
        bars = [Bar("甲", Decimal("12.5"), "won"), Bar("B", 7)]
        return [*all_charts(bars), bar_chart([], title="e", description="e")]

    assert make() == make()


def test_ids_differ_by_title_and_can_be_chosen() -> None:
    assert chart_id("Pipeline") != chart_id("Forecast")
    assert chart_id("Pipeline").startswith("chart-")
    root = parse(bar_chart([Bar("A", 1)], title="T", description="d", ident='home" onclick="x'))
    assert root.get("aria-labelledby") == "home-onclick-x-title home-onclick-x-desc"


def test_every_element_has_a_class_and_a_default_paint_and_there_is_no_style() -> None:
    for svg in all_charts([Bar("A", 3, "won"), Bar("B", 1)]):
        root = parse(svg)
        assert not elements(root, "style") and "style=" not in svg
        for element in root.iter():
            if element.tag in (NS + "rect", NS + "path", NS + "text"):
                assert element.get("class") and element.get("fill"), ET.tostring(element)
            if element.tag == NS + "line":
                assert element.get("class") and element.get("stroke")


def test_css_class_of_a_bar_becomes_a_modifier_class() -> None:
    root = parse(bar_chart([Bar("Won", 3, "won"), Bar("x", 1, 'a b"<c')], title="t", description="d"))
    assert [r.get("class") for r in elements(root, "rect", "bar")] == ["bar bar-won", "bar bar-a-b-c"]
    root = parse(donut_chart([Bar("Won", 3, "won")], title="t", description="d"))
    assert elements(root, "path", "slice-won") and elements(root, "rect", "slice-won")


# -- the text alternative -----------------------------------------------------------------


def test_text_alternative_lists_every_label_and_value() -> None:
    bars = [Bar("Lead", Decimal("42000")), Bar("Won", Decimal("64250.50")), Bar("洽谈", 0)]
    for svg in all_charts(bars):
        assert desc(parse(svg)) == "d. Lead: 42,000; Won: 64,250.50; 洽谈: 0."


def test_each_bar_has_a_tooltip_with_its_full_label_and_value() -> None:
    root = parse(bar_chart([Bar("Lead", 1200)], title="t", description="d", value_format=lambda v: f"¥{v}"))
    tooltip = elements(root, "rect", "bar")[0].find(NS + "title")
    assert tooltip is not None and tooltip.text == "Lead: ¥1200"


# -- hostile text --------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_labels_stay_text(hostile: str) -> None:
    bars = [Bar(hostile, 5, hostile), Bar("ok", 3)]
    charts = [
        *all_charts(bars),
        bar_chart(bars, title=hostile, description=hostile, value_format=lambda v: hostile),
        bar_chart([], title=hostile, description=hostile, empty_text=hostile),
    ]
    for svg in charts:
        root = parse(svg)  # well-formed XML, whatever the labels contain
        tags = {element.tag for element in root.iter()}
        assert tags <= {NS + t for t in ("svg", "title", "desc", "g", "line", "rect", "path", "text")}
        for element in root.iter():
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on") and "href" not in name
                if name == "class":  # a hostile css_class is reduced to harmless words
                    assert re.fullmatch(r"[\w -]+", value), value
                else:
                    assert "alert" not in value and "<" not in value, (name, value)
        assert "url(" not in svg and "<script" not in svg.lower()


def test_hostile_label_is_shown_exactly_as_written() -> None:
    label = '"><svg onload=alert(1)> & \'quotes\''
    root = parse(bar_chart([Bar(label, 1)], title=label, description="d", width=2000))
    assert texts(root, "label") == [label]
    assert root.find(NS + "title").text == label  # type: ignore[union-attr]
    assert desc(root) == f"d. {label}: 1."


def test_markup_labels_are_not_trusted() -> None:
    root = parse(bar_chart([Bar(Markup("<b>bold</b>"), 1)], title="t", description="d"))
    assert texts(root, "label") == ["<b>bold</b>"]
    assert not elements(root, "b")


def test_characters_that_xml_forbids_are_replaced() -> None:
    root = parse(bar_chart([Bar("a\x00b\ud800c", 1)], title="t\x1b", description="d"))
    assert texts(root, "label") == ["a\ufffdb\ufffdc"]


# -- geometry ------------------------------------------------------------------------------


def test_two_columns_by_hand() -> None:
    """Width 640 → font 19.2 units. Plot from y=27.2 (font + 8) to the baseline at
    206.8 (240 - font - 14): 179.6 high; ticks 0, 20 … 100. The axis labels take
    width("100") = 3 × 0.56 × 19.2 = 32.256, plus 14.4 → the plot starts at x=46.656,
    ends at 632, so each slot is 292.672 wide; a bar is min(0.7 slot, 4.5 font) = 86.4.
    """
    root = parse(bar_chart([Bar("A", 50), Bar("B", 100)], title="t", description="d"))
    a, b = elements(root, "rect", "bar")
    assert (a.get("x"), a.get("y"), a.get("width"), a.get("height")) == ("149.79", "117", "86.4", "89.8")
    assert (b.get("x"), b.get("y"), b.get("width"), b.get("height")) == ("442.46", "27.2", "86.4", "179.6")
    assert num(a, "y") + num(a, "height") == pytest.approx(206.8)  # both stand on the baseline
    assert num(b, "y") + num(b, "height") == pytest.approx(206.8)
    assert texts(root, "tick") == ["0", "20", "40", "60", "80", "100"]
    assert texts(root, "value") == ["50", "100"] and texts(root, "label") == ["A", "B"]


def test_horizontal_bars_are_proportional_and_the_height_follows_the_rows() -> None:
    bars = [Bar("Software", 30), Bar("Retail", 15), Bar("Energy", 0)]
    root = parse(bar_chart(bars, title="t", description="d", horizontal=True))
    rects = elements(root, "rect", "bar")
    assert len({r.get("x") for r in rects}) == 1
    assert num(rects[0], "width") == pytest.approx(2 * num(rects[1], "width"), abs=0.02)
    assert num(rects[2], "width") == 0
    assert texts(root, "value") == ["30", "15", "0"]
    more = parse(bar_chart(bars * 4, title="t", description="d", horizontal=True))
    assert float(more.get("viewBox", "").split()[3]) > float(root.get("viewBox", "").split()[3])


def test_all_zero_values_draw_flat_bars_on_a_unit_scale() -> None:
    for horizontal in (False, True):
        root = parse(bar_chart([Bar("A", 0), Bar("B", 0)], title="t", description="d", horizontal=horizontal))
        sizes = [r.get("width" if horizontal else "height") for r in elements(root, "rect", "bar")]
        assert sizes == ["0", "0"] and texts(root, "tick") == ["0", "1"]
    root = parse(donut_chart([Bar("A", 0)], title="t", description="d"))
    assert [p.get("class") for p in elements(root, "path")] == ["slice"]
    assert texts(root, "value") == ["0 (0%)"]


def test_negative_values_are_drawn_as_zero_but_shown_as_given() -> None:
    root = parse(bar_chart([Bar("Refund", -5), Bar("Sale", 10)], title="t", description="d"))
    assert elements(root, "rect", "bar")[0].get("height") == "0"
    assert texts(root, "value") == ["-5", "10"] and "Refund: -5" in desc(root)


def test_a_tiny_value_stays_visible() -> None:
    root = parse(bar_chart([Bar("A", 1), Bar("B", 10**6)], title="t", description="d"))
    assert num(elements(root, "rect", "bar")[0], "height") == 1


def test_empty_data_gives_a_small_chart_that_says_so() -> None:
    for svg in (bar_chart([], title="t", description="Nothing yet", empty_text="暂无数据"),
                bar_chart([], title="t", description="Nothing yet", empty_text="暂无数据", horizontal=True),
                donut_chart([], title="t", description="Nothing yet", empty_text="暂无数据")):
        root = parse(svg)
        assert "chart-empty" in root.get("class", "")
        assert texts(root, "empty") == ["暂无数据"]
        assert desc(root) == "Nothing yet. 暂无数据"
        assert not elements(root, "rect")


def test_one_bar_is_a_modest_column_in_the_middle() -> None:
    root = parse(bar_chart([Bar("This week", 3)], title="t", description="d"))
    (rect,) = elements(root, "rect", "bar")
    assert num(rect, "width") == 86.4  # 4.5 × font, not the whole plot
    # The plot runs from 25.152 (width("3") = 10.752, plus 14.4) to 632.
    assert num(rect, "x") + num(rect, "width") / 2 == pytest.approx((25.152 + 632) / 2, abs=0.01)
    assert texts(root, "label") == ["This week"] and texts(root, "value") == ["3"]


def test_twenty_six_weeks_label_every_fourth_counting_back_from_the_last() -> None:
    bars = [Bar(f"W{i}", i % 7) for i in range(26)]
    root = parse(bar_chart(bars, title="t", description="d", label_every=4))
    rects = elements(root, "rect", "bar")
    assert len(rects) == 26 and len({r.get("width") for r in rects}) == 1
    assert texts(root, "label") == ["W1", "W5", "W9", "W13", "W17", "W21", "W25"]
    assert len(texts(root, "value")) == 26
    assert all(f"W{i}: {i % 7}" in desc(root) for i in range(26))


def test_twenty_six_weeks_without_a_step_drop_labels_until_they_do_not_overlap() -> None:
    bars = [Bar(f"Jun {i + 1}", 5) for i in range(26)]
    root = parse(bar_chart(bars, title="t", description="d"))
    labels = elements(root, "text", "label")
    assert 1 < len(labels) < 26
    halves = [(num(e, "x"), text_width(e.text or "", 19.2) / 2) for e in labels]
    spans = sorted((x - half, x + half) for x, half in halves)
    assert all(end <= start for (_, end), (start, _) in itertools.pairwise(spans))
    assert all(not (e.text or "").endswith("…") for e in labels)


def test_values_that_do_not_fit_their_column_are_left_out() -> None:
    root = parse(bar_chart([Bar(str(i), 123456789) for i in range(26)], title="t", description="d"))
    assert texts(root, "value") == []
    assert "25: 123,456,789" in desc(root)


def test_large_numbers_use_commas_in_values_and_suffixes_on_the_axis() -> None:
    root = parse(bar_chart([Bar("Nov", Decimal("1234567")), Bar("Dec", 987000)], title="t", description="d"))
    assert texts(root, "value") == ["1,234,567", "987,000"]
    assert texts(root, "tick") == ["0", "250k", "500k", "750k", "1M", "1.25M"]


# -- long and Chinese labels ---------------------------------------------------------------


def test_text_width_counts_cjk_as_twice_latin() -> None:
    assert text_width("客户", 10) == pytest.approx(22)
    assert text_width("客", 10) == pytest.approx(2 * text_width("a", 10), rel=0.02)
    assert text_width("e\u0301", 10) == text_width("e", 10)  # a combining accent takes no room


def test_fit_text_truncates_with_an_ellipsis() -> None:
    assert fit_text("Retail", 100, 10) == "Retail"
    cut = fit_text("A very long industry name", 60, 10)
    assert cut.endswith("…") and text_width(cut, 10) <= 60 and "A very long".startswith(cut[:-1])
    chinese = fit_text("零售和批发贸易有限公司", 60, 10)
    assert chinese == "零售和批…" and text_width(chinese, 10) <= 60


LONG = ["A very long industry name that goes on and on and on" * 2, "零售和批发贸易有限公司华东区分公司" * 3]


@pytest.mark.parametrize("label", LONG)
def test_long_labels_are_cut_in_the_drawing_but_whole_in_tooltip_and_alternative(label: str) -> None:
    for svg in all_charts([Bar(label, 7), Bar("Short", 3)]):
        root = parse(svg)
        drawn = [t for t in texts(root, "label") if t != "Short"]
        assert drawn and drawn[0].endswith("…") and label.startswith(drawn[0][:-1])
        assert text_width(drawn[0], 19.2) <= 640 / 2  # a column label keeps to its half
        assert f"{label}: 7" in desc(root)
        assert any(t.text == f"{label}: 7" for t in root.iter(NS + "title"))


def test_column_labels_stay_inside_the_chart() -> None:
    root = parse(bar_chart([Bar("Qualification", 3), Bar("Negotiation and contract", 4)],
                           title="t", description="d", width=320))
    for element in elements(root, "text", "label"):
        half = text_width(element.text or "", num(element, "font-size")) / 2
        assert num(element, "x") - half >= 0 and num(element, "x") + half <= 320


# -- donut ---------------------------------------------------------------------------------


def test_donut_slices_legend_and_total() -> None:
    slices = [Bar("Active", 3, "active"), Bar("Lost", 1, "lost"), Bar("Dormant", 0)]
    root = parse(donut_chart(slices, title="t", description="d"))
    assert [p.get("class") for p in elements(root, "path")] == ["slice slice-active", "slice slice-lost"]
    assert texts(root, "label") == ["Active", "Lost", "Dormant"]
    assert texts(root, "value") == ["3 (75%)", "1 (25%)", "0 (0%)"]
    assert texts(root, "total") == ["4"]
    assert texts(root, "slice-value") == ["3", "1"]
    # 75 % starts at 12 o'clock and ends at 9 o'clock: a large arc; the centre is (120, 120).
    active = elements(root, "path")[0].get("d", "")
    assert active.startswith("M120 ") and " 0 1 1 " in active and " 0 1 0 " in active


def test_donut_with_one_slice_is_a_full_ring() -> None:
    root = parse(donut_chart([Bar("Active", 5)], title="t", description="d"))
    (path,) = elements(root, "path")
    assert path.get("d", "").count("M") == 2 and path.get("fill-rule") == "evenodd"
    assert texts(root, "value") == ["5 (100%)"] and texts(root, "slice-value") == []


def test_donut_grows_to_fit_its_legend() -> None:
    root = parse(donut_chart([Bar(f"S{i}", 1) for i in range(12)], title="t", description="d"))
    assert float(root.get("viewBox", "").split()[3]) > 240
    assert texts(root, "value")[0] == "1 (8%)"

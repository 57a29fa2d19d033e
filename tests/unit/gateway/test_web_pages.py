"""The web app's pure parts: escaping user text, charts laid out as numbers, what forms turn typed text into."""

from datetime import date

from markupsafe import escape

from services.gateway.readmodels.knowledge_moderation import HANDLERS as MODERATION_LOG
from services.gateway.web import humanise, paragraphs
from services.gateway.web.charts import line_chart
from services.gateway.web.drafts import passage
from services.gateway.web.knowledge_forms import as_lists, as_text
from services.gateway.web.moderation import ACTIONS
from services.gateway.web.pilots import number
from services.gateway.web.web import safe_next

TEXT = "We will open our services. We will open our data."


def test_user_text_is_escaped_before_its_line_breaks_become_markup():
    script, image = "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'

    html = paragraphs(f"{script}\n{image}")

    assert "<script>" not in html and "<img" not in html
    assert html == f"{escape(script)}<br>\n{escape(image)}"


def test_a_chart_spans_the_readings_from_zero_to_the_highest_in_date_order():
    chart = line_chart([{"reported_on": date(2025, 1, 1), "value": 2}, {"reported_on": date(2025, 1, 11), "value": 8}],
                       width=200, height=100)

    first, last = chart.points
    assert (first.x, last.x) == (44, 188)  # the plot's left and right edges
    assert last.y == 10 and first.y == round(10 + 0.75 * 64, 1)  # 8 at the top, 2 a quarter of the way up
    assert [label for _, label in chart.y_ticks] == ["0", "4", "8"]
    assert [label for _, label in chart.x_ticks] == ["1 Jan 2025", "11 Jan 2025"]  # days as people read them


def test_a_chart_of_one_reading_sits_in_the_middle_and_no_numbers_means_no_chart():
    single = line_chart([{"reported_on": "2025-01-01", "value": 3.5}], width=200, height=100)

    assert single.points[0].x == 116
    assert line_chart([{"reported_on": "2025-01-01", "value": "many"}]) is None


def test_a_quoted_passage_is_found_where_the_script_said_or_else_where_it_first_occurs():
    assert passage(TEXT, "open our", "35", "43") == (35, 43)  # the second "open our", as selected
    assert passage(TEXT, "open our", "0", "3") == (8, 16)
    assert passage(TEXT, "closed", "", "") is None


def test_list_fields_of_knowledge_forms_split_on_commas_or_lines_and_join_back():
    body = as_lists({"title": "T", "tags": "a, b,,c", "steps": "one\n\ntwo\n"})

    assert body == {"title": "T", "tags": ["a", "b", "c"], "steps": ["one", "two"]}
    assert as_text(body) == {"title": "T", "tags": "a, b, c", "steps": "one\ntwo"}


def test_typed_readings_keep_whole_numbers_whole_and_refuse_words():
    assert (number("12"), number("3.5"), number("2.0"), number("twelve")) == (12, 3.5, 2.0, None)


def test_only_local_paths_are_followed_after_signing_in():
    assert safe_next("/drafts/1?x=2") == "/drafts/1?x=2"
    assert [safe_next(t) for t in ("//evil.example", "https://evil.example/", "/\\evil", None)] == ["/"] * 4


def test_code_words_read_as_words():
    assert humanise("it_policy_and_tools") == "It policy and tools"


def test_every_decision_the_moderation_log_keeps_is_named_in_words():
    logged = set(MODERATION_LOG) - {"ItemFlagged"} | {"PhotoRemoved"}  # a flag is not a decision; photos log apart

    assert set(ACTIONS) == logged

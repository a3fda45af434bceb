"""Every sentence a student can see from the exercise checker, in English and
Vietnamese, and the notebook-wide language setting.

Messages are ``str.format`` templates keyed by a short name; both languages
of one key must use the same placeholders (a test walks the table).
"""

from __future__ import annotations

from ..i18n import LANGS, get_lang, set_lang  # noqa: F401  (re-exported)
from ..i18n import resolve as check_lang


def pick(text, lang):
    """``text`` may be one string (used for every language) or {"en": .., "vi": ..}."""
    if text is None:
        return None
    if isinstance(text, dict):
        return text.get(lang) or text.get("en") or next(iter(text.values()))
    return str(text)


def msg(key, lang=None, **fields):
    lang = check_lang(lang)
    if "limit" in fields:  # a time limit in seconds, also spelled out for the sentence
        fields.setdefault("limit_text", seconds(fields["limit"], lang))
    if "memory" in fields:  # a memory limit in bytes, likewise
        fields.setdefault("memory_text", size(fields["memory"]))
    return MESSAGES[key][lang].format(**fields)


def seconds(value, lang=None):
    """A number of seconds as words: "5 seconds", "1 second", "0.5 seconds"; "5 giây"."""
    lang = check_lang(lang)
    if lang == "vi":
        return f"{value:g} giây"
    return f"{value:g} second" + ("" if value == 1 else "s")


def size(nbytes):
    """A number of bytes in binary units, as both languages write them: "1 GiB", "512 MiB"."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} B"


MESSAGES = {
    # ---- verdicts and layout
    "passed": {"en": "Passed", "vi": "Đạt"},
    "failed": {"en": "Not yet", "vi": "Chưa đạt"},
    "cases_passed": {
        "en": "all {n} random cases agree with the reference",
        "vi": "cả {n} trường hợp ngẫu nhiên đều khớp với đáp án",
    },
    "cases_passed_checks": {
        "en": "all {n} random cases pass",
        "vi": "cả {n} trường hợp ngẫu nhiên đều đạt",
    },
    "case_of": {"en": "Case {i} of {n}", "vi": "Trường hợp {i}/{n}"},
    "input": {"en": "input", "vi": "đầu vào"},
    "expected": {"en": "expected", "vi": "kết quả đúng"},
    "got": {"en": "got", "vi": "bạn trả về"},
    "hint": {"en": "Hint", "vi": "Gợi ý"},
    "printed": {"en": "your code printed", "vi": "mã của bạn đã in ra"},
    "printed_more": {"en": "(… {n} more characters)", "vi": "(… còn {n} ký tự nữa)"},
    "figure_note": {
        "en": "(in a notebook, the result also shows the two graphs side by side)",
        "vi": "(trong notebook, kết quả còn vẽ hai đồ thị cạnh nhau)",
    },
    "no_hint": {"en": "No hint for this exercise.", "vi": "Bài này không có gợi ý."},
    # ---- what kind of answer
    "need_function": {
        "en": "this exercise needs a function (it is called on fresh random inputs at every "
        "check, so a fixed value cannot pass); got {kind}",
        "vi": "bài này cần một hàm (hàm được gọi với đầu vào ngẫu nhiên mới ở mỗi lần kiểm "
        "tra, nên một giá trị cố định không thể đạt); bạn đưa vào {kind}",
    },
    "need_value": {
        "en": "this exercise needs a value, not a function: call your function and pass "
        "what it returns",
        "vi": "bài này cần một giá trị, không phải một hàm: hãy gọi hàm của bạn và đưa vào "
        "kết quả nó trả về",
    },
    # ---- what came back
    "none": {
        "en": "got None: the function returned nothing. Did you forget `return`?",
        "vi": "nhận được None: hàm không trả về gì. Bạn có quên `return` không?",
    },
    "answer_none": {
        "en": "got None instead of an answer. Did you forget `return` in the cell above?",
        "vi": "nhận được None thay vì câu trả lời. Bạn có quên `return` ở ô phía trên không?",
    },
    "non_numeric": {
        "en": "got {kind} ({text}), which is not a number or a tensor",
        "vi": "nhận được {kind} ({text}), không phải một số hay một tensor",
    },
    "nan": {
        "en": "the result contains nan (not a number) at {where}: look for 0/0, log of a "
        "negative number or inf - inf",
        "vi": "kết quả chứa nan (không phải số) tại {where}: hãy tìm 0/0, log của số âm "
        "hoặc inf - inf",
    },
    "inf": {"en": "the result contains inf at {where}", "vi": "kết quả chứa inf tại {where}"},
    "shape": {
        "en": "wrong shape: expected {expected}, got {got}",
        "vi": "sai kích thước: cần {expected}, nhận được {got}",
    },
    "structure": {"en": "expected {expected}, got {got}", "vi": "cần {expected}, nhận được {got}"},
    "wrong_value": {
        "en": "wrong value{at}: expected {expected}, got {got} (tolerance {tol})",
        "vi": "sai giá trị{at}: cần {expected}, nhận được {got} (sai số cho phép {tol})",
    },
    "at_index": {"en": " at index {index}", "vi": " tại chỉ số {index}"},
    "at_first_index": {
        "en": " at index {index} (the first of {n} wrong entries)",
        "vi": " tại chỉ số {index} (chỗ sai đầu tiên trong {n} chỗ sai)",
    },
    "tolerance": {
        "en": "{atol} + {rtol}·|expected|",
        "vi": "{atol} + {rtol}·|kết quả đúng|",
    },
    "kind_a": {"en": "a {type}", "vi": "một giá trị kiểu {type}"},
    "kind_an": {"en": "an {type}", "vi": "một giá trị kiểu {type}"},
    "kind_shaped": {"en": "a {type} of shape {shape}", "vi": "một {type} có kích thước {shape}"},
    "tuple_of": {"en": "a tuple of {n} values", "vi": "một bộ (tuple) gồm {n} giá trị"},
    "one_value": {"en": "one value", "vi": "một giá trị"},
    # ---- how the run went
    "raised": {
        "en": "your code raised {etype}: {emsg}",
        "vi": "mã của bạn gây lỗi {etype}: {emsg}",
    },
    "where": {"en": "(line {line}: `{code}`)", "vi": "(dòng {line}: `{code}`)"},
    "timeout": {
        "en": "your code hit the time limit of {limit_text} and was stopped before it "
        "finished: is there a loop that never ends for this input (a `while` whose "
        "condition stays true)?",
        "vi": "mã của bạn chạy quá giới hạn thời gian {limit_text} nên đã bị dừng trước khi "
        "xong: có vòng lặp nào không bao giờ kết thúc với đầu vào này không (một "
        "`while` có điều kiện luôn đúng)?",
    },
    "memory": {
        "en": "your code needed more memory than a check allows ({memory_text}) and was "
        "stopped before it finished: does a list or an array keep growing, or is one made "
        "far larger than the inputs need?",
        "vi": "mã của bạn cần nhiều bộ nhớ hơn mức một lần kiểm tra cho phép ({memory_text}) "
        "nên đã bị dừng trước khi xong: có danh sách hay mảng nào cứ lớn dần mãi, hoặc được "
        "tạo lớn hơn nhiều so với mức đầu vào cần không?",
    },
    "crashed": {
        "en": "your code ended the process that ran it ({how})",
        "vi": "mã của bạn đã làm dừng tiến trình chạy nó ({how})",
    },
    "unpicklable": {
        "en": "your function returned {kind}, which cannot be sent back for checking; "
        "return numbers or tensors",
        "vi": "hàm của bạn trả về {kind}, không thể gửi lại để kiểm tra; hãy trả về số hoặc tensor",
    },
    # ---- exercise 1
    "ex1_no_create_graph": {
        "en": "the value is right, but no backward pass was recorded: you wrote the "
        "derivative by hand. Compute it with backward(create_graph=True) (or "
        "av.grad(av.grad(f))) and differentiate the first gradient again",
        "vi": "giá trị đúng, nhưng không có lượt lan truyền ngược nào được ghi lại: bạn đã "
        "tự viết đạo hàm bằng tay. Hãy tính bằng backward(create_graph=True) (hoặc "
        "av.grad(av.grad(f))) rồi lấy đạo hàm của gradient thứ nhất thêm lần nữa",
    },
    "ex1_sizes": {
        "en": "the forward pass recorded {fwd} op nodes; the first backward, run with "
        "create_graph=True, recorded {bwd} more, so the second backward walks {total} "
        "nodes ({ratio:.1f}× the first). Every rule of the chain rule became ops of its "
        "own: that is why a second derivative costs more than the first",
        "vi": "lượt lan truyền xuôi ghi lại {fwd} nút phép toán; lượt lan truyền ngược thứ "
        "nhất, chạy với create_graph=True, ghi thêm {bwd} nút, nên lượt lan truyền ngược "
        "thứ hai phải "
        "đi qua {total} nút (gấp {ratio:.1f} lần lượt đầu). Mỗi quy tắc của quy tắc dây "
        "chuyền trở thành các phép toán riêng: đó là lý do đạo hàm bậc hai tốn kém hơn "
        "đạo hàm bậc nhất",
    },
    # ---- exercise 2
    "ex2_how": {
        "en": "pass the exception you caught (`except RuntimeError as e: ch.ex2.check(e)`) "
        "or a function that runs backward twice; got {kind}",
        "vi": "hãy đưa vào ngoại lệ bạn bắt được (`except RuntimeError as e: ch.ex2.check(e)`) "
        "hoặc một hàm chạy backward hai lần; bạn đưa vào {kind}",
    },
    "ex2_no_error": {
        "en": "your function ran without any error, so it does not show what happens. Run "
        "backward a second time on the same result without retain_graph=True "
        "(or ask a non-persistent GradientTape twice)",
        "vi": "hàm của bạn chạy không lỗi, nên chưa cho thấy điều gì xảy ra. Hãy gọi backward "
        "lần thứ hai trên cùng kết quả mà không có retain_graph=True (hoặc hỏi một "
        "GradientTape không persistent hai lần)",
    },
    "ex2_wrong_error": {
        "en": "{etype}: {emsg} is not the error of a second backward pass; it comes from "
        "something else in your code",
        "vi": "{etype}: {emsg} không phải lỗi của lượt lan truyền ngược thứ hai; nó đến từ chỗ "
        "khác trong mã của bạn",
    },
    "ex2_forged": {
        "en": "this {etype} was not raised by a backward pass (its traceback does not go "
        "through autograd_viz): catch the real error and pass that",
        "vi": "{etype} này không do lượt lan truyền ngược sinh ra (traceback của nó không đi qua "
        "autograd_viz): hãy bắt lỗi thật và đưa vào",
    },
    "ex2_right_torch": {
        "en": "right: the first backward freed the graph's intermediate values; a second "
        "one needs retain_graph=True on the first",
        "vi": "đúng: lượt lan truyền ngược đầu đã giải phóng các giá trị trung gian của đồ thị; "
        "muốn chạy lần hai cần retain_graph=True ở lần đầu",
    },
    "ex2_right_tf": {
        "en": "right: a non-persistent GradientTape answers one gradient() call; use "
        "GradientTape(persistent=True) to ask again",
        "vi": "đúng: GradientTape không persistent chỉ trả lời một lần gọi gradient(); dùng "
        "GradientTape(persistent=True) để hỏi lại",
    },
    # ---- exercise 3
    "ex3_not_tensor": {
        "en": "f(a) returned {kind}, not a tensor: keep the computation in tensors so it is "
        "recorded",
        "vi": "f(a) trả về {kind}, không phải tensor: hãy giữ phép tính trong tensor để nó "
        "được ghi lại",
    },
    "ex3_shape": {
        "en": "for a of shape {ashape}, f(a) has shape {dshape}: f should scale a by one "
        "number k and keep its shape (did you reduce it with sum/norm?)",
        "vi": "với a có kích thước {ashape}, f(a) có kích thước {dshape}: f nên nhân a với một "
        "số k và giữ nguyên kích thước (bạn có rút gọn bằng sum/norm không?)",
    },
    "ex3_value": {
        "en": "f(a) differs from the chapter's f: {detail}",
        "vi": "f(a) khác với hàm f của chương: {detail}",
    },
    "ex3_grad": {
        "en": "the gradient is not d / a elementwise: {detail}",
        "vi": "gradient không bằng d / a theo từng phần tử: {detail}",
    },
    "ex3_no_grad": {
        "en": "no gradient reached a: is part of f detached (detach(), .item(), numpy)?",
        "vi": "không có gradient nào về tới a: có phần nào của f bị tách khỏi đồ thị "
        "(detach(), .item(), numpy) không?",
    },
    "ex3_note": {
        "en": "f(a) = k·a with one number k for the whole tensor, so the gradient of "
        "sum(f(a)) is k everywhere, which is d / a",
        "vi": "f(a) = k·a với cùng một số k cho cả tensor, nên gradient của sum(f(a)) bằng k "
        "ở mọi phần tử, tức là d / a",
    },
    # ---- exercise 4
    "ex4_one_path": {
        "en": "on every random input your function ran the same operations, so no control "
        "flow that depends on the data was seen: add an `if` or `while` whose outcome "
        "depends on a",
        "vi": "với mọi đầu vào ngẫu nhiên, hàm của bạn đều chạy cùng các phép toán, nên không "
        "thấy luồng điều khiển nào phụ thuộc vào dữ liệu: hãy thêm `if` hoặc `while` có "
        "kết quả phụ thuộc vào a",
    },
    "ex4_no_control_flow": {
        "en": "your function has no `if`, `while` or conditional expression: the exercise asks "
        "for control flow that depends on the data",
        "vi": "hàm của bạn không có `if`, `while` hay biểu thức điều kiện: bài tập yêu cầu "
        "luồng điều khiển phụ thuộc vào dữ liệu",
    },
    "ex4_not_tensor": {
        "en": "f(a) returned {kind}: return a tensor computed from a",
        "vi": "f(a) trả về {kind}: hãy trả về một tensor được tính từ a",
    },
    "ex4_detached": {
        "en": "f(a) does not depend on a through recorded operations (its result has no "
        "gradient): did you use .detach(), .item(), float() or numpy inside?",
        "vi": "f(a) không phụ thuộc vào a qua các phép toán được ghi lại (kết quả không có "
        "gradient): bạn có dùng .detach(), .item(), float() hay numpy bên trong không?",
    },
    "ex4_gradcheck": {
        "en": "the gradient from backward disagrees with finite differences: {detail}",
        "vi": "gradient từ backward không khớp với sai phân hữu hạn: {detail}",
    },
    "ex4_paths": {
        "en": "over {n} random inputs your function took {k} different paths through its "
        "control flow",
        "vi": "qua {n} đầu vào ngẫu nhiên, hàm của bạn đi theo {k} nhánh khác nhau của luồng "
        "điều khiển",
    },
    "ex4_no_source": {
        "en": "(could not read your function's source, so its control flow was not inspected)",
        "vi": "(không đọc được mã nguồn của hàm, nên chưa kiểm tra luồng điều khiển)",
    },
    # ---- exercise 5
    "ex5_pair": {
        "en": "return a pair (f(x), df/dx); got {got}",
        "vi": "hãy trả về một cặp (f(x), df/dx); bạn trả về {got}",
    },
    "ex5_f": {"en": "f(x) is not sin(x): {detail}", "vi": "f(x) không phải sin(x): {detail}"},
    "ex5_df": {"en": "df/dx is wrong: {detail}", "vi": "df/dx sai: {detail}"},
    "ex5_cos": {
        "en": "the values are right, but you used cos ({where}); the exercise asks for the "
        "derivative without using f'(x) = cos(x): let backward compute it",
        "vi": "giá trị đúng, nhưng bạn đã dùng cos ({where}); bài tập yêu cầu tính đạo hàm mà "
        "không dùng f'(x) = cos(x): hãy để backward tính",
    },
    "ex5_no_backward": {
        "en": "the values are right, but df/dx is not a gradient that a backward pass in your "
        "code delivered to x: you wrote the derivative by hand. Call backward on sin(x) "
        "(or its sum) and return x.grad",
        "vi": "giá trị đúng, nhưng df/dx không phải gradient mà một lượt lan truyền ngược trong "
        "mã của bạn đưa về x: bạn đã tự viết đạo hàm bằng tay. Hãy gọi backward trên "
        "sin(x) (hoặc tổng của nó) rồi trả về x.grad",
    },
    "ex5_cos_graph": {
        "en": "a cos op in the graph of what you returned",
        "vi": "một phép cos trong đồ thị của kết quả bạn trả về",
    },
    "ex5_cos_calls": {"en": "{name} called {n}×", "vi": "{name} được gọi {n} lần"},
    # ---- quiz
    "mini_chain_comment": {
        "en": "{n} operations: v = v * Value(k) or v = v + Value(k), and v = v.relu() "
        "at every 10th",
        "vi": "{n} phép toán: v = v * Value(k) hoặc v = v + Value(k), và v = v.relu() "
        "ở mỗi phép thứ 10",
    },
    "quiz_title": {"en": "Fill in the gradients", "vi": "Điền các gradient"},
    "quiz_run_to_answer": {
        "en": "Run this cell to get the boxes to type your answers into.",
        "vi": "Hãy chạy ô này để hiện các ô nhập câu trả lời.",
    },
    "quiz_intro": {
        "en": "Each box asks for d{root}/d(node): how much {root} changes per unit change of "
        "that node. Work backwards from {root}, then press Check.",
        "vi": "Mỗi ô hỏi d{root}/d(nút): {root} thay đổi bao nhiêu khi nút đó tăng một đơn vị. "
        "Hãy đi ngược từ {root}, rồi bấm Kiểm tra.",
    },
    "quiz_intro_values": {
        "en": "First the forward pass: type the value of each op node, computed from its "
        "inputs. Then the backward pass: each d{root}/d(node) box asks how much {root} "
        "changes per unit change of that node; work backwards from {root}. Press Check.",
        "vi": "Trước hết là lượt lan truyền xuôi: nhập giá trị của mỗi nút phép toán, tính từ các "
        "đầu vào của nó. Sau đó là lượt lan truyền ngược: mỗi ô d{root}/d(nút) hỏi {root} "
        "thay đổi bao nhiêu khi nút đó tăng một đơn vị; hãy đi ngược từ {root}. Bấm "
        "Kiểm tra.",
    },
    "quiz_forward_part": {
        "en": "Forward pass: the values",
        "vi": "Lượt lan truyền xuôi: các giá trị",
    },
    "quiz_backward_part": {
        "en": "Backward pass: the gradients",
        "vi": "Lượt lan truyền ngược: các gradient",
    },
    "quiz_value_hint": {
        "en": "{row}: compute it from the values of its inputs",
        "vi": "{row}: hãy tính nó từ giá trị của các đầu vào",
    },
    "quiz_fill_in": {"en": "fill this in", "vi": "hãy điền ô này"},
    "quiz_not_number": {
        "en": "{text!r} is not a number: type one such as -2.5",
        "vi": "{text!r} không phải một số: hãy nhập một số, ví dụ -2,5",
    },
    "quiz_check": {"en": "Check", "vi": "Kiểm tra"},
    "quiz_value": {"en": "value", "vi": "giá trị"},
    "quiz_leaf": {"en": "input", "vi": "đầu vào"},
    "quiz_right": {"en": "right", "vi": "đúng"},
    "quiz_root_hint": {
        "en": "{root} changes exactly as much as itself: d{root}/d{root} = 1",
        "vi": "{root} thay đổi đúng bằng chính nó: d{root}/d{root} = 1",
    },
    "quiz_sum_hint": {
        "en": "{node} is used {n} times; add one term per use: {terms}",
        "vi": "{node} được dùng {n} lần; cộng một số hạng cho mỗi lần dùng: {terms}",
    },
    "quiz_one_hint": {"en": "d{root}/d{node} = {terms}", "vi": "d{root}/d{node} = {terms}"},
    "quiz_score": {"en": "{right} of {n} right", "vi": "đúng {right}/{n}"},
    "quiz_draw_fallback": {
        "en": "(diagram not available here; the table lists the same graph in run order)",
        "vi": "(không có sơ đồ ở đây; bảng liệt kê cùng đồ thị theo thứ tự tính)",
    },
    # ---- answers given as a dict of named values
    "entries_need_dict": {
        "en": "give a dict with the keys {keys}; got {kind}",
        "vi": "hãy đưa vào một dict với các khóa {keys}; bạn đưa vào {kind}",
    },
    "entries_unknown": {
        "en": "unknown key(s) {names}: the keys are {keys}",
        "vi": "khóa không hợp lệ {names}: các khóa cần có là {keys}",
    },
    "entries_missing": {
        "en": "missing entries: {names} (the keys are {keys})",
        "vi": "còn thiếu: {names} (các khóa cần có là {keys})",
    },
    "entries_wrong": {
        "en": "{n} of {total} entries are not right yet: {names}",
        "vi": "{n}/{total} mục chưa đúng: {names}",
    },
    "entry_not_right": {"en": "{got} is not right", "vi": "{got} chưa đúng"},
    "entries_right": {"en": "all {n} entries are right", "vi": "cả {n} mục đều đúng"},
    # ---- manual tracing
    "mt_q": {
        "en": "q is the + node: add its inputs, x = {x} and y = {y}",
        "vi": "q là nút +: cộng các đầu vào của nó, x = {x} và y = {y}",
    },
    "mt_f": {
        "en": "f is the × node: multiply its inputs, q and z = {z}",
        "vi": "f là nút ×: nhân các đầu vào của nó, q và z = {z}",
    },
    "mt_f_after_q": {
        "en": "f = q·z is computed from q: fix q first",
        "vi": "f = q·z được tính từ q: hãy sửa q trước",
    },
    "mt_dz": {
        "en": "look at the × node f = q·z: its local derivative with respect to z is its "
        "other input, q (and df/df = 1 arrives from above)",
        "vi": "hãy xem nút × f = q·z: đạo hàm cục bộ của nó theo z là đầu vào còn lại, q "
        "(và df/df = 1 đi xuống từ phía trên)",
    },
    "mt_dxy": {
        "en": "df/d{var} = ∂f/∂q · ∂q/∂{var}: look at the × node (it sends ∂f/∂q = z to q) "
        "and then the + node q = x + y (its local derivative ∂q/∂{var} is 1)",
        "vi": "df/d{var} = ∂f/∂q · ∂q/∂{var}: hãy xem nút × (nó gửi ∂f/∂q = z về q) rồi "
        "nút + q = x + y (đạo hàm cục bộ ∂q/∂{var} của nó bằng 1)",
    },
    "mt_forgot_upstream": {
        "en": "1 is only the + node's local derivative ∂q/∂{var}; multiply it by the gradient "
        "that reached q from the × node, ∂f/∂q = z = {z}",
        "vi": "1 chỉ là đạo hàm cục bộ ∂q/∂{var} của nút +; hãy nhân nó với gradient đi tới "
        "q từ nút ×, ∂f/∂q = z = {z}",
    },
    "mt_sign": {
        "en": "the size is right but the sign is not: look at the sign of z in df/d{var} = z · 1",
        "vi": "độ lớn đúng nhưng dấu sai: hãy xem dấu của z trong df/d{var} = z · 1",
    },
    # ---- detach
    "dc_pair": {
        "en": "return a pair (gradient with the detached u, gradient of y); got {got}",
        "vi": "hãy trả về một cặp (gradient khi dùng u đã tách, gradient của y); bạn trả về {got}",
    },
    "dc_same": {
        "en": "both values are the same tensor: x.grad was returned twice, and the second "
        "backward changed it. Keep a copy of the first gradient (x.grad.detach(), "
        "x.grad.clone(), tf.identity) before the second backward",
        "vi": "hai giá trị là cùng một tensor: x.grad được trả về hai lần, và lượt lan truyền "
        "ngược thứ hai đã đổi nó. Hãy giữ một bản sao của gradient đầu (x.grad.detach(), "
        "x.grad.clone(), tf.identity) trước lượt lan truyền ngược thứ hai",
    },
    "dc_not_detached": {
        "en": "the first gradient is 3x²: y was not detached, so z = y·x = x³. With "
        "u = y.detach() the graph of z sees u as a constant and dz/dx = u = x²",
        "vi": "gradient đầu bằng 3x²: y chưa được tách, nên z = y·x = x³. Với u = y.detach() "
        "đồ thị của z coi u là hằng số và dz/dx = u = x²",
    },
    "dc_freed": {
        "en": "the backward pass of y found its graph already freed by the first backward: "
        "the graph of z still contains y's operations, so y was not detached. Use "
        "u = y.detach() and z = u * x",
        "vi": "lượt lan truyền ngược của y thấy đồ thị của nó đã bị lượt lan truyền ngược đầu giải "
        "phóng: đồ thị của z vẫn chứa các phép toán của y, tức là y chưa được tách. Hãy "
        "dùng u = y.detach() và z = u * x",
    },
    "dc_first": {
        "en": "the first gradient is not u = x·x: {detail}",
        "vi": "gradient đầu không bằng u = x·x: {detail}",
    },
    "dc_no_second": {
        "en": "the second value is None: run a backward pass of y (y.sum().backward()) and "
        "return x.grad; y itself was not detached, so its graph is still there",
        "vi": "giá trị thứ hai là None: hãy chạy lượt lan truyền ngược của y (y.sum().backward()) "
        "rồi trả về x.grad; bản thân y không bị tách, nên đồ thị của nó vẫn còn",
    },
    "dc_accumulated": {
        "en": "the second gradient is x² + 2x: x.grad still held the first gradient, and "
        "backward adds to it. Zero it (x.grad.zero_()) before y.sum().backward()",
        "vi": "gradient thứ hai bằng x² + 2x: x.grad vẫn còn giữ gradient đầu, và backward "
        "cộng thêm vào. Hãy đặt về 0 (x.grad.zero_()) trước y.sum().backward()",
    },
    "dc_zero_second": {
        "en": "the second gradient is 0: did the backward pass of y run after x.grad was "
        "zeroed? y = x·x was not detached, so d sum(y)/dx = 2x",
        "vi": "gradient thứ hai bằng 0: lượt lan truyền ngược của y có chạy sau khi x.grad được "
        "đặt về 0 không? y = x·x không bị tách, nên d sum(y)/dx = 2x",
    },
    "dc_second": {
        "en": "the second gradient is not 2x: {detail}",
        "vi": "gradient thứ hai không bằng 2x: {detail}",
    },
    "dc_by_hand": {
        "en": "the values are right, but {which} is not a gradient that a backward pass in "
        "your code delivered to x: compute both with backward (or your framework's "
        "gradient call), not by hand",
        "vi": "giá trị đúng, nhưng {which} không phải gradient mà một lượt lan truyền ngược trong "
        "mã của bạn đưa về x: hãy tính cả hai bằng backward (hoặc lệnh tính gradient "
        "của framework), không tính bằng tay",
    },
    # ---- tracking off
    "tr_to_numpy": {
        "en": "you returned {kind}: compute y with your framework's tensors while tracking "
        "is off (a numpy value has no graph, but the exercise is about turning "
        "tracking off)",
        "vi": "bạn trả về {kind}: hãy tính y bằng tensor của framework khi đã tắt ghi đồ thị "
        "(một giá trị numpy không có đồ thị, nhưng bài tập là về việc tắt ghi)",
    },
    "tr_not_tensor": {
        "en": "you returned {kind}, not a tensor",
        "vi": "bạn trả về {kind}, không phải tensor",
    },
    "tr_tracked": {
        "en": "y was recorded: it requires a gradient and remembers how it was computed. "
        "Turn tracking off around the computation: torch.no_grad() / av.no_grad(), no "
        "open tf.GradientTape (or tape.stop_recording()), autograd.pause() in MXNet, a "
        "plain call in JAX",
        "vi": "y đã được ghi lại: nó cần gradient và nhớ cách nó được tính. Hãy tắt ghi đồ thị "
        "quanh phép tính: torch.no_grad() / av.no_grad(), không có tf.GradientTape nào "
        "mở (hoặc tape.stop_recording()), autograd.pause() trong MXNet, gọi hàm bình "
        "thường trong JAX",
    },
    "tr_recorded_then_cut": {
        "en": "y carries no gradient, but {n} operation(s) were recorded on the way and then "
        "cut off (detach / stop_gradient): turn tracking off before computing, so "
        "nothing is recorded at all",
        "vi": "y không mang gradient, nhưng {n} phép toán đã được ghi lại trên đường đi rồi "
        "mới bị cắt (detach / stop_gradient): hãy tắt ghi đồ thị trước khi tính, để "
        "không có gì được ghi lại",
    },
    "tr_left_off": {
        "en": "tracking was still off after your function returned: use a `with` block "
        "(with torch.no_grad(): ...) so it is switched back on",
        "vi": "việc ghi đồ thị vẫn còn tắt sau khi hàm của bạn trả về: hãy dùng khối `with` "
        "(with torch.no_grad(): ...) để nó được bật lại",
    },
    "tr_value": {
        "en": "y is not 2·dot(x, x): {detail}",
        "vi": "y không bằng 2·dot(x, x): {detail}",
    },
    # ---- dependency graph
    "dg_outside": {
        "en": "f(x) returned {kind}: it was computed outside the framework (numpy floats "
        "have no graph). Use your framework's log, sin and operators on x",
        "vi": "f(x) trả về {kind}: nó được tính bên ngoài framework (số thực numpy không có "
        "đồ thị). Hãy dùng log, sin và các phép toán của framework trên x",
    },
    "dg_no_graph": {
        "en": "f(x) is a tensor with no recorded graph: it was computed outside the framework "
        "(numpy, float(), .item()) or with tracking off, and then wrapped as a tensor",
        "vi": "f(x) là một tensor không có đồ thị được ghi lại: nó được tính bên ngoài "
        "framework (numpy, float(), .item()) hoặc khi tắt ghi, rồi mới gói thành tensor",
    },
    "dg_leaves": {
        "en": "the graph of f(x) starts from {n} values that require a gradient; it should "
        "start from x alone (use the x you are given, or one tensor made from it)",
        "vi": "đồ thị của f(x) bắt đầu từ {n} giá trị cần gradient; nó chỉ nên bắt đầu từ x "
        "(hãy dùng x được đưa vào, hoặc một tensor tạo từ nó)",
    },
    "dg_shape": {
        "en": "your graph is not the formula's: {detail}. Your graph computes {mine}; the "
        "formula is {formula}",
        "vi": "đồ thị của bạn khác đồ thị của công thức: {detail}. Đồ thị của bạn tính "
        "{mine}; công thức là {formula}",
    },
    "dg_missing": {"en": "missing {ops}", "vi": "thiếu {ops}"},
    "dg_extra": {"en": "extra {ops}", "vi": "thừa {ops}"},
    "dg_rewired": {
        "en": "it has the same operations, connected differently",
        "vi": "nó có đúng các phép toán đó, nhưng nối với nhau khác đi",
    },
    "dg_outside_part": {
        "en": "part of it is a constant array where the formula has x (computed outside the "
        "framework, or detached)",
        "vi": "một phần của nó là mảng hằng ở chỗ công thức có x (được tính bên ngoài "
        "framework, hoặc đã bị tách)",
    },
    "dg_value": {"en": "f(x) is wrong: {detail}", "vi": "f(x) sai: {detail}"},
    "dg_slope": {
        "en": "df/dx from your graph is wrong: {detail}",
        "vi": "df/dx từ đồ thị của bạn sai: {detail}",
    },
    "dg_yours": {"en": "your graph", "vi": "đồ thị của bạn"},
    "dg_formula": {"en": "the formula's graph", "vi": "đồ thị của công thức"},
    # ---- forward and reverse
    "fr_no_forward_mode": {
        "en": "this version of autograd_viz has no forward mode (no sweep counters): "
        "update the package",
        "vi": "phiên bản autograd_viz này chưa có chế độ xuôi (không có bộ đếm lượt): hãy "
        "cập nhật gói",
    },
    "fr_pair": {
        "en": "return a pair (d_forward, d_reverse); got {got}",
        "vi": "hãy trả về một cặp (d_forward, d_reverse); bạn trả về {got}",
    },
    "fr_wrong": {
        "en": "{which} is not df/dx: {detail}",
        "vi": "{which} không bằng df/dx: {detail}",
    },
    "fr_same_object": {
        "en": "both values are one and the same tensor: you returned one result twice "
        "(the engine saw {fwd} forward-mode and {rev} reverse-mode passes). Return the "
        "forward-mode tangent and the reverse-mode gradient",
        "vi": "hai giá trị là cùng một tensor: bạn trả về một kết quả hai lần (lõi tính toán thấy "
        "{fwd} lượt chế độ xuôi và {rev} lượt chế độ ngược). Hãy trả về tiếp tuyến của "
        "chế độ xuôi và gradient của chế độ ngược",
    },
    "fr_no_pass": {
        "en": "the engine saw no forward-mode and no reverse-mode pass: the derivative was "
        "written by hand or by finite differences",
        "vi": "lõi tính toán không thấy lượt chế độ xuôi hay chế độ ngược nào: đạo hàm được viết "
        "bằng tay hoặc bằng sai phân hữu hạn",
    },
    "fr_reverse_twice": {
        "en": "both values came from reverse mode: the engine saw {rev} reverse-mode "
        "pass(es) and no forward-mode pass, so a reverse result was returned twice. "
        "Compute d_forward by forward mode (av.jvp, torch.func.jvp, "
        "tf.autodiff.ForwardAccumulator, jax.jvp)",
        "vi": "cả hai giá trị đều đến từ chế độ ngược: lõi tính toán thấy {rev} lượt chế độ "
        "ngược và không lượt chế độ xuôi nào, tức là một kết quả ngược được trả về hai lần. Hãy "
        "tính d_forward bằng chế độ xuôi (av.jvp, torch.func.jvp, "
        "tf.autodiff.ForwardAccumulator, jax.jvp)",
    },
    "fr_forward_twice": {
        "en": "both values came from forward mode: the engine saw {fwd} forward-mode pass(es) "
        "and no reverse-mode pass. Compute d_reverse by reverse mode (backward, "
        "tape.gradient, jax.grad)",
        "vi": "cả hai giá trị đều đến từ chế độ xuôi: lõi tính toán thấy {fwd} lượt chế độ xuôi và "
        "không lượt chế độ ngược nào. Hãy tính d_reverse bằng chế độ ngược (backward, "
        "tape.gradient, jax.grad)",
    },
    "fr_counts": {
        "en": "the engine saw {fwd} forward-mode and {rev} reverse-mode pass(es) per call: "
        "for one input and one output, one of either mode gives the whole derivative",
        "vi": "lõi tính toán thấy {fwd} lượt chế độ xuôi và {rev} lượt chế độ ngược mỗi lần "
        "gọi: với một đầu vào và một đầu ra, một lượt của chế độ nào cũng cho cả đạo hàm",
    },
    # ---- the worked example of the backpropagation section
    "we_sign": {
        "en": "the numbers are right but the sign is flipped: dL/do = o − y, and here "
        "o − y is negative",
        "vi": "các số đúng nhưng dấu bị đảo: dL/do = o − y, và ở đây o − y âm",
    },
    "we_dW2": {
        "en": "look at the last matmul o = W2 h: it sends dL/do · hᵀ to W2, with dL/do = o − y",
        "vi": "hãy xem phép nhân ma trận cuối o = W2 h: nó gửi dL/do · hᵀ về W2, với dL/do = o − y",
    },
    "we_dh": {
        "en": "look at the matmul o = W2 h: it sends W2ᵀ · dL/do to h",
        "vi": "hãy xem phép nhân ma trận o = W2 h: nó gửi W2ᵀ · dL/do về h",
    },
    "we_dz_no_gate": {
        "en": "that is dh itself: the relu node h = relu(z) multiplies by its local derivative, "
        "0 where z < 0 and 1 where z > 0 (z = {z})",
        "vi": "đó chính là dh: nút relu h = relu(z) nhân với đạo hàm cục bộ của nó, bằng 0 khi "
        "z < 0 và 1 khi z > 0 (z = {z})",
    },
    "we_dz": {
        "en": "look at the relu node h = relu(z): dz = dh ⊙ relu'(z)",
        "vi": "hãy xem nút relu h = relu(z): dz = dh ⊙ relu'(z)",
    },
    "we_dW1_transposed": {
        "en": "transposed: dW1 = dz · xᵀ has W1's layout, row i belongs to z_i",
        "vi": "bị chuyển vị: dW1 = dz · xᵀ có bố cục của W1, hàng i ứng với z_i",
    },
    "we_dW1_dh": {
        "en": "you used dh where dz belongs: the gradient reaches W1 through the relu, so "
        "dW1 = dz · xᵀ",
        "vi": "bạn đã dùng dh ở chỗ cần dz: gradient tới W1 phải đi qua relu, nên dW1 = dz · xᵀ",
    },
    "we_dW1_after_dz": {
        "en": "dW1 = dz · xᵀ is built from dz: fix dz first",
        "vi": "dW1 = dz · xᵀ được tính từ dz: hãy sửa dz trước",
    },
    "we_dW1": {
        "en": "look at the first matmul z = W1 x: it sends dz · xᵀ to W1",
        "vi": "hãy xem phép nhân ma trận đầu z = W1 x: nó gửi dz · xᵀ về W1",
    },
    # ---- your own engine
    "mini_need_class": {
        "en": "pass your Value class itself (bp.mini_engine.check(Value)); got {kind}",
        "vi": "hãy đưa vào chính lớp Value của bạn (bp.mini_engine.check(Value)); bạn đưa "
        "vào {kind}",
    },
    "mini_missing": {
        "en": "your class has no {names}: the check builds expressions with +, *, .relu() "
        "and calls .backward()",
        "vi": "lớp của bạn chưa có {names}: bài kiểm tra dựng biểu thức bằng +, *, .relu() "
        "và gọi .backward()",
    },
    "mini_case_basic": {"en": "no value used twice", "vi": "không giá trị nào dùng hai lần"},
    "mini_case_reused": {"en": "a value used twice", "vi": "một giá trị được dùng hai lần"},
    "mini_case_diamond": {
        "en": "a diamond (one value reaches L along two paths)",
        "vi": "một hình thoi (một giá trị tới L theo hai đường)",
    },
    "mini_case_relu": {"en": "relu at a negative input", "vi": "relu tại đầu vào âm"},
    "mini_case_chain": {
        "en": "a long chain ({n} operations)",
        "vi": "một chuỗi dài ({n} phép toán)",
    },
    "mini_missing_numbers": {
        "en": "your class has no {names}: this check also puts plain numbers on the left "
        "(2 * v, 1 + v), which Python hands to __rmul__ / __radd__",
        "vi": "lớp của bạn chưa có {names}: bài kiểm tra này còn đặt số thường ở bên trái "
        "(2 * v, 1 + v), và Python chuyển chúng cho __rmul__ / __radd__",
    },
    "mini_case_numbers": {"en": "plain numbers mixed in", "vi": "trộn số thường"},
    "mini_case_random": {"en": "a random expression", "vi": "một biểu thức ngẫu nhiên"},
    "mini_passed": {
        "en": "your engine agrees with autograd_viz, value and gradient of every node, on "
        "{n} expressions: {cases}; and {randoms} random ones",
        "vi": "lõi của bạn khớp với autograd_viz, cả giá trị lẫn gradient của mọi nút, "
        "trên {n} biểu thức: {cases}; và {randoms} biểu thức ngẫu nhiên",
    },
    "mini_forward": {
        "en": "the forward value of `{line}` is wrong: expected {expected}, got {got}",
        "vi": "giá trị xuôi của `{line}` sai: cần {expected}, nhận được {got}",
    },
    "mini_grad_nan": {
        "en": "{name}.grad is not a number after backward (None?): start every .grad at 0",
        "vi": "{name}.grad không phải là số sau backward (None?): hãy khởi tạo mọi .grad bằng 0",
    },
    "mini_no_seed": {
        "en": "every gradient is 0, {root}.grad too: backward() never set the seed. Start "
        "with {root}.grad = 1 (d{root}/d{root}), then walk back",
        "vi": "mọi gradient đều bằng 0, cả {root}.grad: backward() chưa đặt giá trị khởi đầu. "
        "Hãy bắt đầu với {root}.grad = 1 (d{root}/d{root}), rồi đi ngược",
    },
    "mini_stuck": {
        "en": "only the inputs of the last operation received gradients; everything "
        "further back is 0. backward() must visit every node, from {root} back to the "
        "inputs (reverse topological order), not just {root} (or the order the other "
        "way round)",
        "vi": "chỉ các đầu vào của phép toán cuối nhận được gradient; mọi thứ phía sau đều "
        "bằng 0. backward() phải đi qua mọi nút, từ {root} ngược về các đầu vào (thứ tự "
        "tô-pô ngược), không chỉ {root} (hoặc đi theo chiều ngược lại)",
    },
    "mini_seed_value": {
        "en": "{root}.grad is {got} after backward; it should be 1 (d{root}/d{root})",
        "vi": "{root}.grad bằng {got} sau backward; nó phải bằng 1 (d{root}/d{root})",
    },
    "mini_relu_pass": {
        "en": "relu let the gradient through where its input was negative: relu's local "
        "derivative is 1 where the input is > 0 and 0 elsewhere",
        "vi": "relu vẫn cho gradient đi qua khi đầu vào âm: đạo hàm cục bộ của relu bằng 1 "
        "khi đầu vào > 0 và bằng 0 ở các chỗ khác",
    },
    "mini_relu_value": {
        "en": "relu multiplied the gradient by its output value: its local derivative is 1 "
        "where the input is > 0 (whatever the value) and 0 elsewhere",
        "vi": "relu đã nhân gradient với giá trị đầu ra của nó: đạo hàm cục bộ của nó bằng 1 "
        "khi đầu vào > 0 (dù giá trị là bao nhiêu) và bằng 0 ở các chỗ khác",
    },
    "mini_assign": {
        "en": "{name} is used {n} times but its gradient holds one contribution only: "
        "`=` instead of `+=` in backward. Each use adds its part: "
        "self.grad += local derivative × out.grad",
        "vi": "{name} được dùng {n} lần nhưng gradient của nó chỉ giữ một phần đóng góp: "
        "dùng `=` thay cho `+=` trong backward. Mỗi lần dùng cộng thêm phần của nó: "
        "self.grad += đạo hàm cục bộ × out.grad",
    },
    "mini_topo": {
        "en": "{name} is used {n} times, and what lies below it got the wrong gradient: "
        "{how}. Visit the nodes in reverse topological order (build the order first, "
        "then walk it backwards), each node once",
        "vi": "{name} được dùng {n} lần, và các nút phía dưới nó nhận sai gradient: {how}. "
        "Hãy đi qua các nút theo thứ tự tô-pô ngược (dựng thứ tự trước, rồi duyệt "
        "ngược), mỗi nút một lần",
    },
    "mini_topo_partial": {
        "en": "only a part of it, because {name} passed its gradient on before all its uses "
        "had sent theirs",
        "vi": "chỉ một phần của nó, vì {name} đã chuyển gradient đi trước khi mọi lần dùng "
        "gửi phần của chúng về",
    },
    "mini_topo_twice": {
        "en": "too much, because {name} passed its gradient on more than once (once for "
        "each time it was reached), a partial one first",
        "vi": "quá nhiều, vì {name} đã chuyển gradient đi nhiều lần (mỗi lần được tới một "
        "lần), lần đầu chỉ là một phần",
    },
    "mini_wrong_grad": {
        "en": "{name}.grad is {got}, expected {expected}: look at the backward rule of the "
        "operation(s) that use {name} ({line})",
        "vi": "{name}.grad bằng {got}, cần {expected}: hãy xem quy tắc lan truyền ngược của "
        "(các) phép toán dùng {name} ({line})",
    },
    "mini_recursion": {
        "en": "your backward is recursive, and a chain of {n} operations is deeper than "
        "Python's recursion limit ({limit}): build the topological order with a loop "
        "and an explicit stack instead.",
        "vi": "backward của bạn dùng đệ quy, và một chuỗi {n} phép toán sâu hơn giới hạn "
        "đệ quy của Python ({limit}): hãy dựng thứ tự tô-pô bằng vòng lặp và một ngăn "
        "xếp tường minh.",
    },
    "mini_crash_chain": {
        "en": "the process running your engine died on a chain of {n} operations, most likely "
        "deep recursion overflowing the stack: walk the graph with a loop instead.",
        "vi": "tiến trình chạy lõi của bạn đã dừng với một chuỗi {n} phép toán, nhiều khả "
        "năng do đệ quy sâu làm tràn ngăn xếp: hãy duyệt đồ thị bằng vòng lặp.",
    },
    "mini_numbers": {
        "en": "this case mixes plain numbers into the expressions (2 * v, v + 1): wrap a "
        "number in Value inside __add__/__mul__ and define __radd__ and __rmul__.",
        "vi": "trường hợp này trộn số thường vào biểu thức (2 * v, v + 1): hãy gói số vào "
        "Value trong __add__/__mul__ và định nghĩa __radd__ và __rmul__.",
    },
    "mini_timeout": {
        "en": "(a backward that revisits shared nodes without remembering which it has seen "
        "takes exponential time on graphs with reuse)",
        "vi": "(một backward duyệt lại các nút dùng chung mà không nhớ nút nào đã đi qua sẽ "
        "tốn thời gian hàm mũ trên đồ thị có dùng lại)",
    },
}

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
    if "limit" in fields:       # a time limit in seconds, also spelled out for the sentence
        fields.setdefault("limit_text", seconds(fields["limit"], lang))
    return MESSAGES[key][lang].format(**fields)


def seconds(value, lang=None):
    """A number of seconds as words: "5 seconds", "1 second", "0.5 seconds"; "5 giây"."""
    lang = check_lang(lang)
    if lang == "vi":
        return f"{value:g} giây"
    return f"{value:g} second" + ("" if value == 1 else "s")


MESSAGES = {
    # ---- verdicts and layout
    "passed": {"en": "Passed", "vi": "Đạt"},
    "failed": {"en": "Not yet", "vi": "Chưa đạt"},
    "cases_passed": {"en": "all {n} random cases agree with the reference",
                     "vi": "cả {n} trường hợp ngẫu nhiên đều khớp với đáp án"},
    "cases_passed_checks": {"en": "all {n} random cases pass",
                            "vi": "cả {n} trường hợp ngẫu nhiên đều đạt"},
    "case_of": {"en": "Case {i} of {n}", "vi": "Trường hợp {i}/{n}"},
    "input": {"en": "input", "vi": "đầu vào"},
    "expected": {"en": "expected", "vi": "kết quả đúng"},
    "got": {"en": "got", "vi": "bạn trả về"},
    "hint": {"en": "Hint", "vi": "Gợi ý"},
    "printed": {"en": "your code printed", "vi": "mã của bạn đã in ra"},
    "printed_more": {"en": "(… {n} more characters)", "vi": "(… còn {n} ký tự nữa)"},
    "no_hint": {"en": "No hint for this exercise.", "vi": "Bài này không có gợi ý."},
    # ---- what kind of answer
    "need_function": {
        "en": "this exercise needs a function (it is called on fresh random inputs at every "
              "check, so a fixed value cannot pass); got {kind}",
        "vi": "bài này cần một hàm (hàm được gọi với đầu vào ngẫu nhiên mới ở mỗi lần kiểm "
              "tra, nên một giá trị cố định không thể đạt); bạn đưa vào {kind}"},
    "need_value": {
        "en": "this exercise needs a value, not a function: call your function and pass "
              "what it returns",
        "vi": "bài này cần một giá trị, không phải một hàm: hãy gọi hàm của bạn và đưa vào "
              "kết quả nó trả về"},
    # ---- what came back
    "none": {
        "en": "got None: the function returned nothing. Did you forget `return`?",
        "vi": "nhận được None: hàm không trả về gì. Bạn có quên `return` không?"},
    "answer_none": {
        "en": "got None instead of an answer. Did you forget `return` in the cell above?",
        "vi": "nhận được None thay vì câu trả lời. Bạn có quên `return` ở ô phía trên không?"},
    "non_numeric": {
        "en": "got {kind} ({text}), which is not a number or a tensor",
        "vi": "nhận được {kind} ({text}), không phải một số hay một tensor"},
    "nan": {
        "en": "the result contains nan (not a number) at {where}: look for 0/0, log of a "
              "negative number or inf - inf",
        "vi": "kết quả chứa nan (không phải số) tại {where}: hãy tìm 0/0, log của số âm "
              "hoặc inf - inf"},
    "inf": {"en": "the result contains inf at {where}", "vi": "kết quả chứa inf tại {where}"},
    "shape": {
        "en": "wrong shape: expected {expected}, got {got}",
        "vi": "sai kích thước: cần {expected}, nhận được {got}"},
    "structure": {
        "en": "expected {expected}, got {got}",
        "vi": "cần {expected}, nhận được {got}"},
    "wrong_value": {
        "en": "wrong value{at}: expected {expected}, got {got} (tolerance {tol})",
        "vi": "sai giá trị{at}: cần {expected}, nhận được {got} (sai số cho phép {tol})"},
    "at_index": {"en": " at index {index}", "vi": " tại chỉ số {index}"},
    "kind_a": {"en": "a {type}", "vi": "một giá trị kiểu {type}"},
    "kind_an": {"en": "an {type}", "vi": "một giá trị kiểu {type}"},
    "kind_shaped": {"en": "a {type} of shape {shape}",
                    "vi": "một {type} có kích thước {shape}"},
    "tuple_of": {"en": "a tuple of {n} values", "vi": "một bộ (tuple) gồm {n} giá trị"},
    "one_value": {"en": "one value", "vi": "một giá trị"},
    # ---- how the run went
    "raised": {
        "en": "your code raised {etype}: {emsg}",
        "vi": "mã của bạn gây lỗi {etype}: {emsg}"},
    "where": {"en": "(line {line}: `{code}`)", "vi": "(dòng {line}: `{code}`)"},
    "timeout": {
        "en": "your code hit the time limit of {limit_text} and was stopped before it "
              "finished: is there a loop that never ends for this input (a `while` whose "
              "condition stays true)?",
        "vi": "mã của bạn chạy quá giới hạn thời gian {limit_text} nên đã bị dừng trước khi "
              "xong: có vòng lặp nào không bao giờ kết thúc với đầu vào này không (một "
              "`while` có điều kiện luôn đúng)?"},
    "crashed": {
        "en": "your code ended the process that ran it ({how})",
        "vi": "mã của bạn đã làm dừng tiến trình chạy nó ({how})"},
    "unpicklable": {
        "en": "your function returned {kind}, which cannot be sent back for checking; "
              "return numbers or tensors",
        "vi": "hàm của bạn trả về {kind}, không thể gửi lại để kiểm tra; hãy trả về số "
              "hoặc tensor"},
    # ---- exercise 1
    "ex1_no_create_graph": {
        "en": "the value is right, but no backward pass was recorded: you wrote the "
              "derivative by hand. Compute it with backward(create_graph=True) (or "
              "av.grad(av.grad(f))) and differentiate the first gradient again",
        "vi": "giá trị đúng, nhưng không có lượt lan truyền ngược nào được ghi lại: bạn đã "
              "tự viết đạo hàm bằng tay. Hãy tính bằng backward(create_graph=True) (hoặc "
              "av.grad(av.grad(f))) rồi lấy đạo hàm của gradient thứ nhất thêm lần nữa"},
    "ex1_sizes": {
        "en": "the forward pass recorded {fwd} op nodes; the first backward, run with "
              "create_graph=True, recorded {bwd} more, so the second backward walks {total} "
              "nodes ({ratio:.1f}× the first). Every rule of the chain rule became ops of its "
              "own: that is why a second derivative costs more than the first",
        "vi": "lượt truyền xuôi ghi lại {fwd} nút phép toán; lượt truyền ngược thứ nhất, chạy "
              "với create_graph=True, ghi thêm {bwd} nút, nên lượt truyền ngược thứ hai phải "
              "đi qua {total} nút (gấp {ratio:.1f} lần lượt đầu). Mỗi quy tắc của quy tắc dây "
              "chuyền trở thành các phép toán riêng: đó là lý do đạo hàm bậc hai tốn kém hơn "
              "đạo hàm bậc nhất"},
    # ---- exercise 2
    "ex2_how": {
        "en": "pass the exception you caught (`except RuntimeError as e: ch.ex2.check(e)`) "
              "or a function that runs backward twice; got {kind}",
        "vi": "hãy đưa vào ngoại lệ bạn bắt được (`except RuntimeError as e: ch.ex2.check(e)`) "
              "hoặc một hàm chạy backward hai lần; bạn đưa vào {kind}"},
    "ex2_no_error": {
        "en": "your function ran without any error, so it does not show what happens. Run "
              "backward a second time on the same result without retain_graph=True "
              "(or ask a non-persistent GradientTape twice)",
        "vi": "hàm của bạn chạy không lỗi, nên chưa cho thấy điều gì xảy ra. Hãy gọi backward "
              "lần thứ hai trên cùng kết quả mà không có retain_graph=True (hoặc hỏi một "
              "GradientTape không persistent hai lần)"},
    "ex2_wrong_error": {
        "en": "{etype}: {emsg} is not the error of a second backward pass; it comes from "
              "something else in your code",
        "vi": "{etype}: {emsg} không phải lỗi của lượt truyền ngược thứ hai; nó đến từ chỗ "
              "khác trong mã của bạn"},
    "ex2_forged": {
        "en": "this {etype} was not raised by a backward pass (its traceback does not go "
              "through autograd_viz): catch the real error and pass that",
        "vi": "{etype} này không do lượt truyền ngược sinh ra (traceback của nó không đi qua "
              "autograd_viz): hãy bắt lỗi thật và đưa vào"},
    "ex2_right_torch": {
        "en": "right: the first backward freed the graph's intermediate values; a second "
              "one needs retain_graph=True on the first",
        "vi": "đúng: lượt truyền ngược đầu đã giải phóng các giá trị trung gian của đồ thị; "
              "muốn chạy lần hai cần retain_graph=True ở lần đầu"},
    "ex2_right_tf": {
        "en": "right: a non-persistent GradientTape answers one gradient() call; use "
              "GradientTape(persistent=True) to ask again",
        "vi": "đúng: GradientTape không persistent chỉ trả lời một lần gọi gradient(); dùng "
              "GradientTape(persistent=True) để hỏi lại"},
    # ---- exercise 3
    "ex3_not_tensor": {
        "en": "f(a) returned {kind}, not a tensor: keep the computation in tensors so it is "
              "recorded",
        "vi": "f(a) trả về {kind}, không phải tensor: hãy giữ phép tính trong tensor để nó "
              "được ghi lại"},
    "ex3_shape": {
        "en": "for a of shape {ashape}, f(a) has shape {dshape}: f should scale a by one "
              "number k and keep its shape (did you reduce it with sum/norm?)",
        "vi": "với a có kích thước {ashape}, f(a) có kích thước {dshape}: f nên nhân a với một "
              "số k và giữ nguyên kích thước (bạn có rút gọn bằng sum/norm không?)"},
    "ex3_value": {"en": "f(a) differs from the chapter's f: {detail}",
                  "vi": "f(a) khác với hàm f của chương: {detail}"},
    "ex3_grad": {"en": "the gradient is not d / a elementwise: {detail}",
                 "vi": "gradient không bằng d / a theo từng phần tử: {detail}"},
    "ex3_no_grad": {
        "en": "no gradient reached a: is part of f detached (detach(), .item(), numpy)?",
        "vi": "không có gradient nào về tới a: có phần nào của f bị tách khỏi đồ thị "
              "(detach(), .item(), numpy) không?"},
    "ex3_note": {
        "en": "f(a) = k·a with one number k for the whole tensor, so the gradient of "
              "sum(f(a)) is k everywhere, which is d / a",
        "vi": "f(a) = k·a với cùng một số k cho cả tensor, nên gradient của sum(f(a)) bằng k "
              "ở mọi phần tử, tức là d / a"},
    # ---- exercise 4
    "ex4_one_path": {
        "en": "on every random input your function ran the same operations, so no control "
              "flow that depends on the data was seen: add an `if` or `while` whose outcome "
              "depends on a",
        "vi": "với mọi đầu vào ngẫu nhiên, hàm của bạn đều chạy cùng các phép toán, nên không "
              "thấy luồng điều khiển nào phụ thuộc vào dữ liệu: hãy thêm `if` hoặc `while` có "
              "kết quả phụ thuộc vào a"},
    "ex4_no_control_flow": {
        "en": "your function has no `if`, `while` or conditional expression: the exercise asks "
              "for control flow that depends on the data",
        "vi": "hàm của bạn không có `if`, `while` hay biểu thức điều kiện: bài tập yêu cầu "
              "luồng điều khiển phụ thuộc vào dữ liệu"},
    "ex4_not_tensor": {
        "en": "f(a) returned {kind}: return a tensor computed from a",
        "vi": "f(a) trả về {kind}: hãy trả về một tensor được tính từ a"},
    "ex4_detached": {
        "en": "f(a) does not depend on a through recorded operations (its result has no "
              "gradient): did you use .detach(), .item(), float() or numpy inside?",
        "vi": "f(a) không phụ thuộc vào a qua các phép toán được ghi lại (kết quả không có "
              "gradient): bạn có dùng .detach(), .item(), float() hay numpy bên trong không?"},
    "ex4_gradcheck": {
        "en": "the gradient from backward disagrees with finite differences: {detail}",
        "vi": "gradient từ backward không khớp với sai phân hữu hạn: {detail}"},
    "ex4_paths": {
        "en": "over {n} random inputs your function took {k} different paths through its "
              "control flow",
        "vi": "qua {n} đầu vào ngẫu nhiên, hàm của bạn đi theo {k} nhánh khác nhau của luồng "
              "điều khiển"},
    "ex4_no_source": {
        "en": "(could not read your function's source, so its control flow was not inspected)",
        "vi": "(không đọc được mã nguồn của hàm, nên chưa kiểm tra luồng điều khiển)"},
    # ---- exercise 5
    "ex5_pair": {
        "en": "return a pair (f(x), df/dx); got {got}",
        "vi": "hãy trả về một cặp (f(x), df/dx); bạn trả về {got}"},
    "ex5_f": {"en": "f(x) is not sin(x): {detail}", "vi": "f(x) không phải sin(x): {detail}"},
    "ex5_df": {"en": "df/dx is wrong: {detail}", "vi": "df/dx sai: {detail}"},
    "ex5_cos": {
        "en": "the values are right, but you used cos ({where}); the exercise asks for the "
              "derivative without using f'(x) = cos(x): let backward compute it",
        "vi": "giá trị đúng, nhưng bạn đã dùng cos ({where}); bài tập yêu cầu tính đạo hàm mà "
              "không dùng f'(x) = cos(x): hãy để backward tính"},
    "ex5_no_backward": {
        "en": "the values are right, but df/dx is not a gradient that a backward pass in your "
              "code delivered to x: you wrote the derivative by hand. Call backward on sin(x) "
              "(or its sum) and return x.grad",
        "vi": "giá trị đúng, nhưng df/dx không phải gradient mà một lượt lan truyền ngược trong "
              "mã của bạn đưa về x: bạn đã tự viết đạo hàm bằng tay. Hãy gọi backward trên "
              "sin(x) (hoặc tổng của nó) rồi trả về x.grad"},
    "ex5_cos_graph": {"en": "a cos op in the graph of what you returned",
                      "vi": "một phép cos trong đồ thị của kết quả bạn trả về"},
    "ex5_cos_calls": {"en": "{name} called {n}×", "vi": "{name} được gọi {n} lần"},
    # ---- quiz
    "quiz_title": {"en": "Fill in the gradients", "vi": "Điền các gradient"},
    "quiz_intro": {
        "en": "Each box asks for d{root}/d(node): how much {root} changes per unit change of "
              "that node. Work backwards from {root}, then press Check.",
        "vi": "Mỗi ô hỏi d{root}/d(nút): {root} thay đổi bao nhiêu khi nút đó tăng một đơn vị. "
              "Hãy đi ngược từ {root}, rồi bấm Kiểm tra."},
    "quiz_check": {"en": "Check", "vi": "Kiểm tra"},
    "quiz_value": {"en": "value", "vi": "giá trị"},
    "quiz_leaf": {"en": "input", "vi": "đầu vào"},
    "quiz_right": {"en": "right", "vi": "đúng"},
    "quiz_root_hint": {
        "en": "{root} changes exactly as much as itself: d{root}/d{root} = 1",
        "vi": "{root} thay đổi đúng bằng chính nó: d{root}/d{root} = 1"},
    "quiz_sum_hint": {
        "en": "{node} is used {n} times; add one term per use: {terms}",
        "vi": "{node} được dùng {n} lần; cộng một số hạng cho mỗi lần dùng: {terms}"},
    "quiz_one_hint": {
        "en": "d{root}/d{node} = {terms}",
        "vi": "d{root}/d{node} = {terms}"},
    "quiz_score": {"en": "{right} of {n} right", "vi": "đúng {right}/{n}"},
    "quiz_draw_fallback": {
        "en": "(diagram not available here; the table lists the same graph in run order)",
        "vi": "(không có sơ đồ ở đây; bảng liệt kê cùng đồ thị theo thứ tự tính)"},
}

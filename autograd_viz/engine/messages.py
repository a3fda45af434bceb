"""Every sentence the engine says to a user, in English and Vietnamese.

A :class:`Catalogue` maps a key to ``{"en": ..., "vi": ...}`` templates
(``str.format``; both languages of a key take the same fields) and, where a
real framework says the same thing, ``"quote"``: that framework's own English
sentence, verbatim.  English reads as it always has (its template may place
the quote with ``{quote}``); Vietnamese gives our sentence, naming the
problem and the fix, then the framework's sentence, ``(PyTorch: ...)``, so a
student can still search for it.  The language is the session's
(:mod:`autograd_viz.engine.lang`, ``av.set_lang``) unless one is passed.

The engine asks a tensor's class for its catalogue (``x._messages``), so a
dialect's tensors answer in their framework's words: the dialects' catalogues
(autograd_viz/_dialect_messages.py) name this one as their parent and
override its keys, often with just the framework's quote.
"""

from __future__ import annotations

from .lang import resolve


class Catalogue:
    """Messages by key.  ``framework`` names whose sentences the quotes are;
    ``parent`` answers the keys this catalogue does not have.  An entry
    without words of its own adds a quote to the parent's words for its key,
    or to the words of another key of its catalogue (``"as"``)."""

    def __init__(self, entries, framework=None, parent=None):
        self.entries = entries
        self.framework = framework
        self.parent = parent

    def entry(self, key):
        """(the entry's en, vi and quote, whose words the quote is) for ``key``."""
        own = self.entries.get(key)
        if own is None:
            if self.parent is None:
                raise KeyError(key)
            return self.parent.entry(key)
        if "en" in own:
            return own, own.get("framework", self.framework)
        base, _ = self.entry(own["as"]) if "as" in own else self.parent.entry(key)
        return {**base, **own}, own.get("framework", self.framework)

    def keys(self):
        inherited = self.parent.keys() if self.parent is not None else set()
        return inherited | set(self.entries)

    def text(self, key, lang=None, **fields):
        """The message for ``key`` in ``lang`` (the session's when None)."""
        lang = resolve(lang)
        entry, framework = self.entry(key)
        quote = entry.get("quote")
        if quote is not None:
            quote = quote.format(**fields)
        if lang == "en":
            return entry["en"].format(quote=quote, **fields)
        said = entry[lang].format(**fields)
        return f"{said} ({framework}: {quote})" if quote else said

    def error(self, cls, key, lang=None, **fields):
        """An exception of ``cls`` saying ``key``; its ``message_key`` keeps
        the key, so code can tell errors apart in any language, and
        :func:`in_language` can word it again in another."""
        exc = cls(self.text(key, lang, **fields))
        exc.message_key = key
        exc._said = (self, key, fields)
        return exc


def in_language(exc, lang=None):
    """``exc``'s message in ``lang``: an error of this package worded again
    (an exercise checked in Vietnamese shows the error a student caught
    earlier in English in Vietnamese too); any other error as it is."""
    said = getattr(exc, "_said", None)
    if said is None:
        return str(exc)
    catalogue, key, fields = said
    return catalogue.text(key, lang, **fields)


MESSAGES = Catalogue(
    {
        # ---- making and reading tensors
        "text_data": {
            "en": "a tensor holds numbers, not text: got {data}. Convert it first, e.g. "
            "float({data})",
            "vi": "tensor chứa số, không chứa văn bản: nhận được {data}. Hãy đổi nó sang số "
            "trước, ví dụ float({data})",
        },
        "ragged": {
            "en": "the nested lists have rows of different lengths, so they do not form a "
            "rectangular tensor; make every row the same length",
            "vi": "các danh sách lồng nhau có những hàng dài ngắn khác nhau, nên không tạo "
            "thành một tensor hình chữ nhật; hãy cho mọi hàng cùng độ dài",
        },
        "cannot_make": {
            "en": "cannot make a tensor from {data}: {quote}",
            "vi": "không tạo được tensor từ {data}",
            "quote": "{error}",
            "framework": "NumPy",
        },
        "non_numeric": {
            "en": "a tensor holds numbers, got {dtype} data: {data}",
            "vi": "tensor chứa số, nhưng dữ liệu nhận được có kiểu {dtype}: {data}",
        },
        "name_type": {
            "en": "name must be a string, got {type}",
            "vi": "`name` phải là một chuỗi ký tự, nhưng nhận được {type}",
        },
        "item_size": {
            "en": "item() needs a tensor with exactly one element, this one has shape "
            "{shape}; index it first, e.g. x[0].item()",
            "vi": "item() cần một tensor có đúng một phần tử, tensor này có kích thước "
            "{shape}; hãy lấy một phần tử theo chỉ số trước, ví dụ x[0].item()",
        },
        "numpy_requires_grad": {
            "en": "numpy cannot compute with a tensor whose gradient is asked for: numpy "
            "would not record the step and the gradient would be lost. Use the library's own "
            "function (e.g. x.exp() for numpy.exp(x)), or hand numpy a copy without history: "
            "numpy.exp(x.detach())",
            "vi": "numpy không thể tính với một tensor đang cần gradient: numpy không ghi lại "
            "bước tính nên gradient sẽ bị mất. Hãy dùng hàm của chính thư viện (ví dụ x.exp() "
            "thay cho numpy.exp(x)), hoặc đưa cho numpy một bản sao không có lịch sử: "
            "numpy.exp(x.detach())",
        },
        "numpy_traced": {
            "en": "numpy cannot compute with a value that a transformation (grad, jvp, vmap) "
            "is tracing: numpy would not record the step and the derivative would be lost. "
            "Use the library's numpy (jax.numpy, e.g. jnp.exp(x) for numpy.exp(x))",
            "vi": "numpy không thể tính với một giá trị đang được một phép biến đổi (grad, jvp, "
            "vmap) theo dõi: numpy không ghi lại bước tính nên đạo hàm sẽ bị mất. Hãy dùng "
            "numpy của thư viện (jax.numpy, ví dụ jnp.exp(x) thay cho numpy.exp(x))",
        },
        "out_unsupported": {
            "en": "{name}() does not write into out=; use the value it returns",
            "vi": "{name}() không ghi kết quả vào out=; hãy dùng giá trị mà nó trả về",
        },
        "numpy_foreign": {
            "en": "this library's numpy functions take its own arrays, got a {type}; convert it "
            "first with np.array(...)",
            "vi": "các hàm numpy của thư viện này nhận mảng của chính nó, nhưng nhận được một "
            "{type}; hãy chuyển nó trước bằng np.array(...)",
        },
        "len_scalar": {
            "en": "len() of a 0-d tensor (a scalar) is undefined; use .item()",
            "vi": "len() không xác định với tensor 0 chiều (một số vô hướng); hãy dùng .item()",
        },
        "iter_scalar": {
            "en": "cannot iterate over a 0-d tensor (a scalar)",
            "vi": "không thể duyệt qua một tensor 0 chiều (một số vô hướng); hãy dùng .item() "
            "để lấy giá trị của nó",
        },
        "bool_ambiguous": {
            "en": "the truth value of a tensor with {size} elements is ambiguous; "
            "use .any() or .all()",
            "vi": "giá trị đúng/sai của một tensor có {size} phần tử là không rõ ràng; hãy "
            "dùng .any() hoặc .all()",
        },
        "index_int": {
            "en": "only integer tensors can be used as an index",
            "vi": "chỉ tensor số nguyên mới dùng được làm chỉ số",
        },
        # ---- shapes
        "and": {"en": " and ", "vi": " và "},
        "broadcast": {
            "en": "{op}: shapes {shapes} do not broadcast. Going from the last axis, each "
            "pair of sizes must be equal or one of them 1; reshape one input (e.g. "
            "x.reshape(-1, 1)) or check which tensor you meant",
            "vi": "`{op}`: các kích thước {shapes} không lan truyền (broadcast) được với nhau. "
            "Đi từ trục cuối cùng, mỗi cặp kích thước phải bằng nhau hoặc một trong hai "
            "bằng 1; hãy đổi kích thước một đầu vào (ví dụ x.reshape(-1, 1)) hoặc xem lại "
            "bạn định dùng tensor nào",
        },
        "bad_index": {
            "en": "bad index for a tensor of shape {shape}: {quote}",
            "vi": "chỉ số không hợp lệ với một tensor có kích thước {shape}",
            "quote": "{error}",
            "framework": "NumPy",
        },
        # numpy's message already names the shapes: English shows it alone
        "numpy_shapes": {
            "en": "{quote}",
            "vi": "`{op}` không chạy được với các kích thước {shapes}",
            "quote": "{error}",
            "framework": "NumPy",
        },
        "op_failed": {
            "en": "{op} on shapes {shapes}: {quote}",
            "vi": "`{op}` không chạy được với các kích thước {shapes}",
            "quote": "{error}",
            "framework": "NumPy",
        },
        "compare_broadcast": {
            "en": "cannot compare shapes {a} and {b}: they do not broadcast",
            "vi": "không so sánh được hai kích thước {a} và {b}: chúng không lan truyền "
            "(broadcast) được với nhau",
        },
        "dot_vectors": {
            "en": "dot on shapes {a} and {b}: dot takes two vectors",
            "vi": "dot với kích thước {a} và {b}: dot nhận hai vector (tensor một chiều)",
        },
        "dot_length": {
            "en": "dot needs vectors of the same length, got shapes {a} and {b}",
            "vi": "dot cần hai vector cùng độ dài, nhưng nhận được kích thước {a} và {b}",
        },
        "matmul_scalar": {
            "en": "matmul on shapes {a} and {b}: matmul needs at least one axis on each "
            "side; use * for scalars",
            "vi": "matmul với kích thước {a} và {b}: matmul cần mỗi bên có ít nhất một trục; "
            "với số vô hướng hãy dùng *",
        },
        "matmul_inner": {
            "en": "matmul shapes {a} and {b} do not line up: {cols} columns against {rows} rows",
            "vi": "kích thước {a} và {b} của matmul không khớp nhau: {cols} cột so với {rows} hàng",
        },
        "reshape": {
            "en": "cannot reshape a tensor of shape {shape} ({size} elements) into shape {new}",
            "vi": "không thể đổi một tensor kích thước {shape} ({size} phần tử) sang kích "
            "thước {new}",
        },
        "tree_differ": {
            "en": "tree_map: the trees differ, {a} against {b}",
            "vi": "tree_map: hai cấu trúc cây khác nhau, {a} so với {b}",
        },
        # ---- gradients
        "requires_grad_dtype": {
            "en": "only floating-point tensors can require gradients, this one is {dtype}. "
            "{advice}",
            "vi": "chỉ tensor kiểu số thực (dấu phẩy động) mới có thể cần gradient, tensor "
            "này có kiểu {dtype}. {advice}",
        },
        # how to make floats, in the dialect's words (the advice above)
        "dtype_advice": {
            "en": "Create it as floats, e.g. arange(4.0) or tensor(..., dtype=float64), or "
            "convert with x.astype('float64')",
            "vi": "Hãy tạo nó bằng số thực, ví dụ arange(4.0) hoặc tensor(..., dtype=float64), "
            "hoặc đổi kiểu bằng x.astype('float64')",
        },
        "requires_grad_off": {
            "en": "requires_grad can only be switched off on a leaf; use y.detach() to get a "
            "copy without history",
            "vi": "chỉ có thể tắt requires_grad ở một nút lá; hãy dùng y.detach() để có một "
            "bản sao không mang lịch sử tính toán",
        },
        "in_place": {
            "en": "{what} changes a tensor that takes part in a gradient computation, which "
            "would corrupt the values backward() needs. For a parameter update {advice}; "
            "otherwise build a new tensor (x = x - 1) instead of changing this one",
            "vi": "{what} thay đổi một tensor đang tham gia vào việc tính gradient, việc này "
            "sẽ làm hỏng các giá trị mà backward() cần. Để cập nhật tham số, {advice}; nếu "
            "không, hãy tạo một tensor mới (x = x - 1) thay vì thay đổi tensor này",
        },
        # where a parameter update belongs, in the dialect's words (the advice above)
        "in_place_advice": {
            "en": "do it inside `with no_grad():`",
            "vi": "hãy làm việc đó bên trong `with no_grad():`",
        },
        "no_grad": {
            "en": "this value does not require a gradient: nothing it was computed from has "
            "requires_grad=True. Call x.requires_grad_() on the input before computing with "
            "it (or pass requires_grad=True when creating it)",
            "vi": "giá trị này không cần gradient: không giá trị nào dùng để tính ra nó có "
            "requires_grad=True. Hãy gọi x.requires_grad_() trên đầu vào trước khi tính "
            "toán với nó (hoặc truyền requires_grad=True khi tạo nó)",
        },
        "backward_nonscalar": {
            "en": "backward() on a tensor of shape {shape} needs gradient= of that shape (the "
            "weight of each entry), e.g. y.backward(ones_like(y)), or reduce it first: "
            "y.sum().backward()",
            "vi": "backward() trên một tensor có kích thước {shape} cần gradient= có cùng kích "
            "thước đó (trọng số của từng phần tử), ví dụ y.backward(ones_like(y)), hoặc rút "
            "gọn nó thành một số trước: y.sum().backward()",
        },
        "gradient_shape": {
            "en": "gradient= has shape {got} but the tensor has shape {shape}; they must match",
            "vi": "gradient= có kích thước {got} nhưng tensor có kích thước {shape}; hai kích "
            "thước phải khớp nhau",
        },
        "freed_graph": {
            "en": "the graph behind this value was already used by a backward pass and its "
            "intermediate results were freed. Pass retain_graph=True to the first backward() "
            "if you want to run backward through the same graph again, or recompute the value.",
            "vi": "đồ thị tính toán phía sau giá trị này đã được một lượt lan truyền ngược dùng "
            "và các kết quả trung gian của nó đã bị giải phóng. Hãy truyền retain_graph=True "
            "cho lần gọi backward() đầu tiên nếu bạn muốn lan truyền ngược qua cùng đồ thị "
            "này lần nữa, hoặc tính lại giá trị đó.",
        },
        "trace_other": {
            "en": "this trace belongs to another tensor's backward pass",
            "vi": "bản ghi này thuộc về lượt lan truyền ngược của một tensor khác",
        },
        # ---- function transforms
        "fn_not_tensor": {
            "en": "the function must return a tensor, got {type}",
            "vi": "hàm phải trả về một tensor, nhưng nó trả về {type}",
        },
        "output_type": {
            "en": "{who}: the function must return a tensor or a tuple of tensors, it "
            "returned {type}",
            "vi": "{who}: hàm phải trả về một tensor hoặc một tuple các tensor, nhưng nó trả "
            "về {type}",
        },
        "grad_scalar_type": {
            "en": "grad(f): f must return a scalar tensor, got {type}",
            "vi": "grad(f): f phải trả về một tensor vô hướng, nhưng nó trả về {type}",
        },
        "grad_scalar_shape": {
            "en": "grad(f) needs f to return a scalar, it returned shape {shape}; use "
            "jacobian(f, x) or reduce with .sum()",
            "vi": "grad(f) cần f trả về một số vô hướng, nhưng nó trả về kích thước {shape}; "
            "hãy dùng jacobian(f, x) hoặc rút gọn bằng .sum()",
        },
        "has_aux_pair": {
            "en": "{who}(..., has_aux=True) needs the function to return a pair (output, "
            "auxiliary data), but it returned {got}",
            "vi": "{who}(..., has_aux=True) cần hàm trả về một cặp (đầu ra, dữ liệu phụ), "
            "nhưng nó trả về {got}",
        },
        "cotangent_count": {
            "en": "the function returned {n} values but {m} cotangents were given",
            "vi": "hàm trả về {n} giá trị nhưng có {m} gradient đầu ra (cotangent) được đưa vào",
        },
        "cotangent_shape": {
            "en": "a cotangent of shape {shape} for an output of shape {out}; they must match",
            "vi": "gradient đầu ra (cotangent) có kích thước {shape} cho một đầu ra có kích "
            "thước {out}; hai kích thước phải khớp nhau",
        },
        "bad_argnums": {
            "en": "argnums={argnums} does not fit a function called with {n} positional arguments",
            "vi": "argnums={argnums} không khớp với một hàm được gọi với {n} đối số vị trí",
        },
        "jvp_not_tuples": {
            "en": "jvp(f, primals, tangents): primals and tangents must be tuples, e.g. "
            "jvp(f, (x,), (v,))",
            "vi": "jvp(f, primals, tangents): các giá trị gốc và các tiếp tuyến phải được "
            "đưa vào dưới dạng tuple, ví dụ jvp(f, (x,), (v,))",
        },
        "jvp_count": {
            "en": "jvp got {p} primals but {t} tangents; give one tangent per primal",
            "vi": "jvp nhận {p} giá trị gốc nhưng {t} tiếp tuyến; hãy đưa một tiếp tuyến cho "
            "mỗi giá trị gốc",
        },
        "jacobian_type": {
            "en": "jacobian(f, x): f must return a tensor, got {type}",
            "vi": "jacobian(f, x): f phải trả về một tensor, nhưng nó trả về {type}",
        },
        "gradcheck_no_input": {
            "en": "gradcheck(f, *inputs) needs at least one input",
            "vi": "gradcheck(f, *inputs) cần ít nhất một đầu vào",
        },
        "gradcheck_shape": {
            "en": "input {i}: backward gave a Jacobian of shape {got}, finite differences "
            "{expected}",
            "vi": "đầu vào {i}: lan truyền ngược cho ma trận Jacobi có kích thước {got}, còn "
            "sai phân hữu hạn cho kích thước {expected}",
        },
        "gradcheck_failed": {
            "en": "gradient check failed for input {i} at element {index} (output element "
            "{out_index}): finite differences give {expected}, backward gave {got} "
            "(tolerance {atol} + {rtol}·|expected|)",
            "vi": "kiểm tra gradient không đạt ở đầu vào {i}, phần tử {index} (phần tử đầu ra "
            "{out_index}): sai phân hữu hạn cho {expected}, lan truyền ngược cho {got} (sai "
            "số cho phép {atol} + {rtol}·|giá trị theo sai phân|)",
        },
        # ---- forward mode
        "no_dual_level": {
            "en": "{what} needs an open forward-mode level: call it inside `with dual_level():`",
            "vi": "{what} cần một mức chế độ xuôi đang mở: hãy gọi nó bên trong "
            "`with dual_level():`",
        },
        "tangent_values": {
            "en": "a tangent must be numbers shaped like its primal, got {tangent}",
            "vi": "tiếp tuyến phải là các số có cùng kích thước với giá trị gốc của nó, nhưng "
            "nhận được {tangent}",
        },
        "tangent_shape": {
            "en": "the tangent has shape {tangent} but its primal has shape {primal}; a "
            "tangent must have its primal's shape",
            "vi": "tiếp tuyến có kích thước {tangent} nhưng giá trị gốc của nó có kích thước "
            "{primal}; tiếp tuyến phải có cùng kích thước với giá trị gốc",
        },
        "tangent_dtype": {
            "en": "the tangent has dtype {tangent} but its primal has dtype {primal}; give "
            "the tangent the primal's dtype, e.g. t.astype(x.dtype)",
            "vi": "tiếp tuyến có kiểu dữ liệu {tangent} nhưng giá trị gốc của nó có kiểu "
            "{primal}; hãy cho tiếp tuyến cùng kiểu với giá trị gốc, ví dụ t.astype(x.dtype)",
        },
        "seed_count": {
            "en": "{n} inputs but {m} tangents; give one tangent per input",
            "vi": "{n} đầu vào nhưng {m} tiếp tuyến; hãy đưa một tiếp tuyến cho mỗi đầu vào",
        },
        # ---- hooks and rules of the user's own
        "hook_shape": {
            "en": "a hook returned a gradient of shape {got} for a value of shape {shape}: "
            "return one of that shape",
            "vi": "một hàm móc (`register_hook`) trả về gradient có kích thước {got} cho một "
            "giá trị có kích thước {shape}: hãy trả về gradient có đúng kích thước đó",
        },
        "rule_grad_count": {
            "en": "the backward rule of {name} returned {n} gradients for its {arity} inputs: "
            "return one per input (None for one that needs none)",
            "vi": "quy tắc lan truyền ngược của {name} trả về {n} gradient cho {arity} đầu vào "
            "của nó: hãy trả về đúng một gradient cho mỗi đầu vào (None cho đầu vào không "
            "cần gradient)",
        },
        "rule_grad_shape": {
            "en": "the backward rule of {name} returned a gradient of shape {got} that does "
            "not fit input {i} of shape {shape}: a gradient has its input's shape",
            "vi": "quy tắc lan truyền ngược của {name} trả về một gradient có kích thước {got}, "
            "không khớp với đầu vào {i} có kích thước {shape}: gradient phải có cùng kích "
            "thước với đầu vào của nó",
        },
        "rule_output_dtypes": {
            "en": "a function with a rule of its own returned outputs of dtypes {dtypes}: "
            "give them one dtype",
            "vi": "một hàm có quy tắc đạo hàm riêng của nó trả về các đầu ra có kiểu dữ liệu "
            "{dtypes}: hãy cho chúng cùng một kiểu",
        },
        # ---- einsum and tensordot
        "einsum_count": {
            "en": "einsum: the subscripts {subscripts} name {n} operands, {m} were given",
            "vi": "`einsum`: chuỗi chỉ số {subscripts} nêu {n} toán hạng, nhưng có {m} toán hạng "
            "được truyền vào",
        },
        "einsum_fit": {
            "en": "einsum: the subscripts {spec} do not fit an operand of {n} dimensions",
            "vi": "`einsum`: chỉ số {spec} không khớp với một toán hạng có {n} chiều",
        },
        "einsum_operands": {
            "en": "einsum takes 1 to {most} operands here, got {n}",
            "vi": "ở đây `einsum` nhận từ 1 đến {most} toán hạng, nhưng nhận được {n}",
        },
        "tensordot_axes": {
            "en": "tensordot: {n} axes of the first tensor against {m} of the second; "
            "contract the same number",
            "vi": "`tensordot`: {n} trục của tensor thứ nhất đối với {m} trục của tensor thứ "
            "hai; hãy rút gọn cùng một số trục ở mỗi bên",
        },
        # ---- vmap (a dialect gives its framework's words)
        "vmap_in_axes": {
            "en": "vmap: {k} in_axes for {n} positional arguments; give one per argument "
            "(None for one that is not mapped), or a single int",
            "vi": "vmap: {k} phần tử in_axes cho {n} đối số vị trí; hãy cho mỗi đối số một "
            "phần tử (None cho đối số không được ánh xạ), hoặc một số nguyên duy nhất",
        },
        "vmap_rank": {
            "en": "vmap was asked to map argument {i} along axis {axis}, so it needs at least "
            "{need} dimensions, but it has {ndim} (its shape is {shape}); pass in_axes=None "
            "for an argument that is not mapped",
            "vi": "vmap được yêu cầu ánh xạ đối số {i} theo trục {axis}, nên nó cần ít nhất "
            "{need} chiều, nhưng nó chỉ có {ndim} chiều (kích thước {shape}); hãy truyền "
            "in_axes=None cho đối số không được ánh xạ",
        },
        "vmap_no_axis": {
            "en": "vmap needs at least one argument to map over: give in_axes a value that "
            "is not None",
            "vi": "vmap cần ít nhất một đối số để ánh xạ: hãy cho in_axes một giá trị khác None",
        },
        "vmap_sizes": {
            "en": "vmap got mapped axes of different sizes:\n{lines}\nevery mapped axis must "
            "have the same size",
            "vi": "vmap nhận các trục cần ánh xạ có độ dài khác nhau:\n{lines}\nmọi trục được "
            "ánh xạ phải có cùng độ dài",
        },
        "vmap_size_line": {
            "en": "  * axis {axis} of argument {i} (shape {shape}) has size {size}",
            "vi": "  * trục {axis} của đối số {i} (kích thước {shape}) có độ dài {size}",
        },
        "vmap_empty": {
            "en": "vmap over an axis of size 0: autograd_viz runs the function once per "
            "index, so there is nothing to run",
            "vi": "vmap trên một trục có độ dài 0: autograd_viz chạy hàm một lần cho mỗi chỉ "
            "số, nên không có gì để chạy",
        },
    }
)

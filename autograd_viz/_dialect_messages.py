"""What the dialects say when something goes wrong, in English and Vietnamese.

One catalogue per framework (see :class:`autograd_viz.engine.messages.Catalogue`),
each the parent of nothing and the child of the engine's: a dialect's tensors
carry theirs (``_messages``), so an engine error raised on a torch tensor
speaks PyTorch's words.  ``"quote"`` is the real framework's own English
sentence, verbatim (looked up in its source or produced by running it): the
Vietnamese message ends with it, ``(PyTorch: ...)``, so a student can search
for it; the English one keeps it first where our sentence starts with the
framework's words (``{quote}``).
"""

from __future__ import annotations

from .engine.messages import MESSAGES, Catalogue

# ------------------------------------------------------------------ shared by every dialect

DIALECT = Catalogue(
    {},
    parent=MESSAGES,
)

# ------------------------------------------------------------------ PyTorch

TORCH = Catalogue(
    {
        # the engine's errors, in PyTorch's words
        "dtype_advice": {
            "en": "Create it as floats, e.g. torch.arange(4.0) or torch.tensor(..., "
            "dtype=torch.float32), or convert with x.float()",
            "vi": "Hãy tạo nó bằng số thực, ví dụ torch.arange(4.0) hoặc torch.tensor(..., "
            "dtype=torch.float32), hoặc đổi kiểu bằng x.float()",
        },
        "requires_grad_dtype": {
            "quote": "only Tensors of floating point dtype can require gradients",
        },
        "requires_grad_off": {
            "quote": "you can only change requires_grad flags of leaf variables.",
        },
        "no_grad": {
            "quote": "element 0 of tensors does not require grad and does not have a grad_fn"
        },
        "backward_nonscalar": {
            "en": "{quote}. This tensor has shape {shape}, so backward() needs gradient= of "
            "that shape (the weight of each entry), e.g. y.backward(torch.ones_like(y)), or "
            "reduce it to a scalar first: y.sum().backward()",
            "vi": "backward() trên một tensor có kích thước {shape} cần gradient= có cùng kích "
            "thước đó (trọng số của từng phần tử), ví dụ y.backward(torch.ones_like(y)), hoặc "
            "rút gọn nó thành một số trước: y.sum().backward()",
            "quote": "grad can be implicitly created only for scalar outputs",
        },
        "freed_graph": {
            "quote": "Trying to backward through the graph a second time (or directly access "
            "saved tensors after they have already been freed).",
        },
        "item_size": {"quote": "a Tensor with {size} elements cannot be converted to Scalar"},
        "numpy_requires_grad": {
            "en": "{quote} numpy would not record the step, so the gradient would be lost: use "
            "torch's own function (x.exp() for numpy.exp(x)) to keep it",
            "vi": "numpy không thể tính với một tensor có requires_grad=True (numpy không ghi "
            "lại bước tính nên gradient sẽ bị mất): hãy dùng hàm của torch (x.exp() thay cho "
            "numpy.exp(x)), hoặc đưa cho numpy x.detach()",
            "quote": "Can't call numpy() on Tensor that requires grad. Use "
            "tensor.detach().numpy() instead.",
        },
        "bool_ambiguous": {
            "quote": "Boolean value of Tensor with more than one value is ambiguous",
        },
        "len_scalar": {"quote": "len() of a 0-d tensor"},
        "iter_scalar": {"quote": "iteration over a 0-d tensor"},
        "index_int": {
            "quote": "only integer tensors of a single element can be converted to an index",
        },
        # the dialect's own
        "t_dims": {
            "en": "t() transposes tensors of at most 2 dimensions, this one has shape {shape}; "
            "use x.transpose(...) with the axes you mean",
            "vi": "t() chỉ chuyển vị tensor có tối đa 2 chiều, tensor này có kích thước "
            "{shape}; hãy dùng x.transpose(...) với các trục bạn muốn",
            "quote": "t() expects a tensor with <= 2 dimensions, but self is {ndim}D",
        },
        "retain_grad": {
            "en": "{quote}: it takes part in no gradient computation. Compute it from a "
            "tensor created with requires_grad=True first",
            "vi": "không gọi được retain_grad trên một tensor có requires_grad=False: nó không "
            "tham gia vào việc tính gradient nào. Hãy tính nó từ một tensor được tạo với "
            "requires_grad=True trước",
            "quote": "can't retain_grad on Tensor that has requires_grad=False",
        },
        "size_scalar": {
            "en": "size({dim}): a 0-d tensor has no dimensions; x.size() gives its shape, ()",
            "vi": "size({dim}): tensor 0 chiều không có chiều nào; x.size() cho kích thước "
            "của nó, ()",
            "quote": "Dimension specified as {dim} but tensor has no dimensions",
        },
        "size_range": {
            "en": "size({dim}): a tensor of shape {shape} has dimensions {lo} to {hi}",
            "vi": "size({dim}): tensor kích thước {shape} có các chiều từ {lo} đến {hi}",
            "quote": "Dimension out of range (expected to be in range of [{lo}, {hi}], but got "
            "{dim})",
        },
        "max_dim": {
            "en": "torch.{name} takes one dimension (an int), got {dim}",
            "vi": "torch.{name} nhận một chiều (số nguyên), nhưng nhận được {dim}",
        },
        "cat_empty": {
            "en": "torch.cat needs at least one tensor",
            "vi": "torch.cat cần ít nhất một tensor",
            "quote": "torch.cat(): expected a non-empty list of Tensors",
        },
        "cat_dim": {
            "en": "torch.cat: dim={dim} is not a dimension of a tensor of shape {shape}",
            "vi": "torch.cat: dim={dim} không phải là một chiều của tensor kích thước {shape}",
        },
        "cat_sizes": {
            "en": "torch.cat: tensor {i} has shape {shape} but tensor 0 has shape {first}; all "
            "sizes must match except along dim={dim}",
            "vi": "torch.cat: tensor {i} có kích thước {shape} nhưng tensor 0 có kích thước "
            "{first}; mọi kích thước phải khớp nhau, trừ chiều dim={dim}",
            "quote": "Sizes of tensors must match except in dimension {dim}.",
        },
        "decorates": {
            "en": "{name}() decorates a function; got {type}",
            "vi": "{name}() dùng để bọc một hàm (decorator), nhưng nhận được {type}",
        },
        "outputs_type": {
            "en": "outputs must be tensors, got {type} at index {i}",
            "vi": "các đầu ra (outputs) phải là tensor, nhưng ở vị trí {i} là {type}",
        },
        "output_no_grad": {
            "en": "{quote} (it was not computed from a tensor with requires_grad=True, or it "
            "was computed under torch.no_grad())",
            "vi": "đầu ra ở vị trí {i} không cần gradient: nó không được tính từ một tensor có "
            "requires_grad=True, hoặc được tính bên trong torch.no_grad()",
            "quote": "element {i} of tensors does not require grad and does not have a grad_fn",
        },
        "inputs_type": {
            "en": "inputs must be tensors, got {type}",
            "vi": "các đầu vào (inputs) phải là tensor, nhưng nhận được {type}",
        },
        "input_no_grad": {
            "en": "{quote} (create it with requires_grad=True, or call x.requires_grad_() "
            "before computing with it)",
            "vi": "một trong các tensor cần lấy đạo hàm không cần gradient: hãy tạo nó với "
            "requires_grad=True, hoặc gọi x.requires_grad_() trước khi tính toán với nó",
            "quote": "One of the differentiated Tensors does not require grad",
        },
        "grad_outputs_count": {
            "en": "grad requires one grad_output per output: got {n} grad_outputs for {m} outputs",
            "vi": "grad cần một grad_output cho mỗi đầu ra: nhận được {n} grad_outputs cho "
            "{m} đầu ra",
        },
        "grad_nonscalar": {
            "en": "{quote}: output {i} has shape {shape}; pass grad_outputs= of that shape "
            "(e.g. torch.ones_like(y)) or reduce it first with .sum()",
            "vi": "đầu ra {i} có kích thước {shape}, không phải một số: hãy truyền "
            "grad_outputs= có cùng kích thước đó (ví dụ torch.ones_like(y)) hoặc rút gọn nó "
            "trước bằng .sum()",
            "quote": "grad can be implicitly created only for scalar outputs",
        },
        "grad_output_shape": {
            "en": "{quote}",
            "vi": "`grad_output[{i}]` có kích thước {got} nhưng `output[{i}]` có kích thước "
            "{shape}; hai kích thước phải khớp nhau",
            "quote": "Mismatch in shape: grad_output[{i}] has a shape of {got} and output[{i}] "
            "has a shape of {shape}.",
        },
        "unused_input": {
            "en": "{quote}",
            "vi": "tensor cần lấy đạo hàm ở vị trí {i} dường như không được dùng trong đồ thị "
            "tính toán; hãy đặt allow_unused=True nếu đúng là bạn muốn vậy (khi đó gradient "
            "của nó là None)",
            "quote": "The differentiated Tensor at index {i} appears to not have been used in "
            "the graph. Set allow_unused=True if this is the desired behavior.",
        },
        "grads_batched": {
            "en": "autograd_viz.torch: is_grads_batched=True is not supported; call "
            "torch.autograd.grad once per row",
            "vi": "autograd_viz.torch chưa hỗ trợ is_grads_batched=True; hãy gọi "
            "torch.autograd.grad một lần cho mỗi hàng",
        },
        "nested_dual": {
            "en": "{quote} (PyTorch allows one dual_level at a time): close the open one first, "
            "or use torch.func.jvp, which nests",
            "vi": "PyTorch chưa cho lồng chế độ xuôi: mỗi lúc chỉ mở được một dual_level; hãy "
            "đóng mức đang mở trước, hoặc dùng torch.func.jvp (hàm này lồng được)",
            "quote": "Nested forward mode AD is not supported at the moment",
        },
        "dual_no_level": {
            "en": "Trying to create a dual Tensor for forward AD but no level exists, make "
            "sure to enter_dual_level() first (write the computation inside `with "
            "fwAD.dual_level():`)",
            "vi": "chưa có mức chế độ xuôi nào đang mở để tạo tensor kép: hãy viết phép tính "
            "bên trong `with fwAD.dual_level():`",
            "quote": "Trying to create a dual Tensor for forward AD but no level exists, make "
            "sure to enter_dual_level() first.",
        },
        "dual_not_float": {
            "en": "{quote} (convert it with x.float())",
            "vi": "giá trị gốc phải có kiểu số thực, nhưng nó có kiểu {dtype}; hãy đổi kiểu "
            "bằng x.float()",
            "quote": "Expected primal to be floating point or complex, but got: {dtype}",
        },
        "dual_size": {
            "en": "{quote}",
            "vi": "tiếp tuyến có kích thước {tangent}, khác với kích thước {primal} của tensor "
            "gốc; hai kích thước phải bằng nhau",
            "quote": "Trying to set a forward gradient that has a different size than that of "
            "the original Tensor, this is not supported. Tensor is of size {primal} while the "
            "given forward gradient is of size {tangent}.",
        },
        "func_primals": {
            "en": "{quote}",
            "vi": "{who}: các giá trị gốc (primals) phải là một tuple, sao cho gọi được "
            "f(*primals)",
            "quote": "{who}: Expected primals to be a tuple. E.g. it should be valid to call "
            "f(*primals).",
        },
        "func_structure": {
            "en": "{quote} Got {p} primals and {t} tangents.",
            "vi": "{who}: các giá trị gốc (primals) và các tiếp tuyến (tangents) phải có cùng "
            "cấu trúc, nhưng nhận được {p} giá trị gốc và {t} tiếp tuyến",
            "quote": "{who}: Expected primals and tangents to have the same python structure. "
            "For example, if primals is a tuple of 3 tensors, tangents also must be.",
        },
        "func_output": {
            "en": "{quote}",
            "vi": "{who}: f(*primals) chỉ được trả về tensor, nhưng nó trả về kiểu {type}",
            "quote": "{who}: expected f(*primals) to return only tensors, got unsupported type "
            "{type}",
        },
        "func_grad_tensor": {
            "en": "{quote}",
            "vi": "{who}: f(*args) phải trả về một tensor, nhưng nó trả về {type}",
            "quote": "{who}: Expected f(*args) to return a Tensor, got {type}",
        },
        "func_grad_scalar": {
            "en": "{quote}",
            "vi": "{who}: f(*args) phải trả về một tensor vô hướng, nhưng tensor nó trả về "
            "có {ndim} chiều; với đầu ra nhiều phần tử hãy dùng vjp hoặc jacrev",
            "quote": "{who}: Expected f(*args) to return a scalar Tensor, got tensor with "
            "{ndim} dims. Maybe you wanted to use the vjp or jacrev APIs instead?",
        },
        "hook_no_grad": {
            "en": "{quote}: create it with requires_grad=True, or register the hook on a "
            "tensor computed from one",
            "vi": "không gắn được hàm móc (`register_hook`) vào một tensor không cần "
            "gradient: hãy tạo nó với requires_grad=True, hoặc gắn hàm móc vào một tensor "
            "được tính từ tensor như vậy",
            "quote": "cannot register a hook on a tensor that doesn't require gradient",
        },
        "hook_shape": {"quote": "hook '{hook}' has changed the size of value"},
        "rule_grad_count": {
            "quote": "function {name}Backward returned an incorrect number of gradients "
            "(expected {arity}, got {n})",
        },
        "rule_grad_shape": {
            "quote": "Function {name}Backward returned an invalid gradient at index {i} - got "
            "{got_dims} but expected shape compatible with {dims}",
        },
        "vmap_in_axes": {
            "en": "{quote}: {k} in_dims for {n} inputs",
            "vi": "vmap: {k} phần tử in_dims cho {n} đầu vào; hãy cho mỗi đầu vào một phần tử "
            "(None cho đầu vào không được ánh xạ), hoặc một số nguyên duy nhất",
            "quote": "vmap(f, in_dims=...)(<inputs>): in_dims is not compatible with the "
            "structure of `inputs`",
        },
        "vmap_rank": {
            "en": "{quote}",
            "vi": "vmap được yêu cầu ánh xạ một đầu vào theo chiều {axis}, nhưng đầu vào đó là "
            "tensor {ndim} chiều; in_dims phải nằm trong khoảng từ -{ndim} đến {ndim} (không "
            "kể {ndim}), hoặc là None cho đầu vào không được ánh xạ",
            "quote": "vmap(f, in_dims={axis}, ...)(<inputs>): Got in_dim={axis} for some "
            "input, but that input is a Tensor of dimensionality {ndim} so expected in_dim to "
            "satisfy -{ndim} <= in_dim < {ndim}.",
        },
        "vmap_no_axis": {
            "en": "{quote}",
            "vi": "vmap cần ít nhất một tensor để ánh xạ: hãy cho in_dims một giá trị khác None",
            "quote": "vmap: Expected at least one Tensor to vmap over",
        },
        "vmap_sizes": {
            "en": "{quote}",
            "vi": "vmap nhận các chiều cần ánh xạ có độ dài khác nhau ({sizes}): mọi chiều được "
            "ánh xạ phải có cùng độ dài",
            "quote": "vmap: Expected all tensors to have the same size in the mapped "
            "dimension, got sizes {sizes} for the mapped dimension",
        },
    },
    framework="PyTorch",
    parent=DIALECT,
)

# ------------------------------------------------------------------ TensorFlow

TF = Catalogue(
    {
        "dtype_advice": {
            "en": "Create it as floats, e.g. tf.range(4.0) or tf.constant(..., "
            "dtype=tf.float32), or convert with tf.cast(x, tf.float32)",
            "vi": "Hãy tạo nó bằng số thực, ví dụ tf.range(4.0) hoặc tf.constant(..., "
            "dtype=tf.float32), hoặc đổi kiểu bằng tf.cast(x, tf.float32)",
        },
        "not_variable": {
            "en": "a tf.Tensor cannot be assigned to; only a tf.Variable can (make one with "
            "tf.Variable(value))",
            "vi": "không gán giá trị mới được cho một tf.Tensor; chỉ tf.Variable mới gán được "
            "(hãy tạo một biến bằng tf.Variable(value))",
        },
        "assign_shape": {
            "en": "assign: the variable has shape {shape}, the new value {new}",
            "vi": "assign(): biến có kích thước {shape}, còn giá trị mới có kích thước {new}",
        },
        "variable_operator": {
            "en": "`v {symbol} value` does not work on a tf.Variable: it cannot be changed by "
            "an operator. To update the variable use {update}; to get a new tensor instead, "
            "write v = v {op} value",
            "vi": "`v {symbol} value` không dùng được với tf.Variable: không thể thay đổi biến "
            "bằng một toán tử. Để cập nhật biến hãy dùng {update}; còn để có một tensor mới, "
            "hãy viết v = v {op} value",
        },
        "tape_open": {
            "en": "this GradientTape is already recording",
            "vi": "cuộn băng (GradientTape) này đang ghi rồi; hãy dùng một tf.GradientTape() mới",
            "quote": "Tape is still recording, This can happen if you try to re-enter an "
            "already-active tape.",
        },
        "stop_recording": {
            "en": "tape.stop_recording() needs a tape that is recording: use it inside "
            "`with tf.GradientTape() as tape:`",
            "vi": "tape.stop_recording() cần một cuộn băng đang ghi: hãy dùng nó bên trong "
            "`with tf.GradientTape() as tape:`",
            "quote": "Trying to stop recording a tape which is not recording.",
        },
        "watch_type": {
            "en": "tape.watch takes tensors, got {type}; wrap the value with tf.constant(...) "
            "first",
            "vi": "tape.watch nhận tensor, nhưng nhận được {type}; hãy bọc giá trị bằng "
            "tf.constant(...) trước",
            "quote": "Passed in object of type {pytype}, not tf.Tensor",
        },
        # a warning, as TensorFlow logs one: the tensor is not watched
        "watch_not_float": {
            "en": "tape.watch: the watched tensor must be floating (e.g. tf.float32), this one "
            "is {dtype}, so it is not watched and its gradient will be None. {advice}",
            "vi": "tape.watch: tensor được theo dõi phải có kiểu số thực (ví dụ tf.float32), "
            "tensor này có kiểu {dtype}, nên nó không được theo dõi và gradient của nó sẽ là "
            "None. {advice}",
            "quote": "The dtype of the watched tensor must be floating (e.g. tf.float32), got "
            "{dtype}",
        },
        "tape_used": {
            "en": "this GradientTape has already answered a gradient() or jacobian() call: a "
            "tape made with persistent=False answers once. Create it with "
            "tf.GradientTape(persistent=True) to call {what}() several times (or record "
            "again under a new tape)",
            "vi": "cuộn băng (GradientTape) này đã trả lời một lần gọi gradient() hoặc "
            "jacobian(): cuộn băng tạo với persistent=False chỉ trả lời một lần. Hãy tạo nó "
            "bằng tf.GradientTape(persistent=True) để gọi {what}() nhiều lần (hoặc ghi lại "
            "phép tính với một cuộn băng mới)",
            "quote": "A non-persistent GradientTape can only be used to compute one set of "
            "gradients (or jacobians)",
        },
        "sources_type": {
            "en": "gradient sources must be tensors or Variables, got {type}",
            "vi": "các nguồn (sources) của gradient phải là tensor hoặc tf.Variable, nhưng "
            "nhận được {type}",
        },
        "output_gradients_count": {
            "en": "output_gradients: one per target, got {n} for {m} targets",
            "vi": "output_gradients: cần một giá trị cho mỗi đích, nhưng nhận được {n} cho "
            "{m} đích",
        },
        "jacobian_target": {
            "en": "jacobian: the target must be a tensor, got {type}",
            "vi": "tape.jacobian(): đích phải là một tensor, nhưng nhận được {type}",
        },
        "acc_structure": {
            "en": "ForwardAccumulator: primals and tangents must have the same nested "
            "structure, got {p} primals and {t} tangents; give one tangent per primal",
            "vi": "ForwardAccumulator: các giá trị gốc (primals) và các tiếp tuyến (tangents) "
            "phải có cùng cấu trúc lồng nhau, nhưng nhận được {p} giá trị gốc và {t} tiếp "
            "tuyến; hãy đưa một tiếp tuyến cho mỗi giá trị gốc",
        },
        "acc_type": {
            "en": "ForwardAccumulator watches tensors or Variables, got {type}; wrap it with "
            "tf.constant(...)",
            "vi": "ForwardAccumulator theo dõi tensor hoặc tf.Variable, nhưng nhận được "
            "{type}; hãy bọc nó bằng tf.constant(...)",
        },
        "acc_twice": {
            "en": "Tensor {tensor} was specified as a primal multiple times; give it once, "
            "with the sum of its tangents",
            "vi": "tensor {tensor} được đưa vào nhiều lần làm giá trị gốc; hãy đưa nó một "
            "lần, với tổng các tiếp tuyến của nó",
            # TensorFlow's sentence leaves its placeholder unfilled, as written here
            "quote": "Tensor {{}} was specified as a primal multiple times. This may indicate "
            "an error. If it was intended, please sum the corresponding tangents.",
        },
        "acc_not_float": {
            "en": "ForwardAccumulator: the watched primal must be floating (e.g. tf.float32), "
            "got {dtype}. {advice}",
            "vi": "ForwardAccumulator: giá trị gốc được theo dõi phải có kiểu số thực (ví dụ "
            "tf.float32), nhưng nó có kiểu {dtype}. {advice}",
            "quote": "The dtype of the watched primal must be floating (e.g. tf.float32), got "
            "{dtype}",
        },
        "acc_tangent_dtype": {
            "en": "ForwardAccumulator: the tangent has dtype {tangent}, its primal {primal}; "
            "convert it with tf.cast(tangent, {primal})",
            "vi": "ForwardAccumulator: tiếp tuyến có kiểu {tangent}, còn giá trị gốc của nó "
            "có kiểu {primal}; hãy đổi kiểu bằng `tf.cast(tangent, {primal})`",
        },
        "acc_tangent_shape": {
            "en": "ForwardAccumulator: the tangent has shape {tangent} but its primal has "
            "shape {primal}; each tangent must have its primal's shape",
            "vi": "ForwardAccumulator: tiếp tuyến có kích thước {tangent} nhưng giá trị gốc "
            "của nó có kích thước {primal}; mỗi tiếp tuyến phải có cùng kích thước với giá "
            "trị gốc của nó",
        },
        "acc_open": {
            "en": "{quote}",
            "vi": "bộ tích lũy (ForwardAccumulator) này đang ghi rồi; hãy tạo một "
            "tf.autodiff.ForwardAccumulator mới",
            "quote": "Accumulator is already recording.",
        },
        "acc_nothing": {
            "en": "Called jvp() without first tracing anything: compute inside `with "
            "tf.autodiff.ForwardAccumulator(primals, tangents) as acc:`",
            "vi": "acc.jvp() được gọi khi chưa ghi lại phép tính nào: hãy tính toán bên trong "
            "`with tf.autodiff.ForwardAccumulator(primals, tangents) as acc:`",
            "quote": "Called jvp() without first tracing anything.",
        },
        "where_alone": {
            "en": "autograd_viz.tf: tf.where(condition) alone (the indices where it holds) is "
            "not provided; give x and y, or use numpy.argwhere(condition.numpy())",
            "vi": "autograd_viz.tf chưa có tf.where(condition) chỉ với điều kiện (các chỉ số "
            "nơi điều kiện đúng); hãy đưa cả x và y, hoặc dùng "
            "numpy.argwhere(condition.numpy())",
        },
    },
    framework="TensorFlow",
    parent=DIALECT,
)

# ------------------------------------------------------------------ MXNet

# MXNet says this when a head has no recorded graph, never recorded or freed by
# a first backward (python/mxnet and src/imperative/imperative.cc)
_MX_NOT_IN_GRAPH = "Cannot differentiate node because it is not in a computational graph."

MXNET = Catalogue(
    {
        "numpy_foreign": {"quote": "type {type} not supported"},
        "dtype_advice": {
            "en": "Create it as floats, e.g. np.arange(4.0) or np.array(..., "
            "dtype=np.float32), or convert with x.astype('float32')",
            "vi": "Hãy tạo nó bằng số thực, ví dụ np.arange(4.0) hoặc np.array(..., "
            "dtype=np.float32), hoặc đổi kiểu bằng x.astype('float32')",
        },
        "in_place_advice": {
            "en": "do it outside `autograd.record()`",
            "vi": "hãy làm việc đó bên ngoài `autograd.record()`",
        },
        "in_place": {
            "quote": "Inplace operations (+=, -=, x[:]=, etc) are not supported when "
            "recording with autograd.",
        },
        "freed_graph": {"quote": _MX_NOT_IN_GRAPH},
        "grad_req": {
            "en": "grad_req={req} is not supported by autograd_viz's MXNet dialect; use "
            "'write' (the default), 'add' or 'null'",
            "vi": "autograd_viz.mxnet chưa hỗ trợ grad_req={req}; hãy dùng 'write' (mặc định), "
            "'add' hoặc 'null'",
        },
        "not_recorded": {
            "en": "cannot differentiate: this array was not computed inside autograd.record() "
            "from an array with attach_grad(). Call x.attach_grad() first, then compute under "
            "`with autograd.record():`",
            "vi": "không lấy đạo hàm được: mảng này không được tính bên trong "
            "autograd.record() từ một mảng đã gọi attach_grad(). Hãy gọi x.attach_grad() "
            "trước, rồi tính toán bên trong `with autograd.record():`",
            "quote": _MX_NOT_IN_GRAPH,
        },
        "head_not_recorded": {
            "en": "cannot differentiate: a head was not computed inside autograd.record() from "
            "an array with attach_grad(). Call x.attach_grad() first, then compute under "
            "`with autograd.record():`",
            "vi": "không lấy đạo hàm được: một đầu ra (head) không được tính bên trong "
            "autograd.record() từ một mảng đã gọi attach_grad(). Hãy gọi x.attach_grad() "
            "trước, rồi tính toán bên trong `with autograd.record():`",
            "quote": _MX_NOT_IN_GRAPH,
        },
        "head_grads_count": {
            "en": "{quote}, got {n} heads and {m} head_grads",
            "vi": "các đầu ra (heads) và gradient của chúng (head_grads) phải là hai danh sách "
            "cùng độ dài, nhưng nhận được {n} và {m} phần tử",
            "quote": "heads and head_grads must be lists of the same length",
        },
        "variables_empty": {
            "en": "autograd.grad: variables cannot be an empty list",
            "vi": "autograd.grad: danh sách biến (variables) không được rỗng",
        },
        "variable_no_grad": {
            "en": "{quote} Did you forget attach_grad()? (MXNet takes gradients with respect to "
            "arrays that called attach_grad() only)",
            "vi": "không lấy đạo hàm theo biến thứ {n} được vì nó không cần gradient: MXNet chỉ "
            "lấy đạo hàm theo các mảng đã gọi attach_grad(); bạn đã quên gọi attach_grad() chăng?",
            "quote": "Cannot differentiate with respect to the {n}-th variable because it does "
            "not require gradient.",
        },
        "set_np_dtype": {
            "en": "npx.set_np(dtype=True) (float64 by default) is not supported; pass "
            "dtype=np.float64 where you need it",
            "vi": "autograd_viz.mxnet chưa hỗ trợ npx.set_np(dtype=True) (mặc định float64); "
            "hãy truyền dtype=np.float64 ở chỗ bạn cần",
        },
    },
    framework="MXNet",
    parent=DIALECT,
)

# ------------------------------------------------------------------ JAX

JAX = Catalogue(
    {
        "out_unsupported": {"quote": "The 'out' argument to jnp.{name} is not supported."},
        "numpy_traced": {
            "quote": "The numpy.ndarray conversion method __array__() was called on traced "
            "array with shape {shape}",
        },
        "dtype_advice": {
            "en": "Create it as floats, e.g. jnp.arange(4.0) or jnp.array(..., "
            "dtype=jnp.float32), or convert with x.astype(jnp.float32)",
            "vi": "Hãy tạo nó bằng số thực, ví dụ jnp.arange(4.0) hoặc jnp.array(..., "
            "dtype=jnp.float32), hoặc đổi kiểu bằng x.astype(jnp.float32)",
        },
        "x64": {
            "en": "autograd_viz.jax has no 64-bit mode: it behaves as JAX does by default "
            "(float32 and int32). Leave jax_enable_x64 off",
            "vi": "autograd_viz.jax không có chế độ 64 bit: nó hoạt động như JAX mặc định "
            "(`float32` và `int32`). Hãy để jax_enable_x64 tắt",
        },
        # a warning, as JAX gives one
        "narrowed": {
            "en": "{asked} was asked for, but JAX without x64 has no 64-bit types: using {got} "
            "(as JAX does)",
            "vi": "bạn yêu cầu {asked}, nhưng JAX khi không bật x64 không có kiểu 64 bit: dùng "
            "{got} thay thế (như JAX)",
        },
        # arrays
        "no_attribute": {
            "en": "autograd_viz.jax arrays have no attribute {attr}",
            "vi": "mảng của autograd_viz.jax không có thuộc tính {attr}",
        },
        "hidden_attribute": {
            "en": "JAX arrays have no .{attr}: {hint}",
            "vi": "mảng JAX không có .{attr}: {hint}",
            "quote": "'jaxlib._jax.ArrayImpl' object has no attribute '{attr}'",
        },
        "hint_no_tape": {
            "en": "JAX keeps no tape and stores no gradient on arrays. Write the computation "
            "as a function f of x and call jax.grad(f)(x) (or jax.value_and_grad(f)(x))",
            "vi": "JAX không có cuộn băng và không lưu gradient trên mảng. Hãy viết phép tính "
            "thành một hàm f của x rồi gọi jax.grad(f)(x) (hoặc jax.value_and_grad(f)(x))",
        },
        "hint_detach": {
            "en": "stop the gradient with jax.lax.stop_gradient(x)",
            "vi": "hãy chặn gradient bằng jax.lax.stop_gradient(x)",
        },
        "hint_use": {"en": "use {spelling}(x)", "vi": "hãy dùng {spelling}(x)"},
        "hint_none": {"en": "JAX offers no such method", "vi": "JAX không có phương thức này"},
        "immutable": {
            "en": "JAX arrays are immutable: x[{i}] = {v} cannot change this array. Make a new "
            "one instead: x = x.at[{i}].set({v}) (also .add, .multiply, .min, .max, .get)",
            "vi": "mảng JAX không thay đổi được: x[{i}] = {v} không sửa được mảng này. Hãy tạo "
            "một mảng mới: x = x.at[{i}].set({v}) (có cả .add, .multiply, .min, .max, .get)",
            "quote": "JAX arrays are immutable and do not support in-place item assignment.",
        },
        "not_numbers": {
            "en": "JAX arrays hold numbers, got {x}",
            "vi": "mảng JAX chứa số, nhưng nhận được {x}",
            "quote": "Only arrays of numeric types are supported by JAX.",
        },
        "not_numbers_type": {
            "en": "JAX arrays hold numbers, not {type}: got {x}",
            "vi": "mảng JAX chứa số, không chứa {type}: nhận được {x}",
            "quote": "Only arrays of numeric types are supported by JAX.",
        },
        "ragged": {
            "en": "the nested lists have rows of different lengths, so they do not form an "
            "array; make every row the same length",
            "vi": "các danh sách lồng nhau có những hàng dài ngắn khác nhau, nên không tạo "
            "thành một mảng; hãy cho mọi hàng cùng độ dài",
        },
        "at_broadcast": {
            "en": "x.at[{i}]: the new values have shape {shape}, which does not broadcast to "
            "the {picked} entries picked from an array of shape {x}",
            "vi": "x.at[{i}]: các giá trị mới có kích thước {shape}, không lan truyền "
            "(broadcast) được tới {picked} phần tử được chọn từ một mảng kích thước {x}",
            "quote": "Incompatible types for broadcasting",
        },
        # transforms
        "float_inputs": {
            "en": "{who} requires real-valued inputs (a floating-point dtype), but {what} is "
            "{dtype}. Pass floats, e.g. jnp.arange(4.0) rather than jnp.arange(4), or convert "
            "with x.astype(jnp.float32)",
            "vi": "{who} cần đầu vào kiểu số thực, nhưng {what} có kiểu {dtype}. Hãy đưa vào "
            "số thực, ví dụ jnp.arange(4.0) thay vì jnp.arange(4), hoặc đổi kiểu bằng "
            "x.astype(jnp.float32)",
        },
        # the same words, with JAX's own sentence for the transforms it names
        "float_inputs_reverse": {
            "as": "float_inputs",
            "quote": "{jax_who} requires real- or complex-valued inputs (input dtype that is a "
            "sub-dtype of np.inexact), but got {dtype}.",
        },
        "float_inputs_forward": {
            "as": "float_inputs",
            "quote": "jacfwd requires real-valued inputs (input dtype that is a sub-dtype of "
            "np.floating), but got {dtype}.",
        },
        "what_argument": {"en": "argument {n}", "vi": "đối số {n}"},
        "what_primal": {"en": "primal {n}", "vi": "giá trị gốc {n}"},
        "jvp_shapes": {
            "en": "jvp called with different primal and tangent shapes: primal {i} has shape "
            "{primal} but its tangent has shape {tangent}; each tangent must have its "
            "primal's shape",
            "vi": "jvp được gọi với giá trị gốc và tiếp tuyến khác kích thước: giá trị gốc {i} "
            "có kích thước {primal} nhưng tiếp tuyến của nó có kích thước {tangent}; mỗi tiếp "
            "tuyến phải có cùng kích thước với giá trị gốc của nó",
            "quote": "jvp called with different primal and tangent shapes;Got primal shape "
            "{primal} and tangent shape as {tangent}",
        },
        "jvp_dtypes": {
            "en": "primal and tangent arguments to jax.jvp do not match: primal {i} has dtype "
            "{primal} but its tangent has dtype {tangent}; the dtypes must be equal (e.g. "
            "jnp.ones_like(x) as the tangent of x)",
            "vi": "giá trị gốc và tiếp tuyến đưa vào jax.jvp không khớp nhau: giá trị gốc {i} "
            "có kiểu {primal} nhưng tiếp tuyến của nó có kiểu {tangent}; hai kiểu phải bằng "
            "nhau (ví dụ jnp.ones_like(x) làm tiếp tuyến của x)",
            "quote": "primal and tangent arguments to jax.jvp do not match; dtypes must be equal",
        },
        "jvp_tuples": {
            "en": "{quote} Wrap one array in a tuple: jvp(f, (x,), (t,))",
            "vi": "giá trị gốc và tiếp tuyến đưa vào jax.jvp phải là tuple hoặc danh sách (list), "
            "nhưng nhận được {primals} và {tangents}: hãy bọc một mảng trong tuple, "
            "jvp(f, (x,), (t,))",
            "quote": "primal and tangent arguments to jax.jvp must be tuples or lists; found "
            "{primals} and {tangents}.",
        },
        "jvp_structure": {
            "en": "{quote} Give one tangent per primal",
            "vi": "giá trị gốc và tiếp tuyến đưa vào jax.jvp phải có cùng cấu trúc cây: giá "
            "trị gốc có cấu trúc {primals} còn tiếp tuyến có cấu trúc {tangents}; hãy đưa một "
            "tiếp tuyến cho mỗi giá trị gốc",
            "quote": "primal and tangent arguments to jax.jvp must have the same tree "
            "structure; primals have tree structure {primals} whereas tangents have tree "
            "structure {tangents}.",
        },
        "output_type": {
            "en": "{who}: the function must return JAX arrays (or a tuple, list or dict of "
            "them), but it returned {value} (of type {type}). Compute the result with jnp "
            "functions, or wrap it in jnp.asarray(...)",
            "vi": "{who}: hàm phải trả về mảng JAX (hoặc một tuple, danh sách hay dict các mảng), "
            "nhưng nó trả về {value} (kiểu {type}). Hãy tính kết quả bằng các hàm `jnp`, hoặc "
            "bọc nó trong jnp.asarray(...)",
            "quote": "Argument '{text}' of type {pytype} is not a valid JAX type",
        },
        "grad_scalar_was": {
            "en": "{quote} grad needs the function to return one number; for several outputs "
            "use jax.jacrev(f), or pass has_aux=True if the others are extras",
            "vi": "grad chỉ lấy đạo hàm của hàm có đầu ra vô hướng, nhưng hàm trả về {out}: "
            "grad cần hàm trả về một số; với nhiều đầu ra hãy dùng jax.jacrev(f), hoặc truyền "
            "has_aux=True nếu các giá trị còn lại chỉ là dữ liệu phụ",
            "quote": "Gradient only defined for scalar-output functions. Output was {out}.",
        },
        "grad_scalar_shape": {
            "en": "{quote} Reduce it to one number first, e.g. grad(lambda x: f(x).sum()), or "
            "use jax.jacrev(f) for the gradient of every entry",
            "vi": "grad chỉ lấy đạo hàm của hàm có đầu ra vô hướng, nhưng đầu ra có kích thước "
            "{shape}: hãy rút gọn nó thành một số trước, ví dụ `grad(lambda x: f(x).sum())`, "
            "hoặc dùng jax.jacrev(f) để có gradient của từng phần tử",
            "quote": "Gradient only defined for scalar-output functions. Output had shape: "
            "{shape}.",
        },
        "grad_real_output": {
            "en": "grad requires real-valued outputs (a floating-point dtype), but the output "
            "is {dtype}. Compute it from floats, e.g. jnp.arange(4.0) rather than "
            "jnp.arange(4)",
            "vi": "grad cần đầu ra kiểu số thực, nhưng đầu ra có kiểu {dtype}: hãy tính nó từ "
            "số thực, ví dụ jnp.arange(4.0) thay vì jnp.arange(4)",
            "quote": "grad requires real-valued outputs (output dtype that is a sub-dtype of "
            "np.floating), but got {dtype}.",
        },
        "cotangent_structure": {
            "en": "the cotangent passed to the VJP function must have the structure of the "
            "function's output, {out}, but it has {got}",
            "vi": "gradient đầu ra (cotangent) đưa vào hàm VJP phải có cấu trúc giống đầu ra "
            "của hàm, {out}, nhưng nó có cấu trúc {got}",
            "quote": "unexpected tree structure.",
        },
        "cotangent_type": {
            "en": "{quote}; pass a cotangent like jnp.ones_like(out)",
            "vi": "gradient đầu ra (cotangent) đưa vào hàm VJP có kiểu {got}, nhưng cần kiểu "
            "{expected} như đầu ra tương ứng của hàm: hãy đưa một giá trị như "
            "jnp.ones_like(out)",
            "quote": "unexpected JAX type (e.g. shape/dtype) for argument to VJP function: got "
            "{got}, but expected {expected} because the corresponding output of the "
            "differentiated function had JAX type {expected}",
        },
        "argnums_type": {
            "en": "grad: argnums must be an int or a tuple of ints, got {argnums}",
            "vi": "grad: `argnums` phải là một số nguyên hoặc một tuple các số nguyên, nhưng "
            "nhận được {argnums}",
        },
        "argnums_range": {
            "en": "differentiating with respect to argnums={argnums} requires at least {need} "
            "positional arguments to be passed by the caller, but got only {n} positional "
            "arguments",
            "vi": "lấy đạo hàm theo argnums={argnums} cần ít nhất {need} đối số vị trí, nhưng "
            "hàm chỉ được gọi với {n}",
            "quote": "differentiating with respect to argnums={argnums} requires at least "
            "{need} positional arguments to be passed by the caller, but got only {n} "
            "positional arguments.",
        },
        "vmap_in_axes": {
            "en": "{quote}",
            "vi": "in_axes của vmap phải là một số nguyên, None, hoặc một tuple có một phần tử "
            "cho mỗi đối số vị trí của hàm, nhưng len(in_axes)={k}, len(args)={n}",
            "quote": "vmap in_axes must be an int, None, or a tuple of entries corresponding "
            "to the positional arguments passed to the function, but got len(in_axes)={k}, "
            "len(args)={n}",
        },
        "vmap_rank": {
            "en": "vmap was requested to map argument {i} along axis {axis}, which implies "
            "that its rank should be at least {need}, but it is only {ndim} (its shape is "
            "{shape}); pass in_axes=None for an argument that is not mapped",
            "vi": "vmap được yêu cầu ánh xạ đối số {i} theo trục {axis}, nên số chiều của nó "
            "phải ít nhất là {need}, nhưng nó chỉ có {ndim} chiều (kích thước {shape}); hãy "
            "truyền in_axes=None cho đối số không được ánh xạ",
            "quote": "vmap was requested to map its argument along axis {axis}, which implies "
            "that its rank should be at least {need}, but is only {ndim} (its shape is "
            "{shape})",
        },
        "vmap_no_axis": {
            "en": "vmap must have at least one non-None value in in_axes (an argument to map "
            "over), or axis_size must be given",
            "vi": "vmap cần ít nhất một giá trị khác None trong in_axes (một đối số để ánh "
            "xạ), hoặc phải cho axis_size",
            "quote": "vmap must have at least one non-None value in in_axes or axis_size must "
            "be specified",
        },
        "vmap_sizes": {
            "en": "{quote}\n{lines}\nevery mapped axis must have the same size",
            "vi": "vmap nhận các trục cần ánh xạ có độ dài khác nhau:\n{lines}\nmọi trục được "
            "ánh xạ phải có cùng độ dài",
            "quote": "vmap got inconsistent sizes for array axes to be mapped:",
        },
        # jax.nn
        "logsumexp_b": {
            "en": "autograd_viz.jax: jax.nn.logsumexp(b=..., return_sign=True) is not "
            "provided; write log Σ b·exp(a) as jnp.log(jnp.sum(b * jnp.exp(a)))",
            "vi": "autograd_viz.jax chưa có jax.nn.logsumexp(b=..., return_sign=True); hãy "
            "viết log Σ b·exp(a) thành jnp.log(jnp.sum(b * jnp.exp(a)))",
        },
        "rule_grad_count": {
            "quote": "Custom VJP bwd rule must produce an output with the same container "
            "(pytree) structure as the args tuple of the primal function, and in particular "
            "must produce a tuple of length equal to the number of arguments to the primal "
            "function",
        },
        # jax.numpy
        "matmul_scalar": {
            "en": "matmul needs at least one axis on each side, got shapes {a} and {b}; use * "
            "to multiply by a scalar",
            "vi": "matmul cần mỗi bên có ít nhất một trục, nhưng nhận được kích thước {a} và "
            "{b}; hãy dùng * để nhân với một số vô hướng",
            "quote": "matmul input operand {k} must have ndim at least 1, but it has ndim 0",
        },
        "norm_ord": {
            "en": "jnp.linalg.norm(x, ord={ord}) is not provided by autograd_viz.jax; the "
            "2-norm (ord=None) is",
            "vi": "autograd_viz.jax chưa có jnp.linalg.norm(x, ord={ord}); chỉ có chuẩn 2 "
            "(ord=None)",
        },
        "stack_empty": {
            "en": "jnp.stack needs at least one array",
            "vi": "jnp.stack cần ít nhất một mảng",
            "quote": "Need at least one array to stack.",
        },
        "stack_shapes": {
            "en": "jnp.stack: array {i} has shape {shape} but array 0 has shape {first}; all "
            "must have the same shape",
            "vi": "jnp.stack: mảng {i} có kích thước {shape} nhưng mảng 0 có kích thước "
            "{first}; mọi mảng phải cùng kích thước",
            "quote": "All input arrays must have the same shape.",
        },
        "stack_axis": {
            "en": "jnp.stack: axis={axis} is out of range for arrays of shape {shape}",
            "vi": "jnp.stack: axis={axis} nằm ngoài phạm vi với các mảng kích thước {shape}",
            "quote": "axis {axis} is out of bounds for array of dimension {ndim}",
        },
        "concat_empty": {
            "en": "jnp.concatenate needs at least one array",
            "vi": "jnp.concatenate cần ít nhất một mảng",
            "quote": "Need at least one array to concatenate.",
        },
        "concat_scalar": {
            "en": "jnp.concatenate cannot join 0-d arrays; use jnp.stack",
            "vi": "jnp.concatenate không nối được các mảng 0 chiều; hãy dùng jnp.stack",
            "quote": "Zero-dimensional arrays cannot be concatenated.",
        },
        # jax.random
        "key_len": {
            "en": "len() of a single key (a 0-d key array) is undefined",
            "vi": "len() không xác định với một khóa đơn (mảng khóa 0 chiều)",
            "quote": "len() of unsized object",
        },
        "key_index": {
            "en": "a single key cannot be indexed; split it with random.split(key)",
            "vi": "không lấy chỉ số được trên một khóa đơn; hãy tách nó bằng random.split(key)",
            "quote": "Too many indices: array is 0-dimensional, but 1 were indexed",
        },
        "seed_array": {
            "en": "{who}: the seed must be an integer, got {seed}",
            "vi": "{who}: giá trị khởi tạo (seed) phải là một số nguyên, nhưng nhận được {seed}",
            "quote": "PRNG key seed must be an integer",
        },
        "seed_int": {
            "en": "PRNG key seed must be an integer; got {seed} ({type}). Pass a whole "
            "number, e.g. {who}(0)",
            "vi": "giá trị khởi tạo (seed) của khóa ngẫu nhiên phải là một số nguyên, nhưng "
            "nhận được {seed} ({type}): hãy đưa vào một số nguyên, ví dụ {who}(0)",
            "quote": "PRNG key seed must be an integer",
        },
        "need_key": {
            "en": "{who} needs a PRNG key, made by jax.random.key(seed) (or "
            "jax.random.PRNGKey(seed)) and split into new keys with jax.random.split(key); "
            "got {got}",
            "vi": "{who} cần một khóa ngẫu nhiên (PRNG key), tạo bằng jax.random.key(seed) "
            "(hoặc jax.random.PRNGKey(seed)) và tách thành các khóa mới bằng "
            "jax.random.split(key); nhưng nhận được {got}",
            "quote": "JAX encountered invalid PRNG key data",
        },
        "single_key": {
            "en": "{who} takes a single key, but got a batch of keys of shape {shape}; pick one "
            "(keys[0]) or map with jax.vmap",
            "vi": "{who} nhận một khóa đơn, nhưng nhận được một batch khóa kích thước {shape}; "
            "hãy chọn một khóa (`keys[0]`) hoặc ánh xạ bằng jax.vmap",
            "quote": "{name} accepts a single key, but was given a key array of shape {shape} "
            "!= (). Use jax.vmap for batching.",
        },
        "shape_ints": {
            "en": "{who}: shape must be a tuple of ints, got {shape}",
            "vi": "{who}: kích thước (shape) phải là một tuple các số nguyên, nhưng nhận được "
            "{shape}",
            "quote": "Shapes must be 1D sequences of concrete values of integer type, got {shape}.",
        },
        "float_dtype": {
            "en": "{who} draws floating-point numbers; dtype={dtype} is not a float dtype (use "
            "jnp.float32, or random.randint for integers)",
            "vi": "{who} sinh số thực; dtype={dtype} không phải kiểu số thực (hãy dùng "
            "jnp.float32, hoặc random.randint cho số nguyên)",
            "quote": "dtype argument to `{name}` must be a {kinds} dtype, got {dtype}",
        },
    },
    framework="JAX",
    parent=DIALECT,
)

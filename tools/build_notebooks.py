"""Generate notebooks/en/*.ipynb and notebooks/vi/*.ipynb from one source.

Every notebook is written here once, as a list of cells: a markdown cell holds
its English and its Vietnamese text side by side, a code cell holds code that
is the same in both languages (only its comments may be translated, and the
line ``LANG = "en"`` becomes ``LANG = "vi"``).  So the two languages cannot
drift apart: tests/notebooks/test_notebooks.py checks the same thing on the files.

    python tools/build_notebooks.py             # write and execute all notebooks (saved with outputs)
    python tools/build_notebooks.py --no-execute
    python tools/build_notebooks.py 02          # only notebooks whose name starts with 02

Execution runs each notebook in a fresh kernel (nbclient) in a temporary
directory, so files a notebook writes (the HTML export of notebook 04) do
not land in the repository.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "notebooks"
LANGS = ("en", "vi")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANG_LINE = 'LANG = "en"'


@dataclass
class Md:
    en: str
    vi: str


@dataclass
class Code:
    en: str
    vi: str | None = None          # the same code with Vietnamese comments
    tags: tuple = field(default_factory=tuple)

    def source(self, lang):
        text = self.en if lang == "en" or self.vi is None else self.vi
        return text.replace(LANG_LINE, f'LANG = "{lang}"').strip("\n")


def translated(en, comments, tags=()):
    """A code cell whose Vietnamese version differs only in its comments:
    ``comments`` maps each English comment (after ``# ``) to its translation."""
    vi = en
    for english, vietnamese in comments.items():
        if f"# {english}" not in en:
            raise ValueError(f"no comment {english!r} in the cell:\n{en}")
        vi = vi.replace(f"# {english}", f"# {vietnamese}")
    return code(en, vi, tags)


def md(en, vi):
    return Md(en.strip("\n"), vi.strip("\n"))


def code(en, vi=None, tags=()):
    return Code(en, vi, tuple(tags))


# =====================================================================================
# 01  the chapter, step by step, in the framework of your choice
# =====================================================================================

NB01 = [
    md("""
# Automatic differentiation, drawn

This notebook walks through the chapter *Automatic Differentiation* of
[Dive into Deep Learning](https://d2l.ai): a simple example ($y = 2\\mathbf{x}^\\top\\mathbf{x}$),
backward for non-scalar variables, detaching computation, and gradients through
Python control flow.  Every example runs the chapter's own code for **PyTorch**,
**TensorFlow** or **MXNet**, and after each one we look at what the framework
recorded:

* `av.draw(y)` draws the computational graph: the operations, the value each one
  produced and, after the backward pass, the gradient that reached it;
* `av.step_through(y)` replays the computation: first the forward pass, one
  operation at a time, then the backward pass, where every step shows the
  gradient that arrives, the local derivative and their product (the chain rule).

The frameworks here are `autograd_viz`'s *dialects*: small modules that speak
each framework's language on top of one engine, so the drawings look the same
whichever you pick.  **Choose the framework in the next cell** and run the
notebook from the top (*Run → Run All Cells*).
""", """
# Vi phân tự động, nhìn bằng hình

Notebook này đi qua chương *Vi phân tự động* của cuốn
[Đắm mình vào Học Sâu](https://d2l.aivivn.com) (Dive into Deep Learning): một ví dụ
đơn giản ($y = 2\\mathbf{x}^\\top\\mathbf{x}$), lan truyền ngược với biến không phải vô hướng,
tách một phép tính khỏi đồ thị, và gradient đi qua luồng điều khiển của Python.
Mỗi ví dụ chạy đúng mã của chương cho **PyTorch**, **TensorFlow** hoặc **MXNet**, rồi
ta xem framework đã ghi lại những gì:

* `av.draw(y)` vẽ đồ thị tính toán: các phép toán, giá trị mỗi phép toán tạo ra và,
  sau lượt lan truyền ngược, gradient đã đến được nút đó;
* `av.step_through(y)` phát lại quá trình tính: trước hết là lượt lan truyền xuôi,
  từng phép toán một, rồi đến lượt lan truyền ngược, trong đó mỗi bước cho thấy
  gradient đi tới, đạo hàm cục bộ và tích của chúng (quy tắc dây chuyền).

Các framework ở đây là các *phương ngữ* của `autograd_viz`: những mô-đun nhỏ nói
"ngôn ngữ" của từng framework trên cùng một lõi tính toán, nên hình vẽ giống nhau dù
bạn chọn framework nào. **Hãy chọn framework ở ô tiếp theo** rồi chạy notebook từ
đầu (*Run → Run All Cells*).
"""),
    code("""
FRAMEWORK = "pytorch"   # "pytorch" | "tensorflow" | "mxnet"
""", tags=("parameters",)),
    translated("""
LANG = "en"   # the language of the diagrams and explanations
import autograd_viz as av

if FRAMEWORK == "pytorch":
    import autograd_viz.torch as torch
    torch.manual_seed(0)
elif FRAMEWORK == "tensorflow":
    import autograd_viz.tf as tf
    tf.random.set_seed(0)
elif FRAMEWORK == "mxnet":
    from autograd_viz.mxnet import autograd, np, npx
    npx.set_np()
    np.random.seed(0)
else:
    raise ValueError(f"FRAMEWORK must be 'pytorch', 'tensorflow' or 'mxnet', not {FRAMEWORK!r}")
print("framework:", FRAMEWORK)
""", comments={
        "the language of the diagrams and explanations":
            "ngôn ngữ của hình vẽ và lời giải thích"}),
    md("""
## 1. A simple example

We want the derivative of $y = 2\\mathbf{x}^\\top\\mathbf{x}$ with respect to the column
vector $\\mathbf{x}$.  By hand: $y = 2\\sum_i x_i^2$, so $\\partial y/\\partial x_i = 4x_i$, i.e.
the gradient is $4\\mathbf{x}$.  Let the framework find it.  First the variable `x`:
""", """
## 1. Một ví dụ đơn giản

Ta muốn tính đạo hàm của $y = 2\\mathbf{x}^\\top\\mathbf{x}$ theo vectơ cột $\\mathbf{x}$.
Tính tay: $y = 2\\sum_i x_i^2$, nên $\\partial y/\\partial x_i = 4x_i$, tức gradient là
$4\\mathbf{x}$. Hãy để framework tự tìm ra kết quả này. Trước hết là biến `x`:
"""),
    code("""
if FRAMEWORK == "pytorch":
    x = torch.arange(4.0)
elif FRAMEWORK == "tensorflow":
    x = tf.range(4, dtype=tf.float32)
else:
    x = np.arange(4.0)
x
"""),
    md("""
The gradient of a scalar with respect to `x` has the same shape as `x`, and it
needs a place to live.  Each framework asks for it in its own way: PyTorch marks
`x` with `requires_grad_` (its `.grad` stays `None` until a backward pass),
MXNet's `attach_grad` allocates a buffer of zeros, and TensorFlow watches every
`tf.Variable` that a `GradientTape` sees.
""", """
Gradient của một đại lượng vô hướng theo `x` có cùng kích thước với `x`, và cần một
chỗ để lưu. Mỗi framework yêu cầu điều đó theo cách riêng: PyTorch đánh dấu `x` bằng
`requires_grad_` (thuộc tính `.grad` vẫn là `None` cho đến khi có một lượt lan truyền
ngược), `attach_grad` của MXNet cấp phát sẵn một vùng nhớ toàn số 0, còn TensorFlow
theo dõi mọi `tf.Variable` mà một `GradientTape` nhìn thấy.
"""),
    code("""
if FRAMEWORK == "pytorch":
    x.requires_grad_(True)   # same as x = torch.arange(4.0, requires_grad=True)
    print(x.grad)            # None until the first backward
elif FRAMEWORK == "tensorflow":
    x = tf.Variable(x)
else:
    x.attach_grad()          # .grad starts as zeros
    print(x.grad)
""", """
if FRAMEWORK == "pytorch":
    x.requires_grad_(True)   # giống x = torch.arange(4.0, requires_grad=True)
    print(x.grad)            # None cho tới lần backward đầu tiên
elif FRAMEWORK == "tensorflow":
    x = tf.Variable(x)
else:
    x.attach_grad()          # .grad ban đầu toàn số 0
    print(x.grad)
"""),
    md("""
Now compute $y$.  PyTorch records every operation on `x` as it runs; TensorFlow
records only inside a `GradientTape`, MXNet only inside `autograd.record()`.
""", """
Bây giờ ta tính $y$. PyTorch ghi lại mọi phép toán trên `x` ngay khi chạy; TensorFlow
chỉ ghi bên trong một `GradientTape`, còn MXNet chỉ ghi bên trong `autograd.record()`.
"""),
    code("""
if FRAMEWORK == "pytorch":
    y = 2 * torch.dot(x, x)
elif FRAMEWORK == "tensorflow":
    with tf.GradientTape() as t:          # record onto a tape
        y = 2 * tf.tensordot(x, x, axes=1)
else:
    with autograd.record():               # build the graph inside this scope
        y = 2 * np.dot(x, x)
y
""", """
if FRAMEWORK == "pytorch":
    y = 2 * torch.dot(x, x)
elif FRAMEWORK == "tensorflow":
    with tf.GradientTape() as t:          # ghi các phép toán lên "cuộn băng"
        y = 2 * tf.tensordot(x, x, axes=1)
else:
    with autograd.record():               # đồ thị được dựng bên trong khối này
        y = 2 * np.dot(x, x)
y
"""),
    md("""
What was recorded?  Blue boxes are the inputs (leaves), orange boxes are
operations with the value they produced; the small grey numbers are constants.
No backward pass has run yet, so there are no gradients.
""", """
Framework đã ghi lại những gì? Các ô xanh là đầu vào (nút lá), các ô cam là phép toán
cùng giá trị mà chúng tạo ra; những con số nhỏ màu xám là hằng số. Chưa có lượt lan
truyền ngược nào, nên chưa có gradient.
"""),
    code("""
av.draw(y, lang=LANG)
"""),
    md("""
Now the backward pass, and the gradient of `y` with respect to each element of `x`:
""", """
Giờ là lượt lan truyền ngược, và gradient của `y` theo từng phần tử của `x`:
"""),
    code("""
if FRAMEWORK == "tensorflow":
    x_grad = t.gradient(y, x)
else:
    y.backward()
    x_grad = x.grad
x_grad
"""),
    code("""
x_grad == 4 * x
"""),
    md("""
The same graph after the backward pass: each node now also shows the gradient
of $y$ with respect to it.
""", """
Vẫn đồ thị đó sau lượt lan truyền ngược: mỗi nút giờ hiển thị thêm gradient của $y$
theo nút ấy.
"""),
    code("""
av.draw(y, lang=LANG)
"""),
    md("""
And step by step.  Press ▶ to play, or use the buttons and the slider: first the
forward pass (one frame per operation), then the backward pass, which starts at
$y$ with $\\partial y/\\partial y = 1$ and multiplies by one local derivative per step.
`x` enters the dot product twice, so its two contributions are added.
""", """
Và từng bước một. Bấm ▶ để phát, hoặc dùng các nút và thanh trượt: đầu tiên là lượt
lan truyền xuôi (mỗi phép toán một khung hình), sau đó là lượt lan truyền ngược, bắt
đầu tại $y$ với $\\partial y/\\partial y = 1$ và mỗi bước nhân thêm một đạo hàm cục bộ.
`x` đi vào tích vô hướng hai lần, nên hai phần đóng góp của nó được cộng lại.
"""),
    code("""
steps = av.step_through(y, lang=LANG)
steps
"""),
    md("""
Every frame also carries its explanation as text; here is the last one:
""", """
Mỗi khung hình cũng kèm lời giải thích dạng văn bản; đây là khung hình cuối:
"""),
    code("""
print(steps.frames[-1].text)
"""),
    md("""
Now another function of `x`, $y = \\sum_i x_i$.  Mind the difference: PyTorch
**adds** new gradients to `.grad`, so we clear it first with `zero_()`; MXNet
overwrites `.grad`; TensorFlow returns a fresh gradient from a new tape.
""", """
Giờ là một hàm khác của `x`, $y = \\sum_i x_i$. Chú ý khác biệt: PyTorch **cộng dồn**
gradient mới vào `.grad`, nên ta phải xoá nó trước bằng `zero_()`; MXNet ghi đè `.grad`;
còn TensorFlow trả về một gradient mới từ một cuộn băng mới.
"""),
    code("""
if FRAMEWORK == "pytorch":
    x.grad.zero_()
    y = x.sum()
    y.backward()
    x_grad = x.grad
elif FRAMEWORK == "tensorflow":
    with tf.GradientTape() as t:
        y = tf.reduce_sum(x)
    x_grad = t.gradient(y, x)
else:
    with autograd.record():
        y = x.sum()
    y.backward()
    x_grad = x.grad
x_grad
"""),
    code("""
av.step_through(y, lang=LANG)
"""),
    md("""
## 2. Backward for non-scalar variables

If `y` is a vector, the derivative of `y` with respect to `x` is a matrix (the
Jacobian).  In deep learning we usually want something simpler: `y` holds one
loss per example of a batch, and we want the gradient of their **sum**.  PyTorch
asks us to say so (`y.sum().backward()`, or `y.backward(gradient=torch.ones(len(y)))`);
TensorFlow and MXNet sum for us.
""", """
## 2. Lan truyền ngược với biến không phải vô hướng

Nếu `y` là một vectơ thì đạo hàm của `y` theo `x` là một ma trận (ma trận Jacobi).
Trong học sâu ta thường cần thứ đơn giản hơn: `y` chứa giá trị mất mát của từng
mẫu trong một lô, và ta muốn gradient của **tổng** các giá trị đó. PyTorch yêu cầu ta
nói rõ điều này (`y.sum().backward()`, hoặc `y.backward(gradient=torch.ones(len(y)))`);
TensorFlow và MXNet tự lấy tổng cho ta.
"""),
    code("""
if FRAMEWORK == "pytorch":
    x.grad.zero_()
    y = x * x
    y.sum().backward()        # same as y.backward(torch.ones(len(y)))
    x_grad = x.grad
elif FRAMEWORK == "tensorflow":
    with tf.GradientTape() as t:
        y = x * x
    x_grad = t.gradient(y, x)  # the gradient of tf.reduce_sum(y)
else:
    with autograd.record():
        y = x * x
    y.backward()              # backward of sum(y)
    x_grad = x.grad
x_grad
""", """
if FRAMEWORK == "pytorch":
    x.grad.zero_()
    y = x * x
    y.sum().backward()        # giống y.backward(torch.ones(len(y)))
    x_grad = x.grad
elif FRAMEWORK == "tensorflow":
    with tf.GradientTape() as t:
        y = x * x
    x_grad = t.gradient(y, x)  # gradient của tf.reduce_sum(y)
else:
    with autograd.record():
        y = x * x
    y.backward()              # lan truyền ngược cho sum(y)
    x_grad = x.grad
x_grad
"""),
    md("""
In the drawing, PyTorch's explicit `sum` is a node of its own; with TensorFlow and
MXNet the backward pass starts at `y` with a gradient of ones, which is the same thing.
""", """
Trong hình, phép `sum` mà PyTorch bắt ta viết ra là một nút riêng; với TensorFlow và
MXNet, lượt lan truyền ngược bắt đầu tại `y` với gradient toàn số 1, và điều đó là như nhau.
"""),
    code("""
av.step_through(y, lang=LANG)
"""),
    md("""
## 3. Detaching computation

Sometimes part of a computation should count as a constant.  Here `y = x * x`,
and `u` has the values of `y` but no history (`detach`, or `tf.stop_gradient`).
Then `z = u * x` is differentiated as if `u` were a constant: the gradient of `z`
with respect to `x` is `u`, not the $3x^2$ we would get from $z = x \\cdot x \\cdot x$.
""", """
## 3. Tách phép tính khỏi đồ thị

Đôi khi một phần của phép tính cần được coi là hằng số. Ở đây `y = x * x`, còn `u` có
cùng giá trị với `y` nhưng không mang theo lịch sử tính toán (`detach`, hoặc
`tf.stop_gradient`). Khi đó `z = u * x` được lấy đạo hàm như thể `u` là hằng số:
gradient của `z` theo `x` là `u`, chứ không phải $3x^2$ như khi $z = x \\cdot x \\cdot x$.
"""),
    translated("""
if FRAMEWORK == "pytorch":
    x.grad.zero_()
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    x_grad = x.grad
elif FRAMEWORK == "tensorflow":
    with tf.GradientTape(persistent=True) as t:   # persistent: we ask it twice
        y = x * x
        u = tf.stop_gradient(y)
        z = u * x
    x_grad = t.gradient(z, x)
else:
    with autograd.record():
        y = x * x
        u = y.detach()
        z = u * x
    z.backward()
    x_grad = x.grad
x_grad == u
""", comments={
        "persistent: we ask it twice": "persistent: ta sẽ hỏi cuộn băng hai lần",
    }),
    md("""
In the picture `u` is a leaf: nothing connects it back to `y`, so no gradient
flows from `z` into `y`.  The backward pass has a single step.
""", """
Trong hình, `u` là một nút lá: không có gì nối nó ngược về `y`, nên không có gradient
nào chảy từ `z` vào `y`. Lượt lan truyền ngược chỉ có đúng một bước.
"""),
    code("""
av.draw(z, lang=LANG)
"""),
    code("""
av.step_through(z, lang=LANG)
"""),
    md("""
The computation of `y` was still recorded, so we can differentiate `y` itself:
$\\partial y / \\partial x = 2x$.
""", """
Phép tính `y` vẫn được ghi lại, nên ta vẫn có thể lấy đạo hàm của chính `y`:
$\\partial y / \\partial x = 2x$.
"""),
    code("""
if FRAMEWORK == "pytorch":
    x.grad.zero_()
    y.sum().backward()
    x_grad = x.grad
elif FRAMEWORK == "tensorflow":
    x_grad = t.gradient(y, x)
else:
    y.backward()
    x_grad = x.grad
x_grad == 2 * x
"""),
    code("""
av.step_through(y, lang=LANG)
"""),
    md("""
## 4. Gradients through Python control flow

The graph is recorded while the code runs, so it can go through `while` loops and
`if` statements whose outcome depends on the data.  In `f` below the number of
loop iterations and the branch taken both depend on the input `a`.
""", """
## 4. Gradient qua luồng điều khiển của Python

Đồ thị được ghi lại trong lúc mã chạy, nên nó có thể đi qua các vòng lặp `while` và
câu lệnh `if` mà kết quả phụ thuộc vào dữ liệu. Trong hàm `f` dưới đây, cả số vòng
lặp lẫn nhánh được chọn đều phụ thuộc vào đầu vào `a`.
"""),
    code("""
if FRAMEWORK == "pytorch":
    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c
elif FRAMEWORK == "tensorflow":
    def f(a):
        b = a * 2
        while tf.norm(b) < 1000:
            b = b * 2
        if tf.reduce_sum(b) > 0:
            c = b
        else:
            c = 100 * b
        return c
else:
    def f(a):
        b = a * 2
        while np.linalg.norm(b) < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c
"""),
    code("""
if FRAMEWORK == "pytorch":
    a = torch.randn(size=(), requires_grad=True)
    d = f(a)
    d.backward()
    a_grad = a.grad
elif FRAMEWORK == "tensorflow":
    a = tf.Variable(tf.random.normal(shape=()))
    with tf.GradientTape() as t:
        d = f(a)
    a_grad = t.gradient(d, a)
else:
    a = np.random.normal()
    a.attach_grad()
    with autograd.record():
        d = f(a)
    d.backward()
    a_grad = a.grad
print("a =", a)
print("d =", d)
a_grad
"""),
    md("""
Look at what `f` does to `a`: it doubles it some number of times and perhaps
multiplies it by 100 at the end, nothing else.  So `d` is `a` times a factor made
of 2s and maybe a 100; call it `k`, so `d = k·a`.  Nudge `a` a little and the loop
runs just as often and takes the same branch, so `k` does not move: the slope of
`d` at this `a` is `k` itself, which we can read off as `d / a`:
""", """
Hãy xem `f` làm gì với `a`: nó nhân đôi `a` một số lần, có thể nhân thêm 100 ở cuối,
và không làm gì khác. Vậy `d` bằng `a` nhân với một thừa số gồm các số 2 và có thể
thêm số 100; gọi thừa số đó là `k`, ta có `d = k·a`. Khi `a` xê dịch một chút, vòng
lặp vẫn chạy bấy nhiêu lần và vẫn đi cùng nhánh, nên `k` giữ nguyên: độ dốc của `d`
tại giá trị `a` này chính là `k`, và ta đọc được nó bằng `d / a`:
"""),
    code("""
a_grad == d / a
"""),
    md("""
The recorded graph is a chain: one multiplication per loop iteration that actually
ran.  A different `a` gives a chain of a different length.
""", """
Đồ thị được ghi lại là một chuỗi: mỗi vòng lặp thực sự chạy thêm một phép nhân. Một
giá trị `a` khác cho ra một chuỗi có độ dài khác.
"""),
    code("""
av.draw(d, lang=LANG)
"""),
    code("""
steps = av.step_through(d, lang=LANG)
print(len(steps.frames), "frames")
steps
"""),
    md("""
## Summary

* Frameworks compute derivatives for us.  We mark the variables we want
  gradients for, record the computation of the target, run backward and read the
  gradients.
* What gets recorded is a graph of operations; the backward pass visits it in
  reverse and applies the chain rule once per operation: *upstream gradient ×
  local derivative*; where a value was used several times, the contributions add up.
* Next: [02 backprop step by step](02_backprop_step_by_step.ipynb) and the
  [exercises](03_exercises.ipynb).
""", """
## Tóm tắt

* Các framework tính đạo hàm giúp ta. Ta đánh dấu những biến cần gradient, ghi lại
  quá trình tính giá trị đích, chạy lan truyền ngược rồi đọc các gradient.
* Thứ được ghi lại là một đồ thị các phép toán; lượt lan truyền ngược đi qua nó theo
  chiều ngược lại và áp dụng quy tắc dây chuyền một lần cho mỗi phép toán: *gradient
  từ phía sau × đạo hàm cục bộ*; nơi nào một giá trị được dùng nhiều lần thì các phần
  đóng góp được cộng lại.
* Tiếp theo: [02 lan truyền ngược từng bước](02_backprop_step_by_step.ipynb) và
  [bài tập](03_exercises.ipynb).
"""),
]


# =====================================================================================
# 02  backprop step by step
# =====================================================================================

NB02 = [
    md("""
# Backpropagation, step by step

Backpropagation is the chain rule applied in a good order.  The forward pass
computes and records each operation; the backward pass walks the record in
reverse, and at every operation it does one multiplication:

$$\\underbrace{\\frac{\\partial L}{\\partial \\text{input}}}_{\\text{sent back}} =
\\underbrace{\\frac{\\partial L}{\\partial \\text{output}}}_{\\text{arrives (upstream)}}
\\times \\underbrace{\\frac{\\partial\\, \\text{output}}{\\partial \\text{input}}}_{\\text{local derivative}}$$

Here we watch this happen in six small computations.  We use `autograd_viz`'s
own tensors (`av.tensor`); the PyTorch, TensorFlow and MXNet dialects record the
same graphs.
""", """
# Lan truyền ngược từng bước

Lan truyền ngược chính là quy tắc dây chuyền được áp dụng theo một thứ tự hợp lý.
Lượt lan truyền xuôi tính và ghi lại từng phép toán; lượt lan truyền ngược đi qua bản
ghi đó theo chiều ngược lại, và tại mỗi phép toán nó làm đúng một phép nhân:

$$\\underbrace{\\frac{\\partial L}{\\partial \\text{đầu vào}}}_{\\text{gửi ngược về}} =
\\underbrace{\\frac{\\partial L}{\\partial \\text{đầu ra}}}_{\\text{đi tới (từ phía sau)}}
\\times \\underbrace{\\frac{\\partial\\, \\text{đầu ra}}{\\partial \\text{đầu vào}}}_{\\text{đạo hàm cục bộ}}$$

Ta sẽ quan sát điều này qua sáu phép tính nhỏ, dùng tensor của chính `autograd_viz`
(`av.tensor`); các phương ngữ PyTorch, TensorFlow và MXNet ghi lại đúng những đồ thị này.
"""),
    code("""
LANG = "en"   # the language of the diagrams and explanations
import autograd_viz as av
""", """
LANG = "en"   # ngôn ngữ của hình vẽ và lời giải thích
import autograd_viz as av
"""),
    md("""
## 1. One neuron

A neuron with weight `w` and bias `b` reads the input `x` and outputs
$y = \\tanh(w x + b)$; we want $y$ close to the target 1, so the loss is
$L = (y - 1)^2$.  Training needs $\\partial L/\\partial w$ and $\\partial L/\\partial b$.
""", """
## 1. Một nơ-ron

Một nơ-ron có trọng số `w` và độ chệch `b` nhận đầu vào `x` và cho ra
$y = \\tanh(w x + b)$; ta muốn $y$ gần với giá trị đích 1, nên hàm mất mát là
$L = (y - 1)^2$. Để huấn luyện ta cần $\\partial L/\\partial w$ và $\\partial L/\\partial b$.
"""),
    code("""
x = av.tensor(0.5)
w = av.tensor(-1.5, requires_grad=True)
b = av.tensor(0.8, requires_grad=True)

h = w * x + b
y = av.tanh(h)
loss = (y - 1) ** 2
loss.backward()
print("dL/dw =", w.grad, "  dL/db =", b.grad)
"""),
    code("""
av.draw(loss, lang=LANG)
"""),
    md("""
Step through it.  In the backward frames, follow the red arrows: the gradient
that arrives at a node is multiplied by the local derivative of that node's
operation, once per input.  `x` gets no gradient: we did not ask for one.
""", """
Hãy đi qua từng bước. Ở các khung hình lan truyền ngược, hãy dõi theo các mũi tên đỏ:
gradient đi tới một nút được nhân với đạo hàm cục bộ của phép toán tại nút đó, mỗi đầu
vào một lần. `x` không nhận gradient nào, vì ta không yêu cầu.
"""),
    code("""
av.step_through(loss, lang=LANG)
"""),
    md("""
The same by hand, with $\\tanh'(h) = 1 - \\tanh^2(h)$:
$\\partial L/\\partial w = 2(y-1)\\,(1-y^2)\\,x$ and $\\partial L/\\partial b = 2(y-1)\\,(1-y^2)$.
""", """
Tính tay cũng ra như vậy, với $\\tanh'(h) = 1 - \\tanh^2(h)$:
$\\partial L/\\partial w = 2(y-1)\\,(1-y^2)\\,x$ và $\\partial L/\\partial b = 2(y-1)\\,(1-y^2)$.
"""),
    code("""
by_hand = 2 * (y - 1) * (1 - y ** 2)
print(float(by_hand * x), float(w.grad))
print(float(by_hand), float(b.grad))
"""),
    md("""
## 2. Vectors and broadcasting

Now the same neuron on a batch of three inputs at once.  `w` and `b` are scalars,
so `w * x + b` *broadcasts* them to every example.  Each example contributes to
the gradient of `w`; going backward, the vector of contributions is **summed**
back to the shape of `w` (watch for "summed to the shape of" in the frames).
""", """
## 2. Vectơ và cơ chế lan truyền (broadcasting)

Vẫn nơ-ron ấy, nhưng giờ chạy trên một lô gồm ba đầu vào cùng lúc. `w` và `b` là số vô
hướng, nên `w * x + b` *lan truyền* (broadcast) chúng tới từng mẫu. Mỗi mẫu đóng góp
một phần vào gradient của `w`; khi đi ngược, vectơ các phần đóng góp được **lấy tổng**
để trở về đúng kích thước của `w` (hãy để ý dòng "Cộng dồn về kích thước của" trong các
khung hình).
"""),
    code("""
x = av.tensor([0.5, -1.0, 2.0])
target = av.tensor([1.0, -1.0, 1.0])
w = av.tensor(-1.5, requires_grad=True)
b = av.tensor(0.8, requires_grad=True)

y = av.tanh(w * x + b)
loss = ((y - target) ** 2).mean()
loss.backward()
print("dL/dw =", w.grad, "  dL/db =", b.grad)
"""),
    code("""
steps = av.step_through(loss, lang=LANG)
steps
"""),
    code("""
for frame in steps.frames:
    if frame.kind == "backward":
        print(frame.title)
        print(frame.text, end="\\n\\n")
"""),
    md("""
## 3. A value used twice: gradients add up

In $u = x y$, $v = u + x$, $L = v y$ both `x` and `y` are used twice.  A value that
feeds several operations receives a gradient from each of them, and its gradient
is the **sum**.  This is also why PyTorch's `.grad` accumulates: the engine adds
every contribution into the same place.
""", """
## 3. Một giá trị được dùng hai lần: các gradient cộng dồn

Trong $u = x y$, $v = u + x$, $L = v y$, cả `x` lẫn `y` đều được dùng hai lần. Một giá
trị đi vào nhiều phép toán sẽ nhận gradient từ từng phép toán đó, và gradient của nó là
**tổng** các phần ấy. Đây cũng là lý do `.grad` trong PyTorch cộng dồn: lõi tính toán
cộng mọi phần đóng góp vào cùng một chỗ.
"""),
    code("""
x = av.tensor(2.0, requires_grad=True)
y = av.tensor(3.0, requires_grad=True)
u = x * y
v = u + x
L = v * y
L.backward()
print("dL/dx =", x.grad, " (= y·y + y)")
print("dL/dy =", y.grad, " (= x·y + v)")
"""),
    code("""
steps = av.step_through(L, lang=LANG)
steps
"""),
    code("""
print(steps.frames[-1].text)
"""),
    md("""
## 4. Detach

`u = (x * x).detach()` has the value $x^2$ but no history, so in
$z = u x + x^2$ only the second term and the factor $x$ of the first carry a
gradient back: $\\partial z / \\partial x = u + 2x$, not $3x^2 + 2x$.
""", """
## 4. Tách khỏi đồ thị (detach)

`u = (x * x).detach()` có giá trị $x^2$ nhưng không có lịch sử, nên trong
$z = u x + x^2$ chỉ có số hạng thứ hai và thừa số $x$ của số hạng thứ nhất mang
gradient về: $\\partial z / \\partial x = u + 2x$, chứ không phải $3x^2 + 2x$.
"""),
    code("""
x = av.tensor(3.0, requires_grad=True)
u = (x * x).detach()
z = u * x + x * x
z.backward()
print("dz/dx =", x.grad, " u + 2x =", float(u + 2 * x))
"""),
    code("""
av.step_through(z, lang=LANG)
"""),
    md("""
## 5. A loop

A loop records one copy of its body per iteration.  Here the same weight `w` is
applied three times, as in a tiny recurrent network: $h \\leftarrow \\tanh(w h)$.
Going backward, `w` collects one contribution per iteration.
""", """
## 5. Một vòng lặp

Mỗi lần lặp, vòng lặp ghi lại thêm một bản sao phần thân của nó. Ở đây cùng một trọng
số `w` được dùng ba lần, như trong một mạng hồi quy tí hon: $h \\leftarrow \\tanh(w h)$.
Khi đi ngược, `w` nhận một phần đóng góp từ mỗi lần lặp.
"""),
    code("""
x = av.tensor(2.0)
w = av.tensor(0.5, requires_grad=True)
h = x
for _ in range(3):
    h = av.tanh(w * h)
h.backward()
print("dh/dw =", w.grad)
"""),
    code("""
av.draw(h, lang=LANG)
"""),
    code("""
av.step_through(h, lang=LANG)
"""),
    md("""
## 6. A second derivative

With `create_graph=True` the backward pass is itself recorded, so its result is
a tensor with a history that we can differentiate again.  For $y = x^3$ the first
derivative $3x^2$ comes out as a new graph (drawn below), and its backward pass
gives $y'' = 6x$.  The graph of the derivative is as large as the forward graph
or larger, which is why second derivatives cost more (exercise 1).
""", """
## 6. Đạo hàm bậc hai

Với `create_graph=True`, chính lượt lan truyền ngược cũng được ghi lại, nên kết quả
của nó là một tensor có lịch sử và ta có thể lấy đạo hàm của nó thêm lần nữa. Với
$y = x^3$, đạo hàm bậc nhất $3x^2$ xuất hiện dưới dạng một đồ thị mới (vẽ bên dưới),
và lượt lan truyền ngược trên đồ thị đó cho $y'' = 6x$. Đồ thị của đạo hàm lớn ít nhất
bằng đồ thị xuôi, vì thế đạo hàm bậc hai tốn kém hơn (bài tập 1).
"""),
    code("""
x = av.tensor(1.5, requires_grad=True)
y = x ** 3
(dy,) = av.gradients(y, [x], create_graph=True)   # like torch.autograd.grad
print("dy/dx   =", dy, " (3x² =", 3 * 1.5 ** 2, ")")
dy.backward()
print("d²y/dx² =", x.grad, " (6x =", 6 * 1.5, ")")
"""),
    code("""
av.step_through(dy, lang=LANG)
"""),
    md("""
The functional form says the same in one line: `av.grad` returns the derivative
as a function, and it can be nested.
""", """
Dạng hàm nói điều tương tự chỉ trong một dòng: `av.grad` trả về đạo hàm dưới dạng một
hàm, và có thể lồng nhau.
"""),
    code("""
def cube(x):
    return x ** 3

print(av.grad(cube)(1.5), av.grad(av.grad(cube))(1.5))
"""),
]


# =====================================================================================
# 03  the chapter's exercises
# =====================================================================================

SAMPLE_EN = "# ===== SAMPLE ANSWER: replace it with your own, then run the check below ====="
SAMPLE_VI = "# ===== LỜI GIẢI MẪU: hãy thay bằng lời giải của bạn, rồi chạy ô kiểm tra bên dưới ====="


def sample(body):
    """A code cell holding a sample answer, with its banner in each language."""
    body = body.strip("\n")
    return code(f"{SAMPLE_EN}\n{body}", f"{SAMPLE_VI}\n{body}")


NB03 = [
    md("""
# The chapter's exercises, with checks

Each exercise has a cell for your answer and a cell that checks it:
`ch.exN.check(answer)` runs your code on fresh random inputs and answers in green
(passed) or red (what went wrong, on which input, and a hint).  `ch.exN.hint()`
shows the hint without checking.

**The answer cells hold a sample answer** (marked *SAMPLE ANSWER*), so that the
notebook runs from top to bottom.  Try each exercise yourself first: replace the
sample with your own code and run the check.
""", """
# Bài tập cuối chương, có kiểm tra tự động

Mỗi bài tập có một ô để bạn viết lời giải và một ô kiểm tra:
`ch.exN.check(lời_giải)` chạy mã của bạn trên các đầu vào ngẫu nhiên mới và trả lời
bằng màu xanh (đạt) hoặc màu đỏ (sai ở đâu, với đầu vào nào, kèm gợi ý).
`ch.exN.hint()` cho xem gợi ý mà không kiểm tra.

**Các ô lời giải đang chứa sẵn một lời giải mẫu** (đánh dấu *LỜI GIẢI MẪU*) để
notebook chạy được từ đầu đến cuối. Hãy tự làm từng bài trước: thay lời giải mẫu bằng
mã của bạn rồi chạy ô kiểm tra.
"""),
    code("""
LANG = "en"   # the language of the checks and hints
import autograd_viz as av
from autograd_viz import exercises
from autograd_viz.exercises import autograd_chapter as ch

exercises.set_lang(LANG)
""", """
LANG = "en"   # ngôn ngữ của phần kiểm tra và gợi ý
import autograd_viz as av
from autograd_viz import exercises
from autograd_viz.exercises import autograd_chapter as ch

exercises.set_lang(LANG)
"""),
    md("""
## Exercise 1. Why is the second derivative much more expensive than the first?

To see why, compute one.  Write `d2(x)` returning $f''(x)$ for $f(x) = x^2 e^x$
(`ch.ex1.f`), using autograd twice: a backward pass with `create_graph=True`, then
a backward pass through the derivative.  The check also counts the operations
recorded by each pass.
""", """
## Bài 1. Vì sao đạo hàm bậc hai tốn kém hơn nhiều so với đạo hàm bậc nhất?

Để thấy lý do, hãy tự tính một đạo hàm bậc hai. Viết hàm `d2(x)` trả về $f''(x)$ với
$f(x) = x^2 e^x$ (`ch.ex1.f`), dùng vi phân tự động hai lần: một lượt lan truyền
ngược với `create_graph=True`, rồi một lượt lan truyền ngược qua chính đạo hàm đó.
Phần kiểm tra cũng đếm số phép toán mà mỗi lượt ghi lại.
"""),
    code("""
ch.ex1
"""),
    md("""
A first attempt that runs a plain backward pass returns the *first* derivative
$f'(x)$, and the check shows that the value is wrong:
""", """
Một lần thử chỉ chạy lan truyền ngược thông thường sẽ trả về đạo hàm *bậc nhất*
$f'(x)$, và phần kiểm tra cho thấy giá trị đó sai:
"""),
    code("""
def d2_first_try(x):
    x.requires_grad_()
    y = ch.ex1.f(x)
    y.backward()
    return x.grad

ch.ex1.check(d2_first_try)
""", tags=("expected-fail",)),
    sample("""
def d2(x):
    x.requires_grad_()
    y = ch.ex1.f(x)
    (dy,) = av.gradients(y, [x], create_graph=True)   # dy has a history of its own
    dy.backward()
    return x.grad
"""),
    code("""
ch.ex1.check(d2)
"""),
    md("""
The graph of the first derivative, which the second backward pass walks: it
holds the forward operations it needs plus the backward pass's own operations.
""", """
Đồ thị của đạo hàm bậc nhất, thứ mà lượt lan truyền ngược thứ hai phải đi qua: nó chứa
các phép toán xuôi cần thiết cộng thêm các phép toán của chính lượt lan truyền ngược.
"""),
    code("""
x = av.tensor(0.7, requires_grad=True)
(dy,) = av.gradients(ch.ex1.f(x), [x], create_graph=True)
av.draw(dy, lang=LANG)
"""),
    md("""
## Exercise 2. Run the backward pass, then immediately run it again

What happens?  Catch the error and pass it to the check.
""", """
## Bài 2. Chạy lan truyền ngược, rồi chạy lại ngay lập tức

Điều gì xảy ra? Hãy bắt lỗi và đưa nó vào ô kiểm tra.
"""),
    sample("""
x = av.arange(4.0, requires_grad=True)
y = 2 * av.dot(x, x)
y.backward()
try:
    y.backward()
    error = None
except RuntimeError as e:
    error = e
print(error)
"""),
    code("""
ch.ex2.check(error)
"""),
    md("""
## Exercise 3. Control flow with a vector or a matrix `a`

In the control-flow example, what if `a` is a random vector or matrix?  `f(a)` is
then no longer a scalar.  What happens to the result, and how do we analyse it?
Pass a function `f` that works for such `a`; the check differentiates the sum of
`f(a)` and compares the gradient with `d / a`.
""", """
## Bài 3. Luồng điều khiển với `a` là vectơ hoặc ma trận

Trong ví dụ về luồng điều khiển, điều gì xảy ra nếu `a` là một vectơ hoặc ma trận
ngẫu nhiên? Khi đó `f(a)` không còn là số vô hướng. Kết quả sẽ ra sao, và phân tích nó
thế nào? Hãy đưa vào một hàm `f` chạy được với `a` như vậy; phần kiểm tra lấy đạo hàm
của tổng các phần tử của `f(a)` và so sánh gradient với `d / a`.
"""),
    sample("""
def f(a):
    b = a * 2
    while b.norm() < 1000:    # the norm is a single number, even for a matrix
        b = b * 2
    if b.sum() > 0:           # so is the sum
        c = b
    else:
        c = 100 * b
    return c
"""),
    code("""
ch.ex3.check(f)
"""),
    md("""
Every element of `a` is multiplied by the same factor `k`, so `f(a) = k * a`
elementwise and the gradient of `sum(f(a))` is `k` everywhere, which is `d / a`.
A small example, drawn:
""", """
Mọi phần tử của `a` đều được nhân với cùng một hệ số `k`, nên `f(a) = k * a` theo từng
phần tử và gradient của `sum(f(a))` bằng `k` ở mọi vị trí, tức là bằng `d / a`. Một ví
dụ nhỏ, có hình vẽ:
"""),
    code("""
a = av.tensor([30.0, -50.0, 20.0], requires_grad=True)
d = f(a)
d.sum().backward()
print("d / a =", d / a)
print("grad  =", a.grad)
av.draw(d, lang=LANG)
"""),
    md("""
## Exercise 4. Design your own example of a gradient through control flow

Write a function `g(a)` of a scalar `a` with an `if` and/or a `while` that depend
on the value of `a`.  The check runs it on random `a` and compares autograd's
gradient with finite differences, and counts how many different paths your code took.
""", """
## Bài 4. Tự thiết kế một ví dụ tính gradient qua luồng điều khiển

Viết một hàm `g(a)` với `a` là số vô hướng, có `if` và/hoặc `while` phụ thuộc vào giá trị
của `a`. Phần kiểm tra chạy hàm với các giá trị `a` ngẫu nhiên, so sánh gradient của vi
phân tự động với sai phân hữu hạn, và đếm xem mã của bạn đã đi theo bao nhiêu con
đường khác nhau.
"""),
    sample("""
def g(a):
    b = a * a + 1             # at least 1, so the loop always ends
    while b < 100:
        b = b * 3
    if a > 0:
        return b.sqrt()
    return -b
"""),
    code("""
ch.ex4.check(g)
"""),
    code("""
a = av.tensor(-0.8, requires_grad=True)
out = g(a)
out.backward()
av.step_through(out, lang=LANG)
"""),
    md("""
## Exercise 5. Plot $f(x) = \\sin(x)$ and $df/dx$ without using $f'(x) = \\cos(x)$

Write `sin_and_slope(x)` for a vector `x` that returns `(f(x), df/dx)`, with the
derivative computed by autograd.  The check fails if `cos` is used.
""", """
## Bài 5. Vẽ $f(x) = \\sin(x)$ và $df/dx$ mà không dùng $f'(x) = \\cos(x)$

Viết hàm `sin_and_slope(x)` cho vectơ `x`, trả về `(f(x), df/dx)`, trong đó đạo hàm được
tính bằng vi phân tự động. Bài kiểm tra sẽ không đạt nếu bạn dùng `cos`.
"""),
    sample("""
def sin_and_slope(x):
    x.requires_grad_()
    y = av.sin(x)
    y.sum().backward()        # one backward gives every df/dx_i at once
    return y.detach(), x.grad
"""),
    code("""
ch.ex5.check(sin_and_slope)
"""),
    code("""
ch.ex5.plot(sin_and_slope);
"""),
    md("""
## Quiz: fill in the gradients

The graph below has its gradients hidden.  Work out the derivative of the output
with respect to every node (start at the output, where it is 1), type it in the
boxes and press *Check*: right answers turn green, wrong ones red with a hint.
A new quiz, with new numbers: `GradientQuiz(lang=LANG)` without `seed`.
""", """
## Câu đố: điền gradient

Đồ thị dưới đây đã được giấu các gradient. Hãy tính đạo hàm của đầu ra theo từng nút
(bắt đầu từ đầu ra, nơi đạo hàm bằng 1), gõ vào các ô rồi bấm *Kiểm tra*: đáp án đúng
chuyển xanh, đáp án sai chuyển đỏ kèm gợi ý. Muốn một câu đố mới với số mới, hãy gọi
`GradientQuiz(lang=LANG)` không có `seed`.
"""),
    code("""
from autograd_viz.exercises.quiz import GradientQuiz

quiz = GradientQuiz(lang=LANG, seed=7)
quiz
"""),
]


# =====================================================================================
# 04  for instructors
# =====================================================================================

NB04 = [
    md("""
# For instructors

Three tasks: writing a new checked exercise, grading a class with
[nbgrader](https://nbgrader.readthedocs.io), and exporting step-throughs to HTML
for slides.
""", """
# Dành cho giảng viên

Ba việc: viết một bài tập mới có kiểm tra tự động, chấm bài cả lớp bằng
[nbgrader](https://nbgrader.readthedocs.io), và xuất các bản phát lại từng bước ra HTML
để dùng trong bài giảng.
"""),
    code("""
LANG = "en"
import numpy as np
import autograd_viz as av
from autograd_viz import exercises
from autograd_viz.exercises import Exercise

exercises.set_lang(LANG)
"""),
    md("""
## 1. Writing a new exercise

An `Exercise` is stated once: how to draw random inputs, the right answer for
those inputs, a tolerance, a time limit and a hint (each text in English and
Vietnamese).  Every `check` draws new inputs, so an answer copied from a previous
run fails.  The student's function runs in a separate, time-limited process:
an endless loop is stopped and reported, and the notebook stays usable.

Example: the gradient of the *softplus* function $s(x) = \\log(1 + e^x)$, whose
derivative is the sigmoid $1/(1+e^{-x})$.
""", """
## 1. Viết một bài tập mới

Một `Exercise` được mô tả một lần: cách sinh đầu vào ngẫu nhiên, đáp án đúng cho các
đầu vào đó, sai số cho phép, giới hạn thời gian và gợi ý (mỗi đoạn chữ có bản tiếng
Anh và tiếng Việt). Mỗi lần `check` lại sinh đầu vào mới, nên một đáp án chép từ lần
chạy trước sẽ không đạt. Hàm của sinh viên chạy trong một tiến trình riêng có giới hạn
thời gian: vòng lặp vô tận sẽ bị dừng và được báo lại, còn notebook vẫn dùng tiếp được.

Ví dụ: gradient của hàm *softplus* $s(x) = \\log(1 + e^x)$, có đạo hàm là hàm sigmoid
$1/(1+e^{-x})$.
"""),
    code("""
softplus_grad = Exercise(
    title={"en": "Gradient of softplus", "vi": "Gradient của hàm softplus"},
    prompt={"en": "Write grad_softplus(x) returning d/dx of sum(log(1 + exp(x))), by autograd.",
            "vi": "Viết grad_softplus(x) trả về đạo hàm theo x của sum(log(1 + exp(x))), "
                  "tính bằng vi phân tự động."},
    inputs=lambda rng: (rng.normal(size=int(rng.integers(2, 6))),),   # fresh at every check
    reference=lambda x: 1 / (1 + np.exp(-x)),                         # numpy in, numpy out
    cases=4, tolerance=1e-6, time_limit=5,
    hints={"en": "x.requires_grad_(); av.log(1 + av.exp(x)).sum().backward(); return x.grad",
           "vi": "x.requires_grad_(); av.log(1 + av.exp(x)).sum().backward(); trả về x.grad"},
)
softplus_grad
"""),
    md("""
A right answer and a wrong one (it forgets the chain rule through the logarithm):
""", """
Một đáp án đúng và một đáp án sai (quên áp dụng quy tắc dây chuyền qua hàm logarit):
"""),
    code("""
def grad_softplus(x):
    x.requires_grad_()
    av.log(1 + av.exp(x)).sum().backward()
    return x.grad

softplus_grad.check(grad_softplus)
"""),
    code("""
def grad_softplus_wrong(x):
    return av.exp(x)

softplus_grad.check(grad_softplus_wrong)
"""),
    md("""
The result is truthy only on a pass, so it can drive your own logic.  For richer
checks (look at the graph the student recorded, accept several forms of answer)
pass `call=` and `check=` functions: see `help(Exercise)` and the chapter's
exercises in `autograd_viz/exercises/autograd_chapter.py`.
""", """
Kết quả chỉ mang giá trị đúng (truthy) khi bài đạt, nên bạn có thể dùng nó trong logic
của riêng mình. Để kiểm tra kỹ hơn (xem đồ thị sinh viên đã ghi lại, chấp nhận nhiều dạng
đáp án), hãy truyền các hàm `call=` và `check=`: xem `help(Exercise)` và các bài tập của
chương trong `autograd_viz/exercises/autograd_chapter.py`.
"""),
    code("""
print(bool(softplus_grad.check(grad_softplus)), bool(softplus_grad.check(grad_softplus_wrong)))
"""),
    md("""
## 2. Grading a class with nbgrader

Under the autograder (nbgrader sets the environment variable `NBGRADER_EXECUTION`),
or with `raise_on_fail=True`, a failed check raises `AssertionError` with the same
message, so the test cell that holds the check loses its points:
""", """
## 2. Chấm bài cả lớp bằng nbgrader

Khi chạy dưới trình chấm tự động (nbgrader đặt biến môi trường `NBGRADER_EXECUTION`),
hoặc khi truyền `raise_on_fail=True`, một lần kiểm tra không đạt sẽ ném ra
`AssertionError` với cùng thông báo, nên ô kiểm tra chứa nó bị mất điểm:
"""),
    code("""
try:
    softplus_grad.check(grad_softplus_wrong, raise_on_fail=True)
except AssertionError as e:
    print("AssertionError:", str(e).splitlines()[0])
"""),
    md("""
The steps, for a course directory `course/` (a complete example is in the
repository: `tests/nbgrader_course/`, run by `tests/test_nbgrader.py`):

1. **Configure** `course/nbgrader_config.py`:
   ```python
   c = get_config()
   c.CourseDirectory.root = "/path/to/course"
   c.CourseDirectory.course_id = "autograd101"
   c.ExecutePreprocessor.timeout = 120
   ```
2. **Write the master notebook** `course/source/ps1/ps1.ipynb`.  In JupyterLab, the
   *Create Assignment* sidebar marks cells:
   * a locked cell with the imports
     (`from autograd_viz.exercises import autograd_chapter as ch`);
   * a *solution* cell (autograded answer: no; solution: yes) with your solution
     between `### BEGIN SOLUTION` and `### END SOLUTION`;
   * a *test* cell (autograded tests, read-only, with points) containing only
     `ch.ex3.check(f)`.
3. **Make the student version**: `nbgrader generate_assignment ps1` (in `course/`)
   replaces each solution with `raise NotImplementedError()` and writes `release/ps1/`.
   Hand it out (`nbgrader release_assignment ps1`, or any channel you like).
4. **Collect** the students' notebooks into `submitted/<student>/ps1/ps1.ipynb`
   (`nbgrader collect ps1`, or `nbgrader zip_collect ps1` for files downloaded from an LMS).
5. **Grade**: `nbgrader autograde ps1`.  Each notebook runs in a fresh kernel; every
   failed check raises `AssertionError` and its cell scores 0.  A student function
   that never returns is stopped by the exercise's time limit, and grading goes on.
6. **Report**: `nbgrader generate_feedback ps1` (an HTML page per student) and
   `nbgrader export` (all grades as `grades.csv`).
""", """
Các bước, với một thư mục khoá học `course/` (kho mã có sẵn một ví dụ đầy đủ:
`tests/nbgrader_course/`, được chạy bởi `tests/test_nbgrader.py`):

1. **Cấu hình** `course/nbgrader_config.py`:
   ```python
   c = get_config()
   c.CourseDirectory.root = "/path/to/course"
   c.CourseDirectory.course_id = "autograd101"
   c.ExecutePreprocessor.timeout = 120
   ```
2. **Soạn notebook gốc** `course/source/ps1/ps1.ipynb`. Trong JupyterLab, thanh bên
   *Create Assignment* dùng để đánh dấu các ô:
   * một ô khoá chứa các lệnh import
     (`from autograd_viz.exercises import autograd_chapter as ch`);
   * một ô *lời giải* (autograded answer: không; solution: có) với lời giải của bạn
     nằm giữa `### BEGIN SOLUTION` và `### END SOLUTION`;
   * một ô *kiểm tra* (autograded tests, chỉ đọc, có điểm) chỉ chứa `ch.ex3.check(f)`.
3. **Tạo bản cho sinh viên**: `nbgrader generate_assignment ps1` (chạy trong `course/`)
   thay mỗi lời giải bằng `raise NotImplementedError()` và ghi ra `release/ps1/`. Phát
   bài (`nbgrader release_assignment ps1`, hoặc qua kênh nào bạn muốn).
4. **Thu bài** của sinh viên vào `submitted/<mã sinh viên>/ps1/ps1.ipynb`
   (`nbgrader collect ps1`, hoặc `nbgrader zip_collect ps1` cho các tệp tải về từ hệ thống
   quản lý học tập).
5. **Chấm**: `nbgrader autograde ps1`. Mỗi notebook chạy trong một kernel mới; mỗi lần
   kiểm tra không đạt sẽ ném `AssertionError` và ô đó được 0 điểm. Hàm của sinh viên
   chạy mãi không dừng sẽ bị giới hạn thời gian của bài tập chặn lại, và việc chấm vẫn
   tiếp tục.
6. **Báo cáo**: `nbgrader generate_feedback ps1` (mỗi sinh viên một trang HTML) và
   `nbgrader export` (toàn bộ điểm vào tệp `grades.csv`).
"""),
    md("""
## 3. Step-throughs as HTML, for slides

`.to_html(path)` writes one self-contained HTML file that plays the same frames
with no kernel and no network: open it in a browser, put it on a course website,
or embed it in slides with an `<iframe>`.  Each frame's SVG is also available,
for slides that want still pictures.
""", """
## 3. Xuất bản phát lại từng bước ra HTML để làm bài giảng

`.to_html(path)` ghi ra một tệp HTML độc lập, phát đúng các khung hình ấy mà không cần
kernel hay mạng: mở bằng trình duyệt, đưa lên trang web môn học, hoặc nhúng vào slide
bằng `<iframe>`. SVG của từng khung hình cũng có sẵn, cho những slide cần ảnh tĩnh.
"""),
    code("""
from pathlib import Path

x = av.tensor(0.5)
w = av.tensor(-1.5, requires_grad=True)
b = av.tensor(0.8, requires_grad=True)
loss = (av.tanh(w * x + b) - 1) ** 2
loss.backward()

steps = av.step_through(loss, lang=LANG)
out = Path("exports")
out.mkdir(exist_ok=True)
page = steps.to_html(out / "neuron_steps.html", title="One neuron")
print(page, f"{page.stat().st_size / 1024:.0f} KiB,", len(steps.frames), "frames")
"""),
    code("""
for i, frame in enumerate(steps.frames):
    (out / f"neuron_{i:02d}.svg").write_text(frame.svg, encoding="utf-8")
av.draw(loss, lang=LANG).save(out / "neuron.svg")
sorted(p.name for p in out.iterdir())
"""),
    md("""
To embed the player in a slide (reveal.js, `jupyter nbconvert --to slides`,
Google Slides via a web link, …):

```html
<iframe src="exports/neuron_steps.html" width="100%" height="560" style="border:0"></iframe>
```

Use `lang="vi"` in `av.step_through` for a Vietnamese player.
""", """
Để nhúng trình phát vào slide (reveal.js, `jupyter nbconvert --to slides`, Google
Slides qua đường liên kết, …):

```html
<iframe src="exports/neuron_steps.html" width="100%" height="560" style="border:0"></iframe>
```

Dùng `lang="vi"` trong `av.step_through` để có trình phát bằng tiếng Việt.
"""),
]


NOTEBOOKS = {
    "01_autograd_chapter": NB01,
    "02_backprop_step_by_step": NB02,
    "03_exercises": NB03,
    "04_for_instructors": NB04,
}


# =====================================================================================
# building and executing
# =====================================================================================

def build(cells, lang):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        if isinstance(cell, Md):
            nb.cells.append(nbformat.v4.new_markdown_cell(getattr(cell, lang)))
        else:
            c = nbformat.v4.new_code_cell(cell.source(lang))
            if cell.tags:
                c.metadata["tags"] = list(cell.tags)
            nb.cells.append(c)
    # stable ids, so rebuilding does not churn the diff
    for i, c in enumerate(nb.cells):
        c["id"] = f"{lang}-{i:03d}"
    return nb


def execute(nb, timeout=120):
    from nbclient import NotebookClient
    with tempfile.TemporaryDirectory(prefix="avz-nb-") as work:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": work}})
        client.execute()
    return nb


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook name prefixes (default: all)")
    parser.add_argument("--no-execute", action="store_true", help="write without outputs")
    args = parser.parse_args(argv)
    for name, cells in NOTEBOOKS.items():
        if args.only and not any(name.startswith(p) for p in args.only):
            continue
        for lang in LANGS:
            nb = build(cells, lang)
            if not args.no_execute:
                execute(nb)
            path = OUT / lang / f"{name}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            print(f"{path.relative_to(ROOT)}  {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

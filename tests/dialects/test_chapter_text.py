"""Where the chapter tests find the D2L chapter's text (tests/chapter.py).

A plain clone has no shared/ folder beside it: there the chapter tests must
skip saying how to provide the text, and under CI=true fail instead.  These
tests never need the real chapter: they point the lookup at files they make.
"""

from __future__ import annotations

import chapter
import pytest

# a made-up chapter in the seed's format: one block per tab, each with its import
TINY = """Some prose.

```{.python .input}
from mxnet import autograd, np, npx
x = np.arange(3.0)
```

```{.python .input}
#@tab pytorch
import torch
x = torch.arange(3.0)
```

```{.python .input}
#@tab tensorflow
import tensorflow as tf
x = tf.range(3, dtype=tf.float32)
```

```{.python .input}
#@tab all
y = x * 2
```
"""


def test_the_variable_names_the_file(tmp_path):
    seed = tmp_path / "chapter.txt"
    seed.write_text(TINY, encoding="utf-8")
    assert chapter.seed_path({chapter.ENV: str(seed)}, beside=tmp_path / "nope") == seed


def test_without_the_variable_the_file_beside_the_repo_is_used(tmp_path):
    beside = tmp_path / "shared" / "seed" / chapter.SEED_NAME
    beside.parent.mkdir(parents=True)
    beside.write_text(TINY, encoding="utf-8")
    assert chapter.seed_path({}, beside=beside) == beside
    assert chapter.seed_path({chapter.ENV: "  "}, beside=beside) == beside


def test_absent_text_says_how_to_provide_it(tmp_path):
    with pytest.raises(chapter.ChapterMissing, match=f"set {chapter.ENV}=") as e:
        chapter.seed_path({}, beside=tmp_path / "missing.txt")
    assert str(tmp_path / "missing.txt") in str(e.value)
    with pytest.raises(chapter.ChapterMissing, match="does not name a file"):
        chapter.seed_path({chapter.ENV: str(tmp_path / "typo.txt")}, beside=tmp_path / "x")


def test_absent_text_skips_with_the_reason_outside_ci(tmp_path):
    with pytest.raises(pytest.skip.Exception, match=f"chapter test: .*{chapter.ENV}"):
        chapter.require_text({}, beside=tmp_path / "missing.txt")
    with pytest.raises(pytest.skip.Exception):
        chapter.require_text({"CI": "false"}, beside=tmp_path / "missing.txt")


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_absent_text_fails_under_ci(tmp_path, ci):
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        chapter.require_text({"CI": ci}, beside=tmp_path / "missing.txt")


def test_present_text_is_read_under_ci_too(tmp_path):
    seed = tmp_path / "chapter.txt"
    seed.write_text(TINY, encoding="utf-8")
    assert chapter.require_text({"CI": "true", chapter.ENV: str(seed)}) == TINY


def test_cells_of_a_given_file_swap_the_import(tmp_path):
    seed = tmp_path / "chapter.txt"
    seed.write_text(TINY, encoding="utf-8")
    for tab in chapter.TABS:
        got = chapter.cells(tab, path=seed)
        assert len(got) == 2 and got[1] == "y = x * 2\n", tab
        assert chapter.IMPORTS[tab][1] in got[0].splitlines()
        assert chapter.IMPORTS[tab][0] not in got[0].splitlines()

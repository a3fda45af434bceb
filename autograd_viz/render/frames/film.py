"""The frames as data for the player: one layout, then what changes per frame.

A frame's picture is a list of SVG snippets, one per slot (the picture's head,
every edge, every node, the legend).  Consecutive frames share almost all of
them, so the player gets every distinct snippet once (``parts``), and each
frame as the slots that change from the frame before (``set``), or, where
the pictures have nothing in common, the whole list (``reset``).  The size
grows with the graph plus the number of changes, not with frames × graph.

    data = film(frames)
    data["parts"]   # every distinct snippet, once
    data["frames"]  # per frame: "set" [[slot, part], ...] or "reset" [part, ...],
                    # and "title", "kind", "node", "html" (the explanation)
    data["dark"]    # light colour -> its dark-theme twin (painter.DARK)

:func:`picture_at` rebuilds frame i's SVG from the data, the way the
player's script does (the tests check the two agree).
"""

from __future__ import annotations

from .painter import DARK, Picture


def film(frames, explanation):
    """The player's data for ``frames``; ``explanation(frame)`` gives each frame's HTML."""
    parts, ids = [], {}

    def part_id(snippet):
        found = ids.get(snippet)
        if found is None:
            found = ids[snippet] = len(parts)
            parts.append(snippet)
        return found

    out = []
    state = None  # part ids on screen, slot by slot
    previous = None  # the previous frame's picture
    for frame in frames:
        picture = frame.picture
        entry = {}
        if (
            isinstance(picture, Picture)
            and isinstance(previous, Picture)
            and picture.canvas is previous.canvas
            and picture.version >= previous.version
        ):
            # the same canvas, further along: only the logged slots can differ
            changes = []
            for slot, snippet in picture.changes_since(previous).items():
                pid = part_id(snippet)
                if state[slot] != pid:
                    state[slot] = pid
                    changes.append([slot, pid])
            entry["set"] = sorted(changes)
        else:
            snippets = picture.parts() if isinstance(picture, Picture) else [picture]
            now = [part_id(x) for x in snippets]
            if state is not None and len(now) == len(state):
                entry["set"] = [
                    [k, pid] for k, (old, pid) in enumerate(zip(state, now)) if old != pid
                ]
            else:
                entry["reset"] = list(now)
            state = now
        entry.update(
            title=frame.title or "",
            kind=frame.kind,
            node=frame.node or "",
            html=explanation(frame),
        )
        out.append(entry)
        previous = picture
    return {"parts": parts, "frames": out, "dark": DARK}


def picture_at(data, index):
    """Frame ``index``'s SVG, rebuilt from :func:`film`'s data alone."""
    state = []
    for entry in data["frames"][: index + 1]:
        if "reset" in entry:
            state = list(entry["reset"])
        for slot, pid in entry.get("set", ()):
            state[slot] = pid
    return "\n".join(data["parts"][pid] for pid in state)

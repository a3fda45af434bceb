"""The renderer: a recorded graph (and its backward trace) as DOT, SVG,
step-through frames, the ipywidgets player and the offline HTML player.

It reads the engine's recorded graph and traces only; the engine never
imports it.
"""

"""The path model: blocks of items, the arrows between constructs, and their checks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from kehu.engines.pls.errors import ModelError

MODES = ("A", "B")


@dataclass(frozen=True)
class PathModel:
    """Constructs in a fixed order, each with its items; `paths` as (from, to) pairs."""

    constructs: tuple[str, ...]
    blocks: tuple[tuple[str, ...], ...]
    paths: tuple[tuple[str, str], ...]
    modes: tuple[str, ...]

    @classmethod
    def build(
        cls,
        constructs: Mapping[str, Sequence[str]],
        paths: Sequence[Sequence[str]],
        modes: Mapping[str, str] | None = None,
    ) -> PathModel:
        names, blocks = _blocks(constructs)
        pairs = _paths(paths, names)
        model = cls(names, blocks, pairs, _modes(modes or {}, names))
        _check_acyclic(model)
        _check_connected(model)
        return model

    @cached_property
    def items(self) -> tuple[str, ...]:
        return tuple(i for b in self.blocks for i in b)

    @cached_property
    def block_of(self) -> np.ndarray:
        """For each item (in `items` order) the index of its construct."""
        return np.repeat(np.arange(len(self.blocks)), [len(b) for b in self.blocks])

    @cached_property
    def outer_design(self) -> np.ndarray:
        """items × constructs 0/1 matrix: which construct each item measures."""
        odm = np.zeros((len(self.items), len(self.constructs)))
        odm[np.arange(len(self.items)), self.block_of] = 1.0
        return odm

    @cached_property
    def inner(self) -> np.ndarray:
        """constructs × constructs 0/1 matrix, [j, k] = 1 when j → k."""
        at = {c: i for i, c in enumerate(self.constructs)}
        a = np.zeros((len(self.constructs),) * 2)
        for f, t in self.paths:
            a[at[f], at[t]] = 1.0
        return a

    @cached_property
    def predecessors(self) -> tuple[np.ndarray, ...]:
        return tuple(np.flatnonzero(self.inner[:, k]) for k in range(len(self.constructs)))

    @cached_property
    def endogenous(self) -> tuple[int, ...]:
        return tuple(k for k, p in enumerate(self.predecessors) if len(p))

    @cached_property
    def reach(self) -> np.ndarray:
        """[j, k] is True when some chain of arrows leads from j to k."""
        r = self.inner.astype(bool)
        for _ in range(len(self.constructs)):
            r = r | ((r.astype(int) @ r.astype(int)) > 0)
        return r

    def index(self, construct: str) -> int:
        try:
            return self.constructs.index(construct)
        except ValueError:
            raise ModelError(
                f"Unknown construct “{construct}”.", code="unknown_construct", construct=construct
            ) from None


def _blocks(constructs: Mapping[str, Sequence[str]]) -> tuple[tuple[str, ...], tuple]:
    if not isinstance(constructs, Mapping) or not constructs:
        raise ModelError("The model names no constructs.", code="no_constructs")
    seen: dict[str, str] = {}
    blocks = []
    for name, items in constructs.items():
        if not isinstance(name, str) or not name.strip():
            raise ModelError("A construct has an empty name.", code="bad_construct_name")
        if isinstance(items, str) or not isinstance(items, Sequence) or not items:
            raise ModelError(
                f"Construct “{name}” lists no items.", code="empty_block", construct=name
            )
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise ModelError(
                    f"Construct “{name}” has an item without a name.",
                    code="bad_item_name", construct=name,
                )
            if item in seen:
                raise ModelError(
                    f"Item “{item}” is listed under both “{seen[item]}” and “{name}”.",
                    code="item_twice", item=item, construct=name, other=seen[item],
                )
            seen[item] = name
        blocks.append(tuple(items))
    return tuple(constructs), tuple(blocks)


def _paths(paths: Sequence[Sequence[str]], names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for p in paths if isinstance(paths, Sequence) and not isinstance(paths, str) else [paths]:
        if isinstance(p, str) or not isinstance(p, Sequence) or len(p) != 2:
            raise ModelError(
                f"A path must be a pair [from, to], not {p!r}.", code="bad_path", path=repr(p)
            )
        f, t = p
        for c in (f, t):
            if c not in names:
                raise ModelError(
                    f"Path {f} → {t} names “{c}”, which is not a construct.",
                    code="path_unknown_construct", construct=str(c),
                )
        if f == t:
            raise ModelError(
                f"Construct “{f}” cannot point to itself.", code="self_path", construct=f
            )
        if (f, t) in pairs:
            raise ModelError(f"Path {f} → {t} is listed twice.", code="path_twice", construct=t)
        pairs.append((f, t))
    if not pairs:
        raise ModelError("The model has no paths between constructs.", code="no_paths")
    return tuple(pairs)


def _modes(modes: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, ...]:
    for c, m in modes.items():
        if c not in names:
            raise ModelError(
                f"A mode is given for “{c}”, which is not a construct.",
                code="mode_unknown_construct", construct=str(c),
            )
        if str(m).upper() not in MODES:
            raise ModelError(
                f"Mode of “{c}” must be A (reflective) or B (formative), not {m!r}.",
                code="bad_mode", construct=c,
            )
    return tuple(str(modes.get(c, "A")).upper() for c in names)


def _check_acyclic(model: PathModel) -> None:
    """Depth-first search; a back edge closes a cycle, which we name in full."""
    succ = {c: [t for f, t in model.paths if f == c] for c in model.constructs}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(c: str) -> None:
        state[c] = 1
        stack.append(c)
        for t in succ[c]:
            if state.get(t) == 1:
                loop = stack[stack.index(t):] + [t]
                raise ModelError(
                    "The paths form a cycle: " + " → ".join(loop) + ".",
                    code="cycle", construct=t, cycle=" → ".join(loop),
                )
            if t not in state:
                visit(t)
        stack.pop()
        state[c] = 2

    for c in model.constructs:
        if c not in state:
            visit(c)


def _check_connected(model: PathModel) -> None:
    linked = {c for p in model.paths for c in p}
    for c in model.constructs:
        if c not in linked:
            raise ModelError(
                f"Construct “{c}” has no path to or from any other construct.",
                code="unconnected", construct=c,
            )
    sym = model.inner + model.inner.T
    seen = {0}
    frontier = [0]
    while frontier:
        k = frontier.pop()
        for j in np.flatnonzero(sym[k]):
            if int(j) not in seen:
                seen.add(int(j))
                frontier.append(int(j))
    if len(seen) < len(model.constructs):
        apart = [c for i, c in enumerate(model.constructs) if i not in seen]
        raise ModelError(
            f"Construct “{apart[0]}” is not connected to “{model.constructs[0]}” by any chain "
            "of paths: the model falls into separate parts.",
            code="unconnected", construct=apart[0],
        )

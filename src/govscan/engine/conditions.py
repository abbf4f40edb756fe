"""The condition language: compile a control's ``check`` tree into a predicate.

Grammar::

    condition := leaf | {all: [condition...]} | {any: [condition...]} | {not: condition}
               | {every: PATH, check: condition} | {some: PATH, check: condition}
    leaf      := {path: PATH, op: OPERATOR, value: VALUE}     (no value for unary operators)
    VALUE     := literal | {param: NAME} | {param: NAME, default: literal}

Absent values: a path that is missing or null is *absent*.  Only ``absent``
and ``empty`` are true for it; every other operator is false, ``ne`` and
``not-in`` included: a comparison with nothing is never true.  ``not`` is the
one way to turn absence into true.  ``every`` over an empty list is true,
``some`` over an empty list is false, and both are false over an absent path
(absent is not empty).

Paths are JMESPath, compiled once; plain dotted paths (``a.b_c``) skip
JMESPath and are read with dict lookups.  ``@`` is the current item inside a
quantifier.  Policy parameters are read from the evaluation context at call
time, so one compiled control serves any policy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from govscan.language.operators import OPERATORS, PrepareError, register_operator
from govscan.language.paths import QUANTIFIERS as _QUANTIFIERS
from govscan.language.paths import Getter
from govscan.language.paths import getter as _getter
from govscan.language.paths import is_param as _is_param

if TYPE_CHECKING:  # only the evaluator needs the tables module at run time
    from govscan.catalog.jurisdictions import JurisdictionTables

__all__ = [
    "CompiledCheck",
    "EvalContext",
    "EvaluationError",
    "compile_check",
    # Documented for plugins that add an operator (docs/control-language.md).
    "register_operator",
]

Pointer = tuple[str | int, ...]
Predicate = Callable[[Any, "EvalContext"], bool]


@dataclass(frozen=True)
class EvalContext:
    as_of: datetime
    params: Mapping[str, Any] = field(default_factory=dict)
    resource_provider: str = ""
    jurisdictions: JurisdictionTables | None = None
    """The jurisdiction tables of this scan; the evaluator always supplies them."""


class EvaluationError(Exception):
    """A condition that cannot be judged for this resource (e.g. an unknown region).

    The engine turns it into an ``error`` result, never a pass or a fail."""


# --- compilation -----------------------------------------------------------------------------


class CompiledCheck:
    """A condition tree compiled into nested closures; call with (data, ctx)."""

    __slots__ = ("_pred", "source")

    def __init__(self, pred: Predicate, source: Mapping[str, Any]) -> None:
        self._pred = pred
        self.source = source

    def __call__(self, data: Any, ctx: EvalContext) -> bool:
        return self._pred(data, ctx)

    @property
    def predicate(self) -> Predicate:
        """The compiled function itself, for callers that call it very often."""
        return self._pred


def compile_check(check: Mapping[str, Any]) -> CompiledCheck:
    """Compile a validated condition tree (see ``validate_check``)."""
    return CompiledCheck(_compile(check), check)


def _compile(node: Mapping[str, Any]) -> Predicate:
    if "all" in node:
        return _all([_compile(c) for c in node["all"]])
    if "any" in node:
        return _any([_compile(c) for c in node["any"]])
    if "not" in node:
        inner = _compile(node["not"])
        return lambda d, c: not inner(d, c)
    for q in _QUANTIFIERS:
        if q in node:
            return _quantifier(q, _getter(node[q]), _compile(node["check"]))
    return _leaf(node)


def _all(preds: list[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda d, c: a(d, c) and b(d, c)

    def pred(d: Any, c: EvalContext) -> bool:
        return all(p(d, c) for p in preds)

    return pred


def _any(preds: list[Predicate]) -> Predicate:
    if len(preds) == 1:
        return preds[0]
    if len(preds) == 2:
        a, b = preds
        return lambda d, c: a(d, c) or b(d, c)

    def pred(d: Any, c: EvalContext) -> bool:
        return any(p(d, c) for p in preds)

    return pred


def _quantifier(kind: str, get: Getter, inner: Predicate) -> Predicate:
    def every(d: Any, c: EvalContext) -> bool:
        items = get(d)
        if not isinstance(items, list | tuple):
            return False
        return all(inner(item, c) for item in items)

    def some(d: Any, c: EvalContext) -> bool:
        items = get(d)
        if not isinstance(items, list | tuple):
            return False
        return any(inner(item, c) for item in items)

    return every if kind == "every" else some


def _leaf(node: Mapping[str, Any]) -> Predicate:
    get = _getter(node["path"])
    spec = OPERATORS[node["op"]]
    fn = spec.fn
    on_absent = spec.on_absent
    if spec.unary:

        def unary(d: Any, c: EvalContext) -> bool:
            a = get(d)
            if a is None:
                return on_absent
            return fn(a, None, c)

        return unary
    value = node["value"]
    if not _is_param(value):
        expected = spec.prepare(value)

        def binary(d: Any, c: EvalContext) -> bool:
            a = get(d)
            if a is None:
                return on_absent
            return fn(a, expected, c)

        return binary
    name = value["param"]
    has_default = "default" in value
    default = value.get("default")
    cache: dict[int, tuple[Any, Any]] = {}

    def resolve(c: EvalContext) -> Any:
        raw = c.params.get(name, default)
        if raw is None and not has_default and name not in c.params:
            raise EvaluationError(f"policy parameter '{name}' is not set")
        hit = cache.get(id(raw))
        if hit is not None and hit[0] is raw:
            return hit[1]
        try:
            prepared = spec.prepare(raw)
        except PrepareError as exc:
            raise EvaluationError(f"parameter '{name}': {exc}") from None
        cache[id(raw)] = (raw, prepared)
        return prepared

    def param_leaf(d: Any, c: EvalContext) -> bool:
        a = get(d)
        if a is None:
            return on_absent
        return fn(a, resolve(c), c)

    return param_leaf

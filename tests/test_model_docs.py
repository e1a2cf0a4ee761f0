"""docs/MODEL.md is current, every model component is documented, and every equation a component cites exists.

Equation labels are the text tags of the model modules' ``.. math::`` blocks (``\\text{(T3)}``, or
``\\text{(T1: variable bounds)}``); a component cites them in its ``doc=`` as ``(T3)`` or ``(S6, S9, S10)``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from gzpower.model.formulation import ComponentDoc, components, model_markdown, variant_scenarios

MODEL_MD = Path(__file__).resolve().parents[1] / "docs" / "MODEL.md"
REGENERATE = "gzpower docs"
#: an equation's label in a module docstring: the text tag at the end of its line
LABEL = re.compile(r"\\text\{\(([A-Z]\d+(?:,\s*[A-Z]\d+)*)[):]")
#: equations cited in a component's doc
CITATION = re.compile(r"\(([A-Z]\d+(?:,\s*[A-Z]\d+)*)\)")
#: kinds of component that implement an equation and must cite it
MUST_CITE = ("Constraint", "Objective")


def _numbers(groups: list[str]) -> list[str]:
    return [n.strip() for group in groups for n in group.split(",")]


def equation_labels(docstring: str | None) -> list[str]:
    """The equation numbers a module docstring defines, in order (repeats kept, to catch duplicates)."""
    return _numbers(LABEL.findall(docstring or ""))


def cited_equations(doc: str) -> list[str]:
    return _numbers(CITATION.findall(doc))


def citation_problems(docs: list[ComponentDoc]) -> list[str]:
    """Components that implement an equation but cite none, and citations missing from the declaring module."""
    problems = []
    for c in docs:
        cited = cited_equations(c.doc)
        if c.kind in MUST_CITE and not cited:
            problems.append(f"{c.module}.{c.name} ({c.kind}) cites no equation: {c.doc!r}")
        defined = set(equation_labels(sys.modules[c.module].__doc__))
        problems += [
            f"{c.module}.{c.name} cites ({n}), which {c.module}'s docstring does not define"
            for n in cited
            if n not in defined
        ]
    return problems


@pytest.fixture(scope="module")
def found(tables) -> list[ComponentDoc]:
    return components(tables, variant_scenarios())


def test_model_md_is_current(tables):
    expected = model_markdown(tables)
    actual = MODEL_MD.read_text() if MODEL_MD.exists() else ""
    assert actual == expected, f"docs/MODEL.md is out of date with the model docstrings; regenerate it: {REGENERATE}"


def test_every_component_has_a_doc(found):
    assert len(found) > 50  # the variants built every family
    missing = [f"{c.module}.{c.name} ({c.kind})" for c in found if not c.doc]
    assert not missing, f"components without doc=: {missing}"


def test_every_constraint_cites_equations_its_module_defines(found):
    assert {c.kind for c in found} >= {"Constraint", "Objective", "Var", "Set"}
    assert not citation_problems(found), "\n".join(citation_problems(found))


def test_family_modules_number_their_equations_once(found):
    for module in sorted({c.module for c in found if c.kind in MUST_CITE}):
        labels = equation_labels(sys.modules[module].__doc__)
        assert labels, f"{module} defines no equation labels"
        assert len(labels) == len(set(labels)), f"{module} defines an equation number twice: {labels}"
        assert len({n[0] for n in labels}) == 1, f"{module} mixes equation prefixes: {labels}"


def test_citation_check_catches_a_wrong_or_missing_number():
    assert equation_labels("x \\qquad\\text{(T1: bounds)}\\\\ y \\qquad\\text{(T2, T3)}") == ["T1", "T2", "T3"]
    assert cited_equations("(S6, S9) state (MWh), CO2 (tCO2)") == ["S6", "S9"]
    module = "gzpower.model.thermal"
    good = ComponentDoc(module, "ok", "Constraint", "", "(T3) ramp-up limit")
    unknown = ComponentDoc(module, "fake", "Constraint", "", "(T99) a limit nobody wrote down")
    elsewhere = ComponentDoc(module, "fake_var", "Var", "", "(S2) cited from the wrong module")
    uncited = ComponentDoc(module, "bare", "Constraint", "", "a limit without its number")
    assert citation_problems([good]) == []
    problems = citation_problems([good, unknown, elsewhere, uncited])
    assert len(problems) == 3
    assert "(T99)" in problems[0] and "(S2)" in problems[1] and "cites no equation" in problems[2]

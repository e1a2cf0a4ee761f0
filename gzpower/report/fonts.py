"""A CJK font for the report's figures, so the plan's Chinese quotes render (``fonts-noto-cjk`` on Debian; ``.ci/run``
installs it). Only fonts that are installed are named, so matplotlib never warns about a missing family."""

from __future__ import annotations

from functools import cache

#: CJK families tried in order (Noto from fonts-noto-cjk, then common alternatives)
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei")


@cache
def installed_cjk_families() -> tuple[str, ...]:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(f for f in CJK_FAMILIES if f in names)


def use_cjk_fallback() -> bool:
    """Let matplotlib fall back to an installed CJK font after DejaVu Sans; False when none is installed."""
    import matplotlib

    cjk = installed_cjk_families()
    if cjk:
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", *cjk]
    return bool(cjk)

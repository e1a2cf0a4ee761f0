"""The plan's named coal-to-gas replacement (section 三(一)1 of the plan text): which plants it names and which
GEM gas units are their replacement projects. Facts read from the plan and the trackers, not assumptions."""

from __future__ import annotations

# GEM gas units that are the plan's replacement projects for the replaced coal, by district:
# Nansha: Guangzhou Pearl River LNG power station phase II (珠江天然气电厂二期, 2 x 600 MW, construction) replaces
#   Zhujiang coal 4 x 320 MW on the same site.
# Huangpu: Hengyun-C gas (2 x 460 MW, construction, GEM flag "conversion") replaces Hengyun-C/D coal on the
#   same Xiji Road site. The Baiyun Hengyun gas plant (恒运白云, Baiyun) is a new plant of the same owner in
#   another district and is counted as ordinary new gas, not as replacement.
COAL_REPLACEMENT_GAS_UNITS: dict[str, tuple[str, ...]] = {
    "Nansha": ("G405300", "G405301"),
    "Huangpu": ("G405296", "G405297"),
}

# Plants whose coal units the plan names for equal-capacity replacement (GEM GCPT plant names).
COAL_REPLACEMENT_PLANTS: tuple[str, ...] = (
    "Guangzhou Zhujiang power station",
    "Hengyun-C power station",
    "Hengyun-D power station",
)

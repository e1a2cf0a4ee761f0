"""The gzpower linear program: one module per component family (:data:`gzpower.model.families.FAMILIES`: inputs,
build, outputs), assembled in :mod:`gzpower.model.data` and :mod:`gzpower.model.build`."""

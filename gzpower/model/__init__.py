"""The gzpower linear program: one builder per component family, assembled in :mod:`gzpower.model.build`."""

"""Engine tests (a package: their helpers are imported as ``.engine_support``)."""

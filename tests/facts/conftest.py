"""Facts tests (a package: their helpers are imported as ``.facts_support``)."""

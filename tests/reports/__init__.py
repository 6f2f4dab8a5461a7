"""Reports tests (a package: their helpers are imported as ``.reports_support``)."""

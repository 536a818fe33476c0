"""pressmetrics: tallies of police work from Chinese police press releases, into DuckDB."""
__version__ = "0.1.0"

"""PMO Analytics: Excel exports in, dated snapshots and explainable portfolio health out."""

__version__ = "0.1.0"

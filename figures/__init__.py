"""Figures and tables of the guide: small functions of (params, rnncore results)."""

"""Vägen: the follow-up dashboard's core (no Streamlit here, except core/ui.py)."""

"""Charts on screen (built by core.charts)."""

from __future__ import annotations

import altair as alt
import streamlit as st


def diagram(chart: alt.TopLevelMixin) -> None:
    """Draw a chart from :mod:`core.charts` (its theme and Swedish locale travel in the spec)."""
    st.altair_chart(chart, width="stretch")

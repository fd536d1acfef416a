"""Figure builders: plain functions from results to plotly figures, no callbacks."""

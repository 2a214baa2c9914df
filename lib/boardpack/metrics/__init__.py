"""Pure DataFrame-in, DataFrame-out calculations behind the figures in the pack."""

"""Training with the report's recipe: hyperparameters, run options, data, splits, the
trainer and its runs, comparisons, sweeps (in process or on Ray) and emitted scripts."""

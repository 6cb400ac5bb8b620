"""Static analyses of a `Spec`: shapes and parameters, costs and memory, receptive fields,
lints, diffs, resource budgets and sweeps. No TensorFlow here."""

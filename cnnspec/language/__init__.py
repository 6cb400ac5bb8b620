"""The .cnn language: text to statements (parser, messages), statements to a `Spec` (builder),
files (loading), canonical text (formatter) and grids of variants."""

"""The report's model.summary() figures and parameter counts, typed from its text.

Each row is (name, type, output shape without the batch axis, params) as printed in the
report; these are the expected values the golden tests hold cnnspec to.
"""

FIGURES = {
    # Figure 2, section 1.c
    "exercise1b": [
        ("conv2d", "Conv2D", (28, 28, 6), 156),
        ("max_pooling2d", "MaxPooling2D", (14, 14, 6), 0),
        ("flatten", "Flatten", (1176,), 0),
        ("dense", "Dense", (128,), 150656),
        ("dense_1", "Dense", (10,), 1290),
    ],
    # Figure 3, section 1.d
    "exercise1d": [
        ("conv2d", "Conv2D", (24, 24, 6), 156),
        ("max_pooling2d", "MaxPooling2D", (12, 12, 6), 0),
        ("flatten", "Flatten", (864,), 0),
        ("dense", "Dense", (128,), 110720),
        ("dense_1", "Dense", (10,), 1290),
    ],
    # Figure 4, section 1.e
    "exercise1e": [
        ("conv2d", "Conv2D", (14, 14, 6), 156),
        ("max_pooling2d", "MaxPooling2D", (7, 7, 6), 0),
        ("flatten", "Flatten", (294,), 0),
        ("dense", "Dense", (128,), 37760),
        ("dense_1", "Dense", (10,), 1290),
    ],
    # Figure 6, section 2.b
    "exercise2b": [
        ("conv2d", "Conv2D", (14, 14, 32), 544),
        ("max_pooling2d", "MaxPooling2D", (7, 7, 32), 0),
        ("conv2d_1", "Conv2D", (7, 7, 16), 8208),
        ("max_pooling2d_1", "MaxPooling2D", (3, 3, 16), 0),
        ("conv2d_2", "Conv2D", (3, 3, 9), 585),
        ("max_pooling2d_2", "MaxPooling2D", (1, 1, 9), 0),
        ("flatten", "Flatten", (9,), 0),
        ("dense", "Dense", (128,), 1280),
        ("dense_1", "Dense", (10,), 1290),
    ],
}

# Figure totals, and Table 2's counts for models 1-3. Table 2 prints 449,482 in the row
# it labels Model 2 and 440,906 in Model 3's; the layers of Table 1 give the reverse
# (see specs/model2.cnn), which is what is pinned here.
TOTAL_PARAMS = {
    "exercise1b": 152102,
    "exercise1d": 112166,
    "exercise1e": 39206,
    "exercise2b": 11907,
    "model1": 207178,
    "model2": 440906,
    "model3": 449482,
}

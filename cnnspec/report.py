"""The study report's setup as constants: what every part of cnnspec defaults to.

"We will use 50 epochs, a batch size of 100 ... and a standard gradient descent optimizer
with a learning rate of 0.05 ... the number 6570518 is used as a seed for all random
variable initialisation." MNIST: 28x28 greyscale images of 10 digits. The analyses (memory
at the report's batch, the output-classes lint), the compiler (the seed) and the training
recipe all read them here, so none of them depends on another for a number.
"""

REPORT_SEED = 6570518
REPORT_EPOCHS = 50
REPORT_BATCH = 100
REPORT_LR = 0.05
MNIST_SHAPE = (28, 28, 1)
MNIST_CLASSES = 10

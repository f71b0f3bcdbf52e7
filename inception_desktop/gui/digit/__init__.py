"""The Digit workspace: draw (or drop an image of) a digit and watch the MNIST model read it."""

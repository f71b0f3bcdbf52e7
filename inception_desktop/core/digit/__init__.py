"""Digits: MNIST's input contract and the normalisation of a drawing or a digit image."""

"""nn: neurons, layers and multi-layer perceptrons made of autograd Values."""

"""The Photo workspace: photos in, the model's top-10 out, beside the exact network input; framing
experiments (Compare, Sweep), explanations, and the weights panel while weights are missing."""

"""Where the window's work runs, off the GUI thread: the one inference worker and the requests it
serves, each view's channel to it, background jobs, child processes for TensorFlow's heavy work,
and the process-wide guards (the binding check, the GUI-thread garbage collector). No widgets."""

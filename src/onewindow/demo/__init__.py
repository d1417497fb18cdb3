"""The demo: data files (data/) and the loaders that write them into a database for `onewindow demo`."""

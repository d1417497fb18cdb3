"""OneWindow (一窗通办): one-stop government service platform."""

"""Running a local network of real node processes on loopback (``ntdc network``)."""

"""One router per API area; ``api.apps`` decides which app mounts which."""

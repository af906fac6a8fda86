"""Request and response models of the HTTP APIs, one module per area (requests end in
``Request``, responses in ``Response`` or name the resource)."""

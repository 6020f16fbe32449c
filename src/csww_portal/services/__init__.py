"""The portal's own workflow (storage, states, access, audit); rules come from the core."""

"""Views, one module per concept; each is thin and calls the services and the core."""

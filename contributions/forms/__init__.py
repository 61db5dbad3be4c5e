"""Forms of the contributive budget."""

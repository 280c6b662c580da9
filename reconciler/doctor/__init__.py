"""`reconciler doctor`: what a new installation gets wrong, found by reading AWS and GitHub, each
with its fix. It reads; it never changes anything."""

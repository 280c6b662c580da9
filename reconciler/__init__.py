"""GitOps reconciler for AWS Organizations."""

__version__ = "0.1.0"

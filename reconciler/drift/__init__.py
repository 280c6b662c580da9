"""Drift: a reconcile run reads live AWS (a full scan or CloudTrail's increment), detects what
differs from the repository, and carries out the repository's rules: revert, pull request or report.

The decision part (detect, the pull request texts, the state across runs, the scan schedule) is
pure; remediation and attribution act only through ports the commands fill with adapters."""

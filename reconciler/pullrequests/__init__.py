"""The GitHub flow: the Actions environment, the plan comment, the apply gate and its approval
record, account requests from issue forms, and the write-back pull request of new account ids.

GitHub is reached only through the `GitHubPort` (pullrequests.port), which the GitHub adapter
implements; the gate's decision is a pure function of what the port returned."""

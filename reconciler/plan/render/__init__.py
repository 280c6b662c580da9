"""The plan for people: text for terminals and logs, markdown for pull request comments. Pure
functions from a Plan to a string; only the commands print them."""

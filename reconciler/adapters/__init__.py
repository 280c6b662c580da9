"""One adapter module per technology (AWS, git, GitHub). Only this package imports boto3,
git or github; the rest of the project sees the project's own types and errors."""

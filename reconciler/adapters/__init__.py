"""One adapter module per technology (AWS, git, GitHub). Only this package imports boto3,
botocore, GitPython and PyGithub; the rest of the project sees the project's own types and errors.

Each adapter implements a port that a stage declares (live.calls.AwsCalls,
apply.writeback.GitRepository, pullrequests.port.GitHubPort); the stages never import this
package, and the commands are the ones that plug an adapter into a stage."""

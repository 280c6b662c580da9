"""The desired state: the repository's files read, positioned, schema-checked and checked across
files, as the frozen model or as Problems a person can act on. Also the inverse, `import`'s writer.

Pure apart from reading (and, for `import`, writing) files: no AWS, no git, no GitHub."""

"""orgsim: a local AWS Organizations that behaves like the real one."""

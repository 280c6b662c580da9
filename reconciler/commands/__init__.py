"""One module per console command. Each exposes a click command named `command`."""

"""CLI subcommands, one module per feature, each exposing `register(subparsers)`."""

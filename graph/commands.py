"""Commands that live beside the core ones; each is registered on the shared typer app."""

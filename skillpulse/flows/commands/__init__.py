"""One module per CLI command beyond run/serve; each defines ``register(app: typer.Typer)``."""

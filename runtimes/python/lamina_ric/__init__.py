"""Lamina's Python runtime interface client: the Lambda Runtime API loop, stdlib only."""

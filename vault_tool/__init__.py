"""vault-tool: a plain-text CRM. Customers are Markdown notes in a git repository."""

__version__ = "0.1.0"

"""HTML pages: thin views over the domain apps."""

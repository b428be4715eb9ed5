"""Developer tools that are not tests: the demo (scripts/develop) and the benchmark."""

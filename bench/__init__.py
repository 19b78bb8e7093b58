"""Throughput benchmark of the public course pages (bench/catalog.py). Never used by the deployed site."""

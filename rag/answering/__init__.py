"""Answerers behind one interface (chain.py), chosen per route by rag/data/routes.yaml."""

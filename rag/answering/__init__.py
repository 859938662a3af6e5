"""Answerers behind one interface (base.py), chosen per route by rag/data/routes.yaml."""

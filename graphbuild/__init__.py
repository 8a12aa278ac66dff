"""graphbuild: news articles -> a knowledge graph of geopolitical events.

Stages (data flows one way): ingest -> extract -> merge -> sinks (embedded store, Neo4j, RDF).
"""

__version__ = "0.1.0"

"""linkgraph: link fraudulent API accounts into campaigns with graph analytics."""

__version__ = "0.1.0"

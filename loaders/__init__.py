"""Export loaders: an export directory -> a validated, normalised ``LoadBatch`` staged as Parquet.

``load_export`` is the entry point the pipeline and CLI call; ``TABLE_FILES`` are the table
names an export directory may contain (``accounts`` required, the rest optional).
"""

from linkgraph.loaders.export import load_export
from linkgraph.loaders.validate import TABLE_FILES

__all__ = ["TABLE_FILES", "load_export"]

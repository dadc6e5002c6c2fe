"""What the investigator app shows and does, computed without Streamlit.

The app's pages (``app/app_pages/``) are thin UI scripts: a widget, a call into one of these
modules, a table or chart. Everything that can be wrong (which campaigns a filter keeps, which
identifiers link a campaign, how a large one is sampled for the graph, whether an uploaded zip
is safe) lives here, one module per concern, so it is tested with plain pytest and benchmarked
on a 1M-account store (``bench/bench_app.py``) without a browser:

* ``status``: what the store holds and what to do next;
* ``campaigns``: the ranked table and its filters;
* ``evidence``: why a campaign was flagged (score breakdown, infrastructure, timelines);
* ``graph``: the network drawing's elements;
* ``accounts``: search, one account, the path linking two;
* ``downloads`` and ``uploads``: enforcement outputs out, exports in;
* ``text``: showing data values safely.

Decisions (recording, the audit trail, the one rule for which is in force) are
``linkgraph.decisions``, shared with the enforcement outputs.

Every function talks to the store only through the ``Store`` protocol and the named
investigator queries, so the app works the same on the embedded and the Neo4j backend.
"""

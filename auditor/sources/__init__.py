"""Where a snapshot's users and sites come from: one module per source.

``base`` holds the :class:`~auditor.sources.base.Source` protocol every source meets;
``admin_api`` reads 8x8's Administration API over httpx. Nothing here opens a connection at
import time: a source is built, then ``collect()`` is called.
"""

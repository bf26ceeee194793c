"""Caches that only save time: one content-addressed store, authenticated, keyed by the code identity.

See :mod:`pipeline.cache.store`. Nothing here ever decides what is published:
a value that is missing or does not verify is worked out again.
"""

from pipeline.cache.digests import digest_of, sha256
from pipeline.cache.identity import code_identity
from pipeline.cache.index import FileIndex
from pipeline.cache.store import Store, cache_secret, shared_store

__all__ = ["FileIndex", "Store", "cache_secret", "code_identity", "digest_of", "sha256",
           "shared_store"]

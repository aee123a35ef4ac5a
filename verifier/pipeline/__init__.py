"""Use cases, one module each: ``verify``, ``mapping`` (sync/check). Each takes a frozen options object."""

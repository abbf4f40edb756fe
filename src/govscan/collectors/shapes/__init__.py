"""Cloud resources as govscan's resource types, from the cloud's own JSON.

A module here turns one resource's documented API JSON (for Azure: ARM JSON,
``{id, name, type, location, sku, kind, identity, tags, properties}``) into the
fields of its type, with no client and no server. The live collectors feed them
what a GET answers; the repository collector feeds them the request body a
Terraform ``azapi_resource`` declares. Both sources import this package and never
each other, so one mapping serves both.
"""

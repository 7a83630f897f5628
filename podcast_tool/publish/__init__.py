"""Publishing: the replay page, the podcast feed, and the static site that holds both.

Everything written here is static: pages that work from ``file://`` and from any web host,
with nothing fetched from elsewhere (no CDN, no font, no tracker) and nothing to run on a server.
"""

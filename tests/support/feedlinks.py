"""Parse many feed files with Python feedparser, one path a line on standard input,
and print for each what a feed-history walk needs as one JSON list: the bozo flag,
the feed-level links and the entry ids."""
import json
import sys

import feedparser

documents = []
for path in sys.stdin.read().splitlines():
    result = feedparser.parse(path)
    documents.append({
        "path": path,
        "bozo": bool(result.bozo),
        "bozo_exception": str(result.get("bozo_exception", "")),
        "links": [{"rel": link.get("rel"), "href": link.get("href")} for link in result.feed.get("links", [])],
        "ids": [entry.get("id") for entry in result.entries],
    })
print(json.dumps(documents, ensure_ascii=False))

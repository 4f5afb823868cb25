"""Parse a feed file with Python feedparser and print what it read as JSON."""
import json
import sys
import time

import feedparser


def plain(value):
    if isinstance(value, time.struct_time):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


result = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(result.bozo),
    "bozo_exception": str(result.get("bozo_exception", "")),
    "version": result.version,
    "feed": plain(dict(result.feed)),
    "entries": [plain(dict(entry)) for entry in result.entries],
}, ensure_ascii=False))

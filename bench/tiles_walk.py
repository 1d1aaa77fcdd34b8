#!/usr/bin/env python3
"""One pass over the whole tile list, for bench/tiles.sh's warm-up:
tiles_walk.py HOST:PORT PREFIX SUFFIX LIST [CONNS]. Every URL is asked for
exactly once, over CONNS keep-alive connections (default 8), gzip accepted.
Prints the number of requests, non-2xx/3xx answers and seconds taken."""
import http.client, sys, threading, time

host, prefix, suffix, path = sys.argv[1:5]
conns = int(sys.argv[5]) if len(sys.argv) > 5 else 8
urls = [prefix + line.strip() + suffix for line in open(path) if line.strip()]
bad = [0] * conns

def walk(k):
    c = http.client.HTTPConnection(host, timeout=60)
    for u in urls[k::conns]:
        c.request("GET", u, headers={"Accept-Encoding": "gzip"})
        r = c.getresponse()
        r.read()
        if r.status >= 400:
            bad[k] += 1

start = time.time()
ts = [threading.Thread(target=walk, args=(k,)) for k in range(conns)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(urls), sum(bad), "%.1f" % (time.time() - start))

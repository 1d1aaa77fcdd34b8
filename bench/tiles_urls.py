#!/usr/bin/env python3
"""Writes the tile paths of the tiles benchmark: z10-z16 over Zhangzhou,
weighted to the centre (a normal spread around 芗城区), one per line as
"{z}/{x}/{y}". The same list drives grid110 and tegola. Seeded: every run
asks for the same tiles."""
import math, random, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
rng = random.Random(110)
for _ in range(n):
    z = rng.randint(10, 16)
    lon = min(118.3, max(117.0, rng.gauss(117.65, 0.12)))
    lat = min(24.9, max(23.6, rng.gauss(24.51, 0.10)))
    s = math.sin(math.radians(lat))
    x = int((lon + 180) / 360 * 2**z)
    y = int((0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * 2**z)
    print(f"{z}/{x}/{y}")

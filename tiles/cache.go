package tiles

import (
	"container/list"
	"sync"
)

// tileKey names one tile of one layer, whatever the filter.
type tileKey struct {
	layer   string
	z, x, y int
}

// cache is an LRU of rendered tiles, bounded in bytes. Entries are grouped
// by tileKey, each holding the tile for every filter asked for, so that
// invalidating a tile drops all its filtered variants at once.
//
// Renders race with invalidation: a render that began before an
// invalidation may have read the old data. Each layer has a generation,
// bumped by every invalidation of that layer; a render records the
// generation it started under and put refuses its tile if it changed.
type cache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	lru   *list.List // of *cacheEntry, most recent at the front
	items map[tileKey]*list.Element
	gen   map[string]uint64
}

type cacheEntry struct {
	key      tileKey
	variants map[string]*Tile
	size     int64
}

// newCache returns a cache of at most maxBytes; 0 caches nothing.
func newCache(maxBytes int64) *cache {
	return &cache{max: maxBytes, lru: list.New(), items: map[tileKey]*list.Element{}, gen: map[string]uint64{}}
}

// generation returns the layer's current generation, for a later put.
func (c *cache) generation(layer string) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen[layer]
}

func (c *cache) get(k tileKey, filter string) (*Tile, bool) {
	if c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	t, ok := el.Value.(*cacheEntry).variants[filter]
	if ok {
		c.lru.MoveToFront(el)
	}
	return t, ok
}

// put stores t unless the layer was invalidated since generation gen.
func (c *cache) put(k tileKey, filter string, gen uint64, t *Tile) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen[k.layer] != gen {
		return
	}
	el, ok := c.items[k]
	if !ok {
		el = c.lru.PushFront(&cacheEntry{key: k, variants: map[string]*Tile{}})
		c.items[k] = el
	}
	e := el.Value.(*cacheEntry)
	if old, ok := e.variants[filter]; ok {
		e.size -= old.size()
		c.size -= old.size()
	}
	e.variants[filter] = t
	e.size += t.size()
	c.size += t.size()
	c.lru.MoveToFront(el)
	for c.size > c.max && c.lru.Len() > 0 {
		c.removeLocked(c.lru.Back())
	}
}

func (c *cache) removeLocked(el *list.Element) {
	e := el.Value.(*cacheEntry)
	c.lru.Remove(el)
	delete(c.items, e.key)
	c.size -= e.size
}

// invalidate drops the given tiles of a layer, every filter.
func (c *cache) invalidate(layer string, keys []tileKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen[layer]++
	for _, k := range keys {
		if el, ok := c.items[k]; ok {
			c.removeLocked(el)
		}
	}
}

// invalidateWhere drops a layer's tiles for which stale returns true.
func (c *cache) invalidateWhere(layer string, stale func(z, x, y int) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen[layer]++
	for k, el := range c.items {
		if k.layer == layer && stale(k.z, k.x, k.y) {
			c.removeLocked(el)
		}
	}
}

// clear drops every tile of the layers.
func (c *cache) clear(layers ...string) {
	for _, l := range layers {
		c.invalidateWhere(l, func(int, int, int) bool { return true })
	}
}

// stats returns the number of tiles (all variants) and bytes held.
func (c *cache) stats() (tiles int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, el := range c.items {
		tiles += len(el.Value.(*cacheEntry).variants)
	}
	return tiles, c.size
}

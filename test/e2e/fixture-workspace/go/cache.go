// Package cache holds a least-recently-used cache of strings.
package cache

import "container/list"

type entry struct {
	key   string
	value string
}

// LRUCache evicts the least recently used entry once it holds capacity entries.
type LRUCache struct {
	capacity int
	order    *list.List
	items    map[string]*list.Element
}

// NewLRUCache makes an empty cache that keeps at most capacity entries.
func NewLRUCache(capacity int) *LRUCache {
	return &LRUCache{capacity: capacity, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the cached value and marks it as recently used.
func (c *LRUCache) Get(key string) (string, bool) {
	el, ok := c.items[key]
	if !ok {
		return "", false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).value, true
}

// Put stores a value, evicting the oldest entry when the cache is full.
func (c *LRUCache) Put(key, value string) {
	if el, ok := c.items[key]; ok {
		el.Value.(*entry).value = value
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*entry).key)
	}
	c.items[key] = c.order.PushFront(&entry{key, value})
}

package main

import (
	"strings"
	"testing"
)

// TestConfigURLs checks the two URLs the web pages use: the public URL in
// QR codes and the optional basemap style.
func TestConfigURLs(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	c, err := loadConfig(env("GRID110_PUBLIC_URL", "https://110.example.cn/zz/", "GRID110_BASEMAP_STYLE", "http://tiles.lan/style.json"))
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicURL != "https://110.example.cn/zz" || c.BasemapStyle != "http://tiles.lan/style.json" {
		t.Errorf("loadConfig = public %q, basemap %q; want the trailing slash trimmed", c.PublicURL, c.BasemapStyle)
	}
	if c, err := loadConfig(env()); err != nil || c.PublicURL != "" || c.BasemapStyle != "" {
		t.Errorf("loadConfig without them = %+v, %v; want both empty", c, err)
	}
	for _, tc := range []struct{ env, v string }{
		{"GRID110_PUBLIC_URL", "110.example.cn"},
		{"GRID110_PUBLIC_URL", "ftp://110.example.cn"},
		{"GRID110_BASEMAP_STYLE", "style.json"},
		{"GRID110_BASEMAP_STYLE", "https://"},
	} {
		if _, err := loadConfig(env(tc.env, tc.v)); err == nil || !strings.Contains(err.Error(), tc.env) {
			t.Errorf("loadConfig(%s=%q) = %v; want an error naming %s", tc.env, tc.v, err, tc.env)
		}
	}
}

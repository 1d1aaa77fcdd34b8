package demo

// ZhangzhouGeoJSON returns the embedded DataV file of Zhangzhou's 11
// districts and counties (GCJ-02, codes as DataV has them), for import tests.
func ZhangzhouGeoJSON() []byte {
	b, err := dataFS.ReadFile("data/zhangzhou-datav/350600_full.json")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

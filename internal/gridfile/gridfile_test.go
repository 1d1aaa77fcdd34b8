package gridfile

import (
	"errors"
	"math"
	"strings"
	"testing"

	"grid110/internal/crs"
	"grid110/internal/grid110"
)

func TestReadErrorsNameTheField(t *testing.T) {
	t.Parallel()
	poly := `{"type":"Polygon","coordinates":[[[117,24],[117.1,24],[117.1,24.1],[117,24]]]}`
	tests := []struct {
		name, in, field string
	}{
		{"broken json", `{"type":`, "file"},
		{"no features", `{"type":"FeatureCollection","features":[]}`, "file"},
		{"missing code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":` + poly + `}]}`, "features[0].properties.code"},
		{"missing name", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1"},"geometry":` + poly + `}]}`, "features[0].properties.name"},
		{"point", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},"geometry":{"type":"Point","coordinates":[1,2]}}]}`, "features[0].geometry"},
		{"no geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},"geometry":null}]}`, "features[0].geometry"},
		{"short ring", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},"geometry":{"type":"Polygon","coordinates":[[[117,24],[117.1,24],[117,24]]]}}]}`, "features[0].geometry"},
		{"latitude 95", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},"geometry":{"type":"Polygon","coordinates":[[[117,95],[117.1,24],[117.1,24.1],[117,95]]]}}]}`, "features[0].geometry"},
		{"fractional code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":1.5,"name":"x"},"geometry":` + poly + `}]}`, "features[0].properties.code"},
		{"repeated code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},"geometry":` + poly + `},{"type":"Feature","properties":{"code":"1","name":"y"},"geometry":` + poly + `}]}`, "features[1].properties.code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in), Options{})
			var ve *grid110.ValidationError
			if !errors.As(err, &ve) || ve.Field != tt.field {
				t.Errorf("Read = %v; want a validation error on %s", err, tt.field)
			}
		})
	}
}

func TestReadConvertsAndAcceptsAdcode(t *testing.T) {
	t.Parallel()
	in := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":350602,"name":"芗城区"},
		"geometry":{"type":"MultiPolygon","coordinates":[[[[117.6,24.5],[117.7,24.5],[117.7,24.6],[117.6,24.5]]]]}}]}`
	feats, err := Read(strings.NewReader(in), Options{CRS: crs.GCJ02})
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 1 || feats[0].Code != "350602" || feats[0].Name != "芗城区" {
		t.Fatalf("Read = %+v; want one feature 350602 芗城区", feats)
	}
	got := feats[0].Geom[0][0][0]
	wlon, wlat := crs.GCJ02ToWGS84(117.6, 24.5)
	if math.Abs(got[0]-wlon) > 1e-12 || math.Abs(got[1]-wlat) > 1e-12 {
		t.Errorf("first vertex = %v; want GCJ-02 (117.6, 24.5) in WGS-84 = (%v, %v)", got, wlon, wlat)
	}
}

// FuzzRead checks that no input makes Read panic, and that what it accepts
// is usable: codes and names set, rings closed, coordinates in range.
func FuzzRead(f *testing.F) {
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},"geometry":{"type":"Polygon","coordinates":[[[117,24],[117.1,24],[117.1,24.1],[117,24]]]}}]}`)
	f.Add(`{"type":"Feature","properties":{"adcode":1,"name":"x"},"geometry":{"type":"MultiPolygon","coordinates":[[[[1,2],[3,4],[5,6],[1,2]]]]}}`)
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"x"},"geometry":{"type":"Polygon","coordinates":[[[1e400,24],[117.1,24],[117.1,24.1],[117,24]]]}}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, in string) {
		for _, c := range []crs.CRS{crs.WGS84, crs.GCJ02, crs.BD09} {
			feats, err := Read(strings.NewReader(in), Options{CRS: c})
			if err != nil {
				if !errors.Is(err, grid110.ErrInvalid) {
					t.Fatalf("Read error %v does not wrap ErrInvalid", err)
				}
				continue
			}
			for _, ft := range feats {
				if ft.Code == "" || ft.Name == "" || len(ft.Geom) == 0 {
					t.Fatalf("accepted feature %+v without code, name or geometry", ft)
				}
				for _, poly := range ft.Geom {
					for _, ring := range poly {
						if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
							t.Fatalf("accepted an open or short ring %v", ring)
						}
						for _, p := range ring {
							if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.Abs(p[0]) > 180.1 || math.Abs(p[1]) > 90.1 {
								t.Fatalf("accepted coordinate %v", p)
							}
						}
					}
				}
			}
		}
	})
}

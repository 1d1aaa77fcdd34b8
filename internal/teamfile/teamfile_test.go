package teamfile

import (
	"errors"
	"strings"
	"testing"

	"grid110/internal/crs"
	"grid110/internal/grid110"
)

func TestReadCSV(t *testing.T) {
	t.Parallel()
	in := "\ufeffcode,kind,name,grid_code,lon,lat,on_duty,members\n" +
		"D1,duty,金宝社区“2”责任组,350602001001,,,,grid_worker:林晓燕:13800000000|police_officer:陈志强\n" +
		"P1,patrol,巡逻队,,117.6,24.5,false,\n"
	teams, err := Read(strings.NewReader(in), "t.csv", crs.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	if len(teams) != 2 || teams[0].GridCode != "350602001001" || len(teams[0].Team.Members) != 2 ||
		teams[0].Team.Members[0].Phone != "13800000000" || teams[1].Team.OnDuty || !teams[1].Team.HasBase {
		t.Errorf("Read = %+v", teams)
	}
}

func TestReadErrorsNameRowAndColumn(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, field string }{
		{"code,kind\nA,patrol\n", "header"},
		{"code,kind,name\nA,patrol,x\n", "row 2.lon"},
		{"code,kind,name\nA,duty,x\n", "row 2.grid_code"},
		{"code,kind,name,lon,lat\nA,patrol,x,117,95\n", "row 2.lon"},
		{"code,kind,name,grid_code,members\nA,duty,x,1,chef:张三\n", "row 2.members"},
		{"code,kind,name,grid_code,on_duty\nA,duty,x,1,maybe\n", "row 2.on_duty"},
		{"code,kind,name\n,patrol,x\n", "row 2.code"},
	}
	for _, tt := range tests {
		_, err := Read(strings.NewReader(tt.in), "t.csv", crs.WGS84)
		var ve *grid110.ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("Read(%q) = %v; want an error on %s", tt.in, err, tt.field)
		}
	}
}

// FuzzRead checks that no file makes Read panic, and that accepted teams
// have what the database needs.
func FuzzRead(f *testing.F) {
	f.Add("code,kind,name,lon,lat\nA,patrol,x,117,24\n", ".csv")
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"A","kind":"patrol","name":"x"},"geometry":{"type":"Point","coordinates":[117,24]}}]}`, ".geojson")
	f.Fuzz(func(t *testing.T, in, ext string) {
		teams, err := Read(strings.NewReader(in), "f"+ext, crs.GCJ02)
		if err != nil {
			return
		}
		for _, tm := range teams {
			if tm.Team.Code == "" || tm.Team.Kind == "" || tm.Team.Name == "" {
				t.Fatalf("accepted %+v without code, kind or name", tm)
			}
			if tm.Team.Kind != grid110.KindDuty && !tm.Team.HasBase {
				t.Fatalf("accepted an N-team without a base: %+v", tm)
			}
		}
	})
}

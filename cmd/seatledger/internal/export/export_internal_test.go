package export

import "testing"

func TestDir(t *testing.T) {
	for _, tt := range []struct {
		o    Options
		want string
	}{
		{Options{Format: "parquet"}, DefaultDir},
		{Options{Format: "parquet", ParquetDir: "/lake"}, "/lake"},
		{Options{Format: "parquet", ParquetDir: "/lake", Dir: "out"}, "out"},
		{Options{Format: "csv", ParquetDir: "/lake"}, DefaultDir}, // reports.parquet_dir is for Parquet
		{Options{Format: "csv", Dir: "out"}, "out"},
	} {
		if got := tt.o.dir(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.o, got, tt.want)
		}
	}
}

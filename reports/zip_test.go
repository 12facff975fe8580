package reports

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/fstest"
)

// TestParallelZip writes entries of every awkward size through the
// parallel deflater and reads them back with archive/zip, which checks
// each entry's CRC and sizes against the data.
func TestParallelZip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	xmlish := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			fmt.Fprintf(&b, `<c r="A%d" t="inlineStr"><is><t>user%d@contoso.com</t></is></c>`, rng.IntN(1e6), rng.IntN(1e5))
		}
		return b.Bytes()[:n]
	}
	noise := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	entries := []struct {
		name string
		data []byte
		// writes splits data into writes of this size (0: one write)
		writes int
	}{
		{"empty.xml", nil, 0},
		{"tiny.xml", []byte("<a/>"), 0},
		{"one-chunk.xml", xmlish(zipChunk), 0},
		{"chunk-plus-one.xml", xmlish(zipChunk + 1), 0},
		{"many-chunks.xml", xmlish(7*zipChunk + 12345), 4096},
		{"odd-writes.xml", xmlish(3*zipChunk - 1), 999},
		{"incompressible.bin", noise(2*zipChunk + 7), 0},
	}
	var buf bytes.Buffer
	z := newParallelZip(&buf)
	for _, e := range entries {
		w, err := z.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		data := e.data
		step := e.writes
		if step == 0 {
			step = max(1, len(data))
		}
		for len(data) > 0 {
			k := min(step, len(data))
			if _, err := w.Write(data[:k]); err != nil {
				t.Fatalf("%s: %v", e.name, err)
			}
			data = data[k:]
		}
	}
	if err := z.AddFS(fstest.MapFS{"fs/added.txt": {Data: []byte("from a file system")}}); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"fs/added.txt": []byte("from a file system")}
	for _, e := range entries {
		want[e.name] = e.data
	}
	files := 0
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		files++
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		got, err := io.ReadAll(rc) // fails on a CRC or size mismatch
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !bytes.Equal(got, want[f.Name]) {
			t.Errorf("%s: read back %d bytes that differ from the %d written", f.Name, len(got), len(want[f.Name]))
		}
		if f.UncompressedSize64 != uint64(len(want[f.Name])) {
			t.Errorf("%s: directory says %d bytes, want %d", f.Name, f.UncompressedSize64, len(want[f.Name]))
		}
	}
	if files != len(want) {
		t.Fatalf("zip holds %d files, want %d", files, len(want))
	}
}

// BenchmarkParallelZip deflates 64 MiB of sheet-like XML through the
// parallel deflater beside archive/zip's own writer at its default level,
// the workbook's compression before.
func BenchmarkParallelZip(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var data bytes.Buffer
	for data.Len() < 64<<20 {
		fmt.Fprintf(&data, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>user%d@contoso.com</t></is></c><c r="B%d" s="4"><v>%d.%02d</v></c></row>`,
			rng.IntN(1e6), rng.IntN(1e6), rng.IntN(1e5), rng.IntN(1e6), rng.IntN(1000), rng.IntN(100))
	}
	for _, bc := range []struct {
		name string
		new  func(io.Writer) interface {
			Create(string) (io.Writer, error)
			Close() error
		}
	}{
		{"archive-zip-default", func(w io.Writer) interface {
			Create(string) (io.Writer, error)
			Close() error
		} {
			return zip.NewWriter(w)
		}},
		{"parallel", func(w io.Writer) interface {
			Create(string) (io.Writer, error)
			Close() error
		} {
			return newParallelZip(w)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(data.Len()))
			var out int
			for b.Loop() {
				var buf bytes.Buffer
				z := bc.new(&buf)
				w, _ := z.Create("xl/worksheets/sheet1.xml")
				if _, err := io.Copy(w, bytes.NewReader(data.Bytes())); err != nil {
					b.Fatal(err)
				}
				if err := z.Close(); err != nil {
					b.Fatal(err)
				}
				out = buf.Len()
			}
			b.ReportMetric(float64(out)/float64(data.Len())*100, "%size")
		})
	}
}

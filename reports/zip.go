package reports

import (
	"archive/zip"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"runtime"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// The workbook's zip is deflated in chunks on every core, as pigz does:
// each chunk is compressed on its own and ends with a sync flush (a byte
// boundary and no reference back into earlier chunks), so the chunks
// joined in order, and an empty final block after them, are one valid
// deflate stream. A 100k-user workbook is about 180 MB of XML, nearly all
// of it the Users sheet; deflating it at excelize's default level on one
// core took longer than streaming its rows.
const (
	// zipChunk is how much XML one chunk holds: large against deflate's
	// 32 KiB window, so joining costs next to nothing in size.
	zipChunk = 1 << 20
	// zipLevel is klauspost/compress's level 5: the 100k-user workbook
	// took 2.1-2.8 s of CPU and 20.0 MB with it, against 2.8-3.2 s and
	// 21.9 MB with the standard library's level 3 (its level 3: 24.5 MB).
	zipLevel = 5
)

// finalBlock is an empty final deflate block (fixed Huffman codes, just
// the end-of-block code): what ends the stream after the flushed chunks.
var finalBlock = []byte{0x03, 0x00}

// chunks reuses the chunk buffers, raw and deflated: a 100k-user
// workbook passes about 180 of them through, and fresh ones cost their
// page faults and the garbage collector's time.
var chunks = sync.Pool{New: func() any { return new([]byte) }}

func getChunk() []byte {
	b := *chunks.Get().(*[]byte)
	if cap(b) < zipChunk {
		b = make([]byte, 0, zipChunk)
	}
	return b[:0]
}

func putChunk(b []byte) {
	if cap(b) >= zipChunk {
		chunks.Put(&b)
	}
}

// flaters reuses deflate compressors: each holds about a megabyte of state.
var flaters = sync.Pool{New: func() any {
	w, err := flate.NewWriter(io.Discard, zipLevel)
	if err != nil {
		panic(err) // only for a level out of range
	}
	return w
}}

// parallelZip is an excelize.ZipWriter that deflates each entry's chunks
// concurrently and writes them in order as they complete; at most
// inFlight chunks are held at a time, so memory stays bounded whatever an
// entry's size.
type parallelZip struct {
	zw       *zip.Writer
	inFlight int
	cur      *zipEntry
	// splices are the spooled data rows of worksheet entries, by name.
	splices map[string]*rowSpool
}

var _ excelize.ZipWriter = (*parallelZip)(nil)

func newParallelZip(w io.Writer) *parallelZip {
	return &parallelZip{zw: zip.NewWriter(w), inFlight: inFlight()}
}

// inFlight is how many chunks a writer has deflating at a time: one per
// core and one more, so that no core waits while the oldest is written.
func inFlight() int { return runtime.GOMAXPROCS(0) + 1 }

// Create starts an entry; the previous one ends.
func (z *parallelZip) Create(name string) (io.Writer, error) {
	if err := z.finish(); err != nil {
		return nil, err
	}
	// Sizes and CRC follow the data (flag 0x8); no modification time, as
	// archive/zip's Create writes none: the same workbook, the same bytes.
	fh := &zip.FileHeader{Name: name, Method: zip.Deflate, Flags: 0x8}
	out, err := z.zw.CreateRaw(fh)
	if err != nil {
		return nil, fmt.Errorf("zip entry %s: %w", name, err)
	}
	z.cur = &zipEntry{fh: fh, out: out, limit: z.inFlight}
	if sp := z.splices[name]; sp != nil {
		return &splicer{out: z.cur, spool: sp}, nil
	}
	return z.cur, nil
}

// AddFS copies the files of fsys, each an entry of its own.
func (z *parallelZip) AddFS(fsys fs.FS) error {
	if err := z.finish(); err != nil {
		return err
	}
	return z.zw.AddFS(fsys)
}

// Close ends the last entry and writes the zip's directory.
func (z *parallelZip) Close() error {
	return errors.Join(z.finish(), z.zw.Close())
}

func (z *parallelZip) finish() error {
	if z.cur == nil {
		return nil
	}
	e := z.cur
	z.cur = nil
	return e.close()
}

// zipEntry is one entry being written: its bytes are gathered into chunks,
// each deflated by a goroutine of its own, the results written in order.
type zipEntry struct {
	fh    *zip.FileHeader
	out   io.Writer
	crc   uint32 // CRC-32 (IEEE) of the entry's bytes so far
	raw   uint64
	comp  uint64
	buf   []byte
	queue []chan deflated
	limit int
	err   error
}

type deflated struct {
	b   []byte
	err error
}

func (e *zipEntry) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n := len(p)
	e.crc = crc32.Update(e.crc, crc32.IEEETable, p)
	e.raw += uint64(n)
	for len(p) > 0 {
		if e.buf == nil {
			e.buf = getChunk()
		}
		k := min(len(p), zipChunk-len(e.buf))
		e.buf = append(e.buf, p[:k]...)
		p = p[k:]
		if len(e.buf) == zipChunk {
			if err := e.dispatch(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

// dispatch hands the gathered chunk to a goroutine, first writing out the
// oldest result when inFlight chunks are pending.
func (e *zipEntry) dispatch() error {
	for len(e.queue) >= e.limit {
		if err := e.writeOldest(); err != nil {
			return err
		}
	}
	chunk := e.buf
	e.buf = nil
	done := make(chan deflated, 1)
	e.queue = append(e.queue, done)
	go func() {
		done <- deflateChunk(chunk)
		putChunk(chunk)
	}()
	return nil
}

// deflateChunk compresses chunk into a buffer of the chunks pool (a
// chunk's deflated bytes are fewer than its own, but a buffer that grows
// past it simply is not pooled).
func deflateChunk(chunk []byte) deflated {
	out := appender{b: getChunk()}
	w := flaters.Get().(*flate.Writer)
	defer flaters.Put(w)
	w.Reset(&out)
	if _, err := w.Write(chunk); err != nil {
		return deflated{err: err}
	}
	if err := w.Flush(); err != nil { // sync flush: ends on a byte boundary
		return deflated{err: err}
	}
	return deflated{b: out.b}
}

// appender is an io.Writer onto a byte slice.
type appender struct{ b []byte }

func (a *appender) Write(p []byte) (int, error) {
	a.b = append(a.b, p...)
	return len(p), nil
}

func (e *zipEntry) writeOldest() error {
	d := <-e.queue[0]
	e.queue = e.queue[1:]
	if d.err == nil {
		_, d.err = e.out.Write(d.b)
		e.comp += uint64(len(d.b))
		putChunk(d.b)
	}
	if d.err != nil && e.err == nil {
		e.err = fmt.Errorf("zip entry %s: %w", e.fh.Name, d.err)
	}
	return e.err
}

// splice puts a spool's deflated rows into the entry at this point: what
// the entry gathered so far is deflated and written first (a chunk ends
// wherever it must, with its sync flush), then the spool's chunks as they
// are, its CRC-32 combined into the entry's.
func (e *zipEntry) splice(s *rowSpool) error {
	if err := s.finish(); err != nil {
		return err
	}
	if len(e.buf) > 0 && e.err == nil {
		_ = e.dispatch() // an error is e.err, returned below
	}
	for len(e.queue) > 0 && e.err == nil {
		_ = e.writeOldest()
	}
	if e.err != nil {
		return e.err
	}
	if err := s.writeTo(e.out); err != nil {
		e.err = fmt.Errorf("zip entry %s: %w", e.fh.Name, err)
		return e.err
	}
	e.crc = crc32Combine(e.crc, s.crc, s.raw)
	e.raw += s.raw
	e.comp += s.size
	return nil
}

// crc32Combine is the CRC-32 (IEEE) of a+b from crc1 of a, crc2 of b and
// b's length, as zlib's crc32_combine computes it: crc1 is run through
// len2 zero bytes by squaring the operator of one zero bit (a matrix over
// GF(2)), then crc2 is added.
func crc32Combine(crc1, crc2 uint32, len2 uint64) uint32 {
	if len2 == 0 {
		return crc1
	}
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the operator of one zero bit: the reversed polynomial,
	row := uint32(1)    // then a shift
	for n := 1; n < 32; n++ {
		odd[n] = row
		row <<= 1
	}
	square(&even, &odd) // two zero bits
	square(&odd, &even) // four
	for {               // eight zero bits (one byte), sixteen, …
		square(&even, &odd)
		if len2&1 != 0 {
			crc1 = times(&even, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
		square(&odd, &even)
		if len2&1 != 0 {
			crc1 = times(&odd, crc1)
		}
		if len2 >>= 1; len2 == 0 {
			break
		}
	}
	return crc1 ^ crc2
}

// times multiplies the matrix by the vector over GF(2).
func times(m *[32]uint32, v uint32) uint32 {
	var sum uint32
	for i := 0; v != 0; i, v = i+1, v>>1 {
		if v&1 != 0 {
			sum ^= m[i]
		}
	}
	return sum
}

// square sets sq to m times m.
func square(sq, m *[32]uint32) {
	for n := range m {
		sq[n] = times(m, m[n])
	}
}

// close deflates what is left, writes every pending chunk and the final
// block, and records the CRC and sizes for the data descriptor and the
// directory (the zip writer reads them from the header when the next
// entry starts or the zip closes).
func (e *zipEntry) close() error {
	if len(e.buf) > 0 && e.err == nil {
		_ = e.dispatch() // an error is e.err, reported below
	}
	for len(e.queue) > 0 {
		_ = e.writeOldest() // drain every goroutine even after an error
	}
	if e.err != nil {
		return e.err
	}
	if _, err := e.out.Write(finalBlock); err != nil {
		return fmt.Errorf("zip entry %s: %w", e.fh.Name, err)
	}
	e.comp += uint64(len(finalBlock))
	fh := e.fh
	fh.CRC32 = e.crc
	fh.CompressedSize64, fh.UncompressedSize64 = e.comp, e.raw
	// archive/zip writes the data descriptor from the 32-bit fields.
	fh.CompressedSize = uint32(min(e.comp, math.MaxUint32))  //nolint:staticcheck // see above
	fh.UncompressedSize = uint32(min(e.raw, math.MaxUint32)) //nolint:staticcheck // see above
	if e.comp >= math.MaxUint32 || e.raw >= math.MaxUint32 {
		fh.ReaderVersion = 45 // zip64, as archive/zip marks its own entries
	}
	return nil
}

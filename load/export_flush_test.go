package load

// SetFlushRows lowers the rows between appender flushes for a test and
// returns the restore function.
func SetFlushRows(n int64) (restore func()) {
	old := flushRows
	flushRows = n
	return func() { flushRows = old }
}

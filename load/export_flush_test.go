package load

// SetFlushRows lowers the rows between appender flushes for a test and
// returns the restore function.
func SetFlushRows(n int64) (restore func()) {
	old := flushRows
	flushRows = n
	return func() { flushRows = old }
}

// SetPartitionsPerCopy makes Export write at most n partitions per COPY
// (instead of partitionsPerCopy's) for a test, and returns the restore
// function.
func SetPartitionsPerCopy(n int) (restore func()) {
	old := perCopyOverride
	perCopyOverride = n
	return func() { perCopyOverride = old }
}

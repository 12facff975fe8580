package reports

// SetMaxDataRows lowers the per-sheet row limit for a test and returns a
// function that restores it.
func SetMaxDataRows(n int) (restore func()) {
	old := maxDataRows
	maxDataRows = n
	return func() { maxDataRows = old }
}

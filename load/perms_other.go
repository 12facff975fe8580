//go:build !unix

package load

// On systems without a umask (Windows) files inherit the ACL of their
// directory: put the warehouse in a directory only its owner can read.
func tightenUmask() (release func()) { return func() {} }

func restrictFiles(string) error { return nil }

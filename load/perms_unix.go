//go:build unix

package load

import (
	"fmt"
	"os"
	"sync"
	"syscall"
)

// DuckDB creates the database file, its .wal (again after every
// checkpoint) and its .tmp/ spill directory itself, with mode 0666 minus
// the umask, and has no setting for the mode
// (https://github.com/duckdb/duckdb/blob/main/src/common/local_file_system.cpp).
// So while a writer is open the process umask is tightened to at least
// 077; the last writer to close restores it. Other files created by the
// process meanwhile are owner-only too, which is what seatledger wants.
var umask struct {
	sync.Mutex
	writers int
	saved   int
}

func tightenUmask() (release func()) {
	umask.Lock()
	defer umask.Unlock()
	if umask.writers == 0 {
		umask.saved = syscall.Umask(0o077)
		syscall.Umask(umask.saved | 0o077)
	}
	umask.writers++
	var once sync.Once
	return func() {
		once.Do(func() {
			umask.Lock()
			defer umask.Unlock()
			umask.writers--
			if umask.writers == 0 {
				syscall.Umask(umask.saved)
			}
		})
	}
}

// restrictFiles makes an existing warehouse file and its .wal owner-only,
// for files created before seatledger enforced it or copied in.
func restrictFiles(path string) error {
	for _, p := range []string{path, path + ".wal"} {
		fi, err := os.Stat(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("check mode of %s: %w", p, err)
		}
		if fi.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(p, fi.Mode().Perm()&0o700); err != nil {
				return fmt.Errorf("make %s owner-only: %w", p, err)
			}
		}
	}
	return nil
}

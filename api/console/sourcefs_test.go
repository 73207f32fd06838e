package console

import (
	"io/fs"
	"os"
)

// sourceFS reads the package's own source files, for the catalog test.
type sourceFS struct{}

func (sourceFS) Open(name string) (fs.File, error) { return os.Open(name) }

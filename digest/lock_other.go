//go:build !unix

package digest

import "context"

// lockFile is a no-op where advisory file locks are not available: run one
// digest poster at a time there.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	return func() {}, nil
}

package invoice

import (
	"strings"

	"github.com/saldocrm/saldo/domain"
)

// Status is an invoice's stored status. "Partially paid" is not a status: it
// is an open invoice with a payment (PartiallyPaid).
type Status string

// The invoice statuses.
const (
	Open          Status = "open"
	Paid          Status = "paid"
	Void          Status = "void"
	Uncollectible Status = "uncollectible"
)

// ErrInvalidStatus is returned for an unknown status.
var ErrInvalidStatus = domain.Errorf(domain.KindInvalid, "invalid_status", "status %q is not one of open, paid, void, uncollectible")

// ParseStatus reads a status in any case.
func ParseStatus(s string) (Status, error) {
	switch st := Status(strings.ToLower(strings.TrimSpace(s))); st {
	case Open, Paid, Void, Uncollectible:
		return st, nil
	}
	return "", ErrInvalidStatus.New(s)
}

// Bucket is an aging bucket: how far past due an open balance is.
type Bucket string

// The aging buckets, in order.
const (
	Current    Bucket = "current"
	Days1To30  Bucket = "1-30"
	Days31To60 Bucket = "31-60"
	Days61To90 Bucket = "61-90"
	DaysOver90 Bucket = "90+"
)

// Buckets lists the aging buckets in order, youngest first.
var Buckets = []Bucket{Current, Days1To30, Days31To60, Days61To90, DaysOver90}

// ErrInvalidBucket is returned for an unknown aging bucket.
var ErrInvalidBucket = domain.Errorf(domain.KindInvalid, "invalid_aging_bucket", "aging bucket %q is not one of current, 1-30, 31-60, 61-90, 90+")

// ParseBucket reads an aging bucket.
func ParseBucket(s string) (Bucket, error) {
	b := Bucket(strings.TrimSpace(s))
	for _, k := range Buckets {
		if b == k {
			return b, nil
		}
	}
	return "", ErrInvalidBucket.New(s)
}

// BucketFor returns the bucket of a balance that is daysOverdue days past due
// (zero or less: not yet due).
func BucketFor(daysOverdue int) Bucket {
	switch {
	case daysOverdue <= 0:
		return Current
	case daysOverdue <= 30:
		return Days1To30
	case daysOverdue <= 60:
		return Days31To60
	case daysOverdue <= 90:
		return Days61To90
	default:
		return DaysOver90
	}
}

// Range returns the bucket's days-overdue range, inclusive; max is -1 for
// the open-ended 90+ bucket, and Current is (min=-inf, max=0) written as
// (-1<<31, 0).
func (b Bucket) Range() (minDays, maxDays int) {
	switch b {
	case Current:
		return -1 << 31, 0
	case Days1To30:
		return 1, 30
	case Days31To60:
		return 31, 60
	case Days61To90:
		return 61, 90
	default:
		return 91, -1
	}
}

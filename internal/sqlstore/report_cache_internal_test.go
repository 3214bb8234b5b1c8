package sqlstore

import (
	"reflect"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestCloneCountsCopiesEverySlice holds cloneCounts to the fields of
// lifeguard.ReportCounts: a slice field added there and not copied here
// would be shared between the kept sums and a caller that changes them.
func TestCloneCountsCopiesEverySlice(t *testing.T) {
	var r lifeguard.ReportCounts
	v := reflect.ValueOf(&r).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Slice {
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		}
	}
	c := reflect.ValueOf(cloneCounts(&r)).Elem()
	for i := range v.NumField() {
		if v.Field(i).Kind() == reflect.Slice && c.Field(i).Pointer() == v.Field(i).Pointer() {
			t.Errorf("cloneCounts shares ReportCounts.%s with the kept sums", v.Type().Field(i).Name)
		}
	}
}

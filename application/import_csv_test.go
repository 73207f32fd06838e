package application

import (
	"errors"
	"testing"
)

func TestParseCustomerCSV(t *testing.T) {
	t.Parallel()
	f, err := parseCustomerCSV([]byte("\ufeff External_ID ;Name;phone;tags\nC-1; Ana María ;+57 300 123 4567;a|b\n;;;\n\"C-2\";\"Pérez; Hnos\";;\nC-3;Luis;;;extra\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.columns; len(got) != 4 || got[0] != "external_id" || got[1] != "name" {
		t.Fatalf("columns = %v: the BOM, case and spaces are dropped", got)
	}
	if len(f.rows) != 3 {
		t.Fatalf("rows = %d, want 3 (a blank row is skipped)", len(f.rows))
	}
	if r := f.rows[0]; r.line != 2 || r.cells["name"] != "Ana María" || r.cells["tags"] != "a|b" {
		t.Errorf("row 1 = %+v", r)
	}
	if r := f.rows[1]; r.line != 4 || r.cells["name"] != "Pérez; Hnos" {
		t.Errorf("a quoted delimiter stays in the cell: %+v", r)
	}
	if r := f.rows[2]; r.line != 5 || r.err == "" {
		t.Errorf("a row with more cells than the header is reported: %+v", r)
	}
}

func TestParseCustomerCSVRefusals(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]string{
		"empty":            "  \n",
		"no name column":   "external_id,phone\nC-1,+573001234567\n",
		"no key column":    "name,email\nAna,a@b.co\n",
		"unknown column":   "external_id,name,saldo\nC-1,Ana,10\n",
		"duplicate column": "external_id,name,NAME\nC-1,Ana,Ana\n",
		"header only":      "external_id,name\n",
		"latin-1":          "external_id,name\nC-1,Jos\xe9\n",
	} {
		if _, err := parseCustomerCSV([]byte(in)); !errors.Is(err, ErrInvalidCSV) {
			t.Errorf("%s: error = %v, want ErrInvalidCSV", name, err)
		}
	}
}

func TestDelimiter(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]rune{
		"external_id,name,phone\n1;2;3;4":    ',',
		"external_id;name;phone\n1,2,3,4,5":  ';',
		"\"a,b\";name;phone\n":               ';',
		"name":                               ',',
		"external_id;name;tags\nC-1;Ana;a,b": ';',
	} {
		if got := delimiter([]byte(in)); got != want {
			t.Errorf("delimiter(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitList(t *testing.T) {
	t.Parallel()
	got := splitList(" Morosos 30+ | mayoristas;; ;Varejo ")
	want := []string{"Morosos 30+", "mayoristas", "Varejo"}
	if len(got) != len(want) {
		t.Fatalf("splitList = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("splitList[%d] = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestSampleParses(t *testing.T) {
	t.Parallel()
	f, err := parseCustomerCSV(ImportSample())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.rows) != 3 || len(f.columns) != len(ImportColumns) {
		t.Errorf("sample: %d rows, %d columns", len(f.rows), len(f.columns))
	}
}

package application

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/saldocrm/saldo/domain"
	"github.com/saldocrm/saldo/ports"
)

// ImportColumns are the columns a customer file may have, in the sample's
// order. The header row names them, in any order; name is required, and
// external_id or phone.
var ImportColumns = []string{"external_id", "name", "phone", "email", "tax_id", "language", "tags", "groups"}

// ErrInvalidCSV refuses a file that cannot be read as a customer list at all
// (no header, unknown columns, not UTF-8); bad rows are reported one by one.
var ErrInvalidCSV = domain.Errorf(domain.KindInvalid, "invalid_csv", "%s")

// csvRow is one data row: its line in the file (the header is line 1), its
// cells by column, trimmed, and a problem with the row as a whole.
type csvRow struct {
	line  int
	cells map[string]string
	err   string
}

// csvFile is a parsed customer file.
type csvFile struct {
	columns []string
	rows    []csvRow
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// parseCustomerCSV reads a customer file: UTF-8 with or without a byte-order
// mark, the header row first, cells separated by ',' or ';' (whichever the
// header uses). Rows with a problem of their own (more cells than the
// header) are kept with the problem, so the report names them.
func parseCustomerCSV(b []byte) (csvFile, error) {
	b = bytes.TrimPrefix(b, utf8BOM)
	if len(bytes.TrimSpace(b)) == 0 {
		return csvFile{}, ErrInvalidCSV.New("the file is empty: its first row must name the columns (" + strings.Join(ImportColumns, ",") + ")")
	}
	if !utf8.Valid(b) {
		return csvFile{}, ErrInvalidCSV.New("the file is not UTF-8 text: in Excel use Save as → \"CSV UTF-8\"")
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comma = delimiter(b)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return csvFile{}, ErrInvalidCSV.New("the header row cannot be read: " + err.Error())
	}
	f := csvFile{}
	var unknown []string
	for _, h := range header {
		col := strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(ImportColumns, col):
			unknown = append(unknown, fmt.Sprintf("%q", h))
		case slices.Contains(f.columns, col):
			return csvFile{}, ErrInvalidCSV.New(fmt.Sprintf("the column %s appears twice in the header", col))
		}
		f.columns = append(f.columns, col)
	}
	if len(unknown) > 0 {
		return csvFile{}, ErrInvalidCSV.New(fmt.Sprintf("unknown column(s) %s in the header: the columns are %s",
			strings.Join(unknown, ", "), strings.Join(ImportColumns, ", ")))
	}
	if !slices.Contains(f.columns, "name") {
		return csvFile{}, ErrInvalidCSV.New("the header has no name column: the first row must name the columns (" + strings.Join(ImportColumns, ",") + ")")
	}
	if !slices.Contains(f.columns, "external_id") && !slices.Contains(f.columns, "phone") {
		return csvFile{}, ErrInvalidCSV.New("the header needs an external_id or a phone column to tell customers apart")
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		row := csvRow{line: line, cells: make(map[string]string, len(f.columns))}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row.line, row.err = pe.StartLine, "the row cannot be read as CSV: "+pe.Err.Error()
			f.rows = append(f.rows, row)
			continue
		} else if err != nil {
			return csvFile{}, ErrInvalidCSV.New("the file cannot be read: " + err.Error())
		}
		if blank(rec) {
			continue // a spreadsheet's empty line, e.g. ",,,,"
		}
		if len(rec) > len(f.columns) && !blank(rec[len(f.columns):]) {
			row.err = fmt.Sprintf("the row has %d cells but the header names %d columns", len(rec), len(f.columns))
		}
		for i, col := range f.columns {
			if i < len(rec) {
				row.cells[col] = strings.TrimSpace(rec[i])
			}
		}
		f.rows = append(f.rows, row)
	}
	if len(f.rows) == 0 {
		return csvFile{}, ErrInvalidCSV.New("the file has a header but no customer rows")
	}
	return f, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// delimiter returns ';' when the header row has more semicolons than commas
// outside quotes (the CSV Excel writes where the decimal mark is a comma),
// else ','.
func delimiter(b []byte) rune {
	commas, semis, quoted := 0, 0, false
	for _, c := range b {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if semis > commas {
				return ';'
			}
			return ','
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// splitList splits a tags or groups cell on ';' or '|', dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ErrorReportCSV renders an import's error report as a CSV file (line,
// column, message), with a byte-order mark so spreadsheets read it as UTF-8.
func ErrorReportCSV(errs []ports.ImportRowError) []byte {
	var buf bytes.Buffer
	buf.Write(utf8BOM)
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"line", "column", "message"})
	for _, e := range errs {
		_ = w.Write([]string{fmt.Sprint(e.Line), e.Column, e.Message})
	}
	w.Flush()
	return buf.Bytes()
}

// ImportSample is a customer file to start from: the header and three
// customers from Colombia, Mexico and Brazil.
func ImportSample() []byte {
	return []byte(`external_id,name,phone,email,tax_id,language,tags,groups
C-1001,Ferretería El Tornillo S.A.S.,+57 300 123 4567,pagos@eltornillo.co,900123456-7,es,mayorista;bogota,Mayoristas|Morosos 30+
C-1002,Distribuidora Azteca S.A. de C.V.,+52 55 1234 5678,cobranza@azteca.mx,DAZ180101AB1,es,cdmx,Mayoristas
C-1003,Padaria Pão Quente Ltda,+55 11 98765-4321,financeiro@paoquente.com.br,12.345.678/0001-90,pt,varejo;sao-paulo,Varejo
`)
}

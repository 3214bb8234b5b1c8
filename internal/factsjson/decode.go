// Package factsjson reads a concern's facts from JSON, byte by byte, and
// names every problem found by its path. The schema's fields, the problem
// collector and the rules that tie fields together belong to the root
// package (lifeguard.FactField, lifeguard.FactsProblems), which
// Facts.Validate uses too, so that decoding and validating say the same
// things in the same words.
package factsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// DecodeOptions changes how DecodeFacts treats reported_at.
type DecodeOptions struct {
	// ReportedAt, when not zero, is the server's time of the report: the input
	// must not contain reported_at (a problem says the server sets it) and the
	// decoded facts get this value, kept as its instant and UTC offset like a
	// decoded time.
	ReportedAt time.Time
}

// DecodeFacts reads one concern's facts from JSON (concern.schema.json).
// Invalid input returns an EINVALID *lifeguard.Error listing every problem found, each
// with the path of the field in the input's notation (child.age,
// concern_types[0]); the path is empty only for a problem with the whole
// document.
//
// Besides the schema, the facts must hang together:
//   - occurred_at is not after reported_at;
//   - child.date_of_birth is not after reported_at and gives an age of 0 to 17
//     on the date of reported_at;
//   - child is required unless every concern type is staff_conduct or
//     professional_targeted, and child_role needs a child.
//
// Contradictory party roles are problems too:
//   - child_role "witness" with images.self_generated true: the images are the
//     child's own, which makes the child a subject of them, not a witness
//     (path child_role);
//   - parties with adult_involved, peer_involved and unknown_involved all given
//     and all false, when a concern type needs someone besides the child:
//     grooming, sexual_communication, sextortion, threats_harassment,
//     cyberbullying, criminal_exploitation (path parties). Absent flags mean
//     "not known", so only flags given as false contradict the type;
//   - staff with any flag true when staff_conduct is not a concern type: the
//     harm tests are about a worker's conduct (path staff).
func DecodeFacts(data []byte, opts DecodeOptions) (*lifeguard.Facts, error) {
	if f, ok := decodeFast(data, opts); ok {
		return f, nil
	}
	f, problems := decodeSlow(data, opts)
	if problems != nil {
		return nil, lifeguard.Invalid("invalid concern", problems)
	}
	return f, nil
}

// decodeFast decodes valid facts with encoding/json straight into the struct,
// which is about four times quicker than the slow path. It reports false for
// anything it cannot vouch for, and the slow path then decides; it must never
// accept a document that the slow path would reject.
func decodeFast(data []byte, opts DecodeOptions) (*lifeguard.Facts, bool) {
	given, ok := scanKeys(data)
	// encoding/json would quietly turn bad UTF-8 into U+FFFD.
	if !ok || !utf8.Valid(data) {
		return nil, false
	}
	f := new(lifeguard.Facts)
	dec := json.NewDecoder(bytes.NewReader(data))
	// scanKeys let through only exact field names, and no two of the schema's
	// names differ in case alone, so a name in the wrong object cannot match
	// a field by folding case: it is unknown there, and this fails.
	dec.DisallowUnknownFields()
	if dec.Decode(f) != nil || !jsonSpace(data[dec.InputOffset():]) {
		return nil, false
	}
	// The struct reads an empty child_role or significant_harm as "not
	// given", but the schema has no empty code.
	if given.Has(lifeguard.FieldChildRole) && f.ChildRole == "" || given.Has(lifeguard.FieldSignificantHarm) && f.Risk.SignificantHarm == "" {
		return nil, false
	}
	if !opts.ReportedAt.IsZero() {
		if given.Has(lifeguard.FieldReportedAt) {
			return nil, false
		}
		f.ReportedAt = opts.ReportedAt
	}
	f.Normalise()
	var c lifeguard.FactsProblems
	c.CheckFields(f)
	c.CheckRelations(f, &given)
	return f, c.Problems() == nil
}

// scanKeys walks the object keys of data without decoding it, and returns the
// fields the document names. It reports false when encoding/json cannot be
// trusted to decode data as strictly as the schema asks: a key that is not
// exactly a field name (encoding/json matches names regardless of case), a
// name used twice (encoding/json keeps the last), an escaped key, null (which
// encoding/json ignores), or an escaped surrogate (which encoding/json may
// turn into U+FFFD).
func scanKeys(data []byte) (lifeguard.FactFieldSet, bool) {
	var given lifeguard.FactFieldSet
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case 'n': // outside a string, only null has an n
			return 0, false
		case '"':
			start, escaped := i+1, false
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] != '\\' {
					continue
				}
				escaped = true
				i++
				if i+2 < len(data) && data[i] == 'u' && data[i+1]|0x20 == 'd' && strings.IndexByte("89abcdefABCDEF", data[i+2]) >= 0 {
					return 0, false
				}
			}
			if i >= len(data) {
				return 0, false
			}
			key := data[start:i]
			j := i + 1
			for j < len(data) && isJSONSpace(data[j]) {
				j++
			}
			if j == len(data) || data[j] != ':' {
				continue // a value, not a key
			}
			k, ok := lifeguard.LookupFactField(string(key))
			if escaped || !ok || given.Has(k) {
				return 0, false
			}
			given.Add(k)
		}
	}
	return given, true
}

// Texts of problems only the decoder finds: what a time or a date looks like.
const (
	msgTimeForm = "a date and time in RFC 3339 form, such as 2026-11-18T10:00:00Z"
	msgDateForm = "a date in the form YYYY-MM-DD"
)

// slowDecoder walks the document value by value, in document order, and
// records every problem with its path. It is the authority on what is valid.
type slowDecoder struct {
	lifeguard.FactsProblems
	opts DecodeOptions
	f    lifeguard.Facts
	// given holds the fields the document names, in their right place and
	// once; FactsProblems remembers which of them are problems.
	given lifeguard.FactFieldSet
}

func decodeSlow(data []byte, opts DecodeOptions) (*lifeguard.Facts, []lifeguard.Problem) {
	s := &slowDecoder{opts: opts}
	if s.document(data) {
		s.top()
		s.CheckRelations(&s.f, &s.given)
	}
	if problems := s.Problems(); problems != nil {
		return nil, problems
	}
	s.f.Normalise()
	return &s.f, nil
}

// document checks that data is one JSON object and walks it; it reports false
// when there is nothing to walk.
func (s *slowDecoder) document(data []byte) bool {
	if jsonSpace(data) {
		s.root("is empty; send the facts as one JSON object")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		s.root(notJSON(err))
		return false
	}
	walk := raw[0] == '{'
	if walk {
		s.object(raw, lifeguard.FactsDocument, s.topField)
	} else {
		s.root("must be a JSON object, not " + kindOf(raw))
	}
	if !jsonSpace(data[dec.InputOffset():]) {
		s.root("has more data after the JSON object; send one object only")
	}
	return walk
}

func (s *slowDecoder) root(msg string) {
	s.AddAt("", lifeguard.FactsDocument, msg)
}

func notJSON(err error) string {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return fmt.Sprintf("is not valid JSON: %s (at byte %d)", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "is not valid JSON: it ends before the object is complete"
	}
	return "is not valid JSON"
}

// object calls fn with each member of the JSON object raw that is a known
// field of obj, and records a problem for every other member: an unknown
// field, or a field given twice.
func (s *slowDecoder) object(raw []byte, obj lifeguard.FactField, fn func(k lifeguard.FactField, val []byte)) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		s.root(notJSON(err))
		return
	}
	var seen map[string]int
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			s.root(notJSON(err))
			return
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			s.root(notJSON(err))
			return
		}
		if seen == nil {
			seen = make(map[string]int)
		}
		seen[key]++
		k, known := lifeguard.LookupFactField(key)
		known = known && k.In() == obj
		switch {
		case seen[key] == 2:
			if !known {
				k = lifeguard.FactsDocument
			}
			s.AddAt(keyPath(obj, key), k, "appears more than once; give each field once")
			continue
		case seen[key] > 2:
			continue
		case !known:
			s.AddAt(keyPath(obj, key), lifeguard.FactsDocument, unknownField(obj, key))
			continue
		}
		s.given.Add(k)
		fn(k, val)
	}
}

// keyPath is the path of member key of obj. A key that is not a plain name
// is quoted in brackets, so that a dot or a bracket in it cannot pass for
// structure; a long key is cut short like any quoted value.
func keyPath(obj lifeguard.FactField, key string) string {
	parent := ""
	if obj != lifeguard.FactsDocument {
		parent = obj.Path()
	}
	plain := key != "" && len(key) <= lifeguard.MaxQuoted
	for i := 0; plain && i < len(key); i++ {
		c := key[i]
		plain = c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	switch {
	case !plain:
		return parent + "[" + lifeguard.QuoteValue(key) + "]"
	case parent == "":
		return key
	}
	return parent + "." + key
}

func unknownField(obj lifeguard.FactField, key string) string {
	for k := range lifeguard.FactsDocument {
		if k.In() == obj && strings.EqualFold(k.Name(), key) {
			return fmt.Sprintf("is not a known field (did you mean %q?); the facts of a concern hold no names", k.Name())
		}
	}
	return "is not a known field; the facts of a concern hold no names"
}

func (s *slowDecoder) topField(k lifeguard.FactField, val []byte) {
	switch k {
	case lifeguard.FieldReportedAt:
		if !s.opts.ReportedAt.IsZero() {
			s.Add(k, "must not be given; the server sets it when the concern is reported")
			return
		}
		t, ok := s.time(k, val)
		switch {
		case !ok:
		case t.IsZero():
			s.Add(k, "must be a real date and time, not the zero time 0001-01-01T00:00:00Z")
		default:
			s.f.ReportedAt = t
		}
	case lifeguard.FieldOccurredAt:
		if t, ok := s.time(k, val); ok {
			s.f.OccurredAt = &t
		}
	case lifeguard.FieldSetting:
		v, ok := s.str(k, val, `a string naming the setting, such as "school"`)
		switch {
		case !ok:
		case !s.Code(k, v):
		default:
			s.f.Setting = lifeguard.Setting(v)
		}
	case lifeguard.FieldDescription:
		if v, ok := s.str(k, val, "a string"); ok {
			s.Text(k, v, lifeguard.MaxDescription)
			s.f.Description = v
		}
	case lifeguard.FieldChild:
		s.child(val)
	case lifeguard.FieldChildRole:
		v, ok := s.str(k, val, `a string naming the child's role, such as "victim"`)
		switch {
		case !ok:
		case !s.Code(k, v):
		default:
			s.f.ChildRole = lifeguard.ChildRole(v)
		}
	case lifeguard.FieldConcernTypes:
		tl := lifeguard.ConcernTypeList()
		types, n, ok := list(s, &tl, val, "a list of concern type codes", `a concern type code such as "grooming"`)
		switch {
		case !ok:
		case n == 0:
			s.Add(k, lifeguard.ProblemNoTypes)
		default:
			s.f.ConcernTypes = types
		}
	default: // parties, risk, images, details, staff
		s.flags(k, val)
	}
}

// top adds the problems that only the whole top-level object shows: required
// fields that are missing.
func (s *slowDecoder) top() {
	if s.opts.ReportedAt.IsZero() {
		if !s.given.Has(lifeguard.FieldReportedAt) {
			s.Add(lifeguard.FieldReportedAt, lifeguard.ProblemRequired)
		}
	} else {
		s.f.ReportedAt = s.opts.ReportedAt // Normalise gives it one form
	}
	for _, k := range [...]lifeguard.FactField{lifeguard.FieldSetting, lifeguard.FieldConcernTypes} {
		if !s.given.Has(k) {
			s.Add(k, lifeguard.ProblemRequired)
		}
	}
}

func (s *slowDecoder) child(val []byte) {
	if val[0] != '{' {
		s.Add(lifeguard.FieldChild, "must be an object, not "+kindOf(val))
		return
	}
	ch := new(lifeguard.ChildFacts)
	s.f.Child = ch
	s.object(val, lifeguard.FieldChild, func(k lifeguard.FactField, val []byte) {
		switch k {
		case lifeguard.FieldAge:
			if !isNumber(val) {
				s.Add(k, lifeguard.AgeProblem(false, 0)+", not "+kindOf(val))
				return
			}
			n, whole := wholeNumber(val)
			if !whole || n < 0 || n > 17 {
				s.Add(k, lifeguard.AgeProblem(whole, n))
				return
			}
			age := int(n)
			ch.Age = &age
		case lifeguard.FieldDateOfBirth:
			v, ok := s.str(k, val, msgDateForm)
			if !ok {
				return
			}
			d, err := lifeguard.ParseDate(v)
			if err != nil {
				s.Add(k, fmt.Sprintf("%s is not a real date in the form YYYY-MM-DD", lifeguard.QuoteValue(v)))
				return
			}
			ch.DateOfBirth = &d
		case lifeguard.FieldVulnerabilities:
			vl := lifeguard.VulnerabilityList()
			vs, _, ok := list(s, &vl, val, "a list of vulnerability codes", `a vulnerability code such as "looked_after"`)
			if ok {
				ch.Vulnerabilities = vs
			}
		}
	})
	s.ChildOneOf(s.given.Has(lifeguard.FieldAge), s.given.Has(lifeguard.FieldDateOfBirth))
}

// flags reads one of the objects of flags: parties, risk, images, details,
// staff.
func (s *slowDecoder) flags(obj lifeguard.FactField, val []byte) {
	if val[0] != '{' {
		s.Add(obj, "must be an object, not "+kindOf(val))
		return
	}
	s.object(val, obj, func(k lifeguard.FactField, val []byte) {
		switch k {
		case lifeguard.FieldSignificantHarm:
			v, ok := s.str(k, val, `"yes", "no" or "unsure"`)
			switch {
			case !ok:
			case !s.Code(k, v):
			default:
				s.f.Risk.SignificantHarm = lifeguard.SignificantHarm(v)
			}
		case lifeguard.FieldPlatform:
			if v, ok := s.str(k, val, "a string"); ok {
				s.Text(k, v, lifeguard.MaxPlatform)
				s.f.Details.Platform = v
			}
		default:
			switch string(val) {
			case "true":
				*s.f.Flag(k) = true
			case "false":
			default:
				s.Add(k, "must be true or false, not "+kindOf(val))
			}
		}
	})
}

// time reads a date-time string exactly as time.Time's UnmarshalJSON does, so
// that both decoders accept the same times.
func (s *slowDecoder) time(k lifeguard.FactField, val []byte) (time.Time, bool) {
	v, ok := s.str(k, val, msgTimeForm)
	if !ok {
		return time.Time{}, false
	}
	var t time.Time
	if err := t.UnmarshalText([]byte(v)); err != nil {
		s.Add(k, fmt.Sprintf("%s is not %s", lifeguard.QuoteValue(v), msgTimeForm))
		return time.Time{}, false
	}
	return t, true // Normalise gives it one form
}

// str reads the string value of field k; want describes the value expected,
// for the problem when it is not a string.
func (s *slowDecoder) str(k lifeguard.FactField, val []byte, want string) (string, bool) {
	if val[0] != '"' {
		s.Add(k, "must be "+want+", not "+kindOf(val))
		return "", false
	}
	return s.stringAt(k.Path(), k, val)
}

func (s *slowDecoder) stringAt(path string, k lifeguard.FactField, val []byte) (string, bool) {
	if !validText(val) {
		s.AddAt(path, k, lifeguard.ProblemNotUTF8)
		return "", false
	}
	var v string
	if err := json.Unmarshal(val, &v); err != nil {
		s.root(notJSON(err))
		return "", false
	}
	return v, true
}

// list reads the JSON array of codes val for the list l checks, and returns
// the codes that are strings (all of them, when there is no problem) and the
// array's length; it reports false when val is not an array.
func list[T ~string](s *slowDecoder, l *lifeguard.CodeList[T], val []byte, want, wantItem string) (items []T, n int, ok bool) {
	if val[0] != '[' {
		s.Add(l.Field(), "must be "+want+", not "+kindOf(val))
		return nil, 0, false
	}
	dec := json.NewDecoder(bytes.NewReader(val))
	if _, err := dec.Token(); err != nil {
		s.root(notJSON(err))
		return nil, 0, false
	}
	for ; dec.More(); n++ {
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			s.root(notJSON(err))
			return nil, 0, false
		}
		if item[0] != '"' {
			s.AddAt(l.Field().Item(n), l.Field(), "must be "+wantItem+", not "+kindOf(item))
			continue
		}
		if v, ok := s.stringAt(l.Field().Item(n), l.Field(), item); ok {
			l.Check(&s.FactsProblems, n, T(v))
			items = append(items, T(v))
		}
	}
	return items, n, true
}

// kindOf names the kind of the JSON value raw, for problems about types.
func kindOf(raw []byte) string {
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

func isNumber(raw []byte) bool { return raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9' }

// wholeNumber returns the value of the JSON number literal lit and whether it
// is a whole number; JSON Schema counts 12.0 and 1.2e1 as the integer 12.
// Numbers too large to matter come back as the largest int64 of their sign.
// It works on the digits rather than a float, so that 12.0000000000000001 is
// not rounded into a whole number, and it never builds 10^exponent, so that
// 1e999999999 costs nothing.
func wholeNumber(lit []byte) (n int64, whole bool) {
	s := string(lit)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e := s[i+1:]
		s = s[:i]
		sign := 1
		if e != "" && (e[0] == '+' || e[0] == '-') {
			if e[0] == '-' {
				sign = -1
			}
			e = e[1:]
		}
		e = strings.TrimLeft(e, "0")
		if len(e) > 7 {
			exp = sign * 1e7 // far past anything an int64 can hold either way
		} else if e != "" {
			v, _ := strconv.Atoi(e)
			exp = sign * v
		}
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	if digits == "" {
		return 0, true
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	if exp < 0 {
		return 0, false
	}
	if len(digits)+exp > 18 {
		if neg {
			return math.MinInt64, true
		}
		return math.MaxInt64, true
	}
	n, _ = strconv.ParseInt(digits, 10, 64)
	for range exp {
		n *= 10
	}
	if neg {
		n = -n
	}
	return n, true
}

// validText reports whether the JSON string literal raw holds only valid
// Unicode: no bytes that are not UTF-8 and no \u escape of a lone surrogate.
// encoding/json would turn either into U+FFFD without a word.
func validText(raw []byte) bool {
	b := raw[1 : len(raw)-1]
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == '\\' && b[i+1] == 'u':
			r := hex4(b[i+2:])
			i += 6
			if !utf16.IsSurrogate(r) {
				continue
			}
			if r >= 0xDC00 || i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
				return false
			}
			if r2 := hex4(b[i+2:]); r2 < 0xDC00 || r2 > 0xDFFF {
				return false
			}
			i += 6
		case c == '\\':
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return false
			}
			i += size
		}
	}
	return true
}

// hex4 reads the four hex digits of a \u escape; the JSON is already known to
// be valid, so they are there.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func jsonSpace(b []byte) bool {
	for _, c := range b {
		if !isJSONSpace(c) {
			return false
		}
	}
	return true
}

// DecodeValidFacts is DecodeFacts giving the proof that the facts are valid
// (lifeguard.ValidFacts): the decoder has applied Validate's rules while
// reading, so the recorder, the triager and the store do not check them
// again.
func DecodeValidFacts(data []byte, opts DecodeOptions) (lifeguard.ValidFacts, error) {
	f, err := DecodeFacts(data, opts)
	if err != nil {
		return lifeguard.ValidFacts{}, err
	}
	return lifeguard.DecodedFacts(f), nil
}

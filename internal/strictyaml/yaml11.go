package strictyaml

// yaml11NotString reports whether a YAML 1.1 reader (PyYAML, as in
// cloud-init) resolves the plain scalar s, which YAML 1.2 reads as a
// string, to something else. It follows PyYAML's resolver: the booleans
// yes, no, on and off in three casings; base-60 integers, whose first digit
// is 1 to 9 (52:54:00:12:34:56, but not 02:00:00:00:00:01); base-60
// floats, which need a fraction (0:30.5); timestamps (2001-12-14, and
// 2001-13-45, which PyYAML then fails to read); and = and <<, which PyYAML
// resolves to tags it cannot construct.
func yaml11NotString(s string) bool {
	switch s {
	case "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "=", "<<":
		return true
	}
	if yaml11Timestamp(s) {
		return true
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	start := i
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
		i++
	}
	if i == start || s[start] == '_' || i == len(s) || s[i] != ':' {
		return false
	}
	for i < len(s) && s[i] == ':' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if n := i - d; n == 0 || n > 2 || n == 2 && s[d] > '5' {
			return false
		}
	}
	if i == len(s) {
		return s[start] != '0' // an integer: PyYAML wants [1-9] first
	}
	if s[i] != '.' {
		return false
	}
	for i++; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
			return false
		}
	}
	return true // a float
}

// yaml11Timestamp reports whether PyYAML's resolver reads the plain scalar
// s as a timestamp: it matches
//
//	[0-9]{4}-[0-9]{2}-[0-9]{2}
//
// or
//
//	[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?
//
// whether or not the date exists.
func yaml11Timestamp(s string) bool {
	// digits returns the index after the run of min to max digits at i,
	// or -1.
	digits := func(i, min, max int) int {
		j := i
		for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i < min {
			return -1
		}
		return j
	}
	// next reports whether the byte at i, which must exist, is c.
	next := func(i int, c byte) bool { return i >= 0 && i < len(s) && s[i] == c }
	blanks := func(i int) int {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		return i
	}

	i := digits(0, 4, 4)
	if !next(i, '-') {
		return false
	}
	if i = digits(i+1, 1, 2); !next(i, '-') {
		return false
	}
	if i = digits(i+1, 1, 2); i < 0 {
		return false
	}
	if i == len(s) {
		return len(s) == len("2001-12-14") // the date alone needs two-digit month and day
	}
	switch {
	case s[i] == 'T' || s[i] == 't':
		i++
	case s[i] == ' ' || s[i] == '\t':
		i = blanks(i)
	default:
		return false
	}
	if i = digits(i, 1, 2); !next(i, ':') {
		return false
	}
	if i = digits(i+1, 2, 2); !next(i, ':') {
		return false
	}
	if i = digits(i+1, 2, 2); i < 0 {
		return false
	}
	if next(i, '.') {
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		}
	}
	if i == len(s) {
		return true
	}
	i = blanks(i)
	switch {
	case next(i, 'Z'):
		return i+1 == len(s)
	case next(i, '-') || next(i, '+'):
		if i = digits(i+1, 1, 2); i < 0 {
			return false
		}
		if i == len(s) {
			return true
		}
		return next(i, ':') && digits(i+1, 2, 2) == len(s)
	}
	return false
}

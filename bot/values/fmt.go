package values

import "strconv"

func strconvF(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

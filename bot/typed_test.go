package bot

import "testing"

func TestClauseAround(t *testing.T) {
	for _, tc := range []struct{ sentence, label, want string }{
		{"The mill, which stands on the quay, was built in 1846 by a weaver.", "1846", "was built in 1846 by a weaver"},
		{"Built 1846; restored 1990.", "1846", "Built 1846"},
		{"The mill was built in 1846.", "1912", ""},
	} {
		if got := clauseAround(tc.sentence, tc.label, 12); got != tc.want {
			t.Errorf("clauseAround(%q, %q) = %q, want %q", tc.sentence, tc.label, got, tc.want)
		}
	}
}

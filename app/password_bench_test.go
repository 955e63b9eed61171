package app

import "testing"

// BenchmarkHashPasswordDefault measures the production argon2id cost: the
// price of one login attempt.
func BenchmarkHashPasswordDefault(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("correct horse battery", DefaultArgon2); err != nil {
			b.Fatal(err)
		}
	}
}

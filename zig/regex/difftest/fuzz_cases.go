// Random patterns (valid and not) and inputs for the differential test:
// `go run fuzz_cases.go <seed> <count> > /tmp/fuzz.txt`.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
)

var tokens = []string{
	"a", "b", "A", "é", "K", "k", "\u212a", "s", "ſ", "\n", " ", "_", "1", "-", "]", "}", "{", ",",
	".", "*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{0}", "{0,}", "{2,}", "{1,1}", "{0,1}", "{3,2}",
	"(", ")", "(?:", "(?i)", "(?i:", "(?s:", "(?m)", "(?U)", "(?-i:", "(?P<n>", "(?<m>", "|", "||",
	"[", "[^", "[a-c]", "[^\\n]", "[[:alpha:]]", "[\\d\\s]", "^", "$", "\\b", "\\B", "\\A", "\\z",
	"\\d", "\\w", "\\W", "\\s", "\\pL", "\\p{Greek}", "\\PL", "\\.", "\\", "\\Q", "\\E", "\\x41", "\\101",
	"(a|b)", "(a*)", "(|a)", "(a|)", "x*", "()", "(?i)k",
}

var alphabet = []string{"a", "b", "A", "é", "\n", " ", "_", "1", "k", "K", "\u212a", "s", "ſ", "-", "α", "\xff"}

func main() {
	seed, _ := strconv.Atoi(os.Args[1])
	count, _ := strconv.Atoi(os.Args[2])
	rng := rand.New(rand.NewSource(int64(seed)))
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for i := 0; i < count; i++ {
		var p strings.Builder
		for n := rng.Intn(10) + 1; n > 0; n-- {
			p.WriteString(tokens[rng.Intn(len(tokens))])
		}
		var ins []string
		for k := 0; k < 4; k++ {
			var s strings.Builder
			for n := rng.Intn(9); n > 0; n-- {
				s.WriteString(alphabet[rng.Intn(len(alphabet))])
			}
			ins = append(ins, hex.EncodeToString([]byte(s.String())))
		}
		fmt.Fprintf(w, "%s\t%s\n", hex.EncodeToString([]byte(p.String())), strings.Join(ins, ","))
	}
}

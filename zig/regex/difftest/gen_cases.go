// Builds a cases file for the differential test from Go's own regexp test
// data (re2-search.txt, re2-exhaustive.txt.bz2, syntax/parse_test.go
// patterns) plus extra patterns: `go run gen_cases.go > /tmp/cases.txt`.
package main

import (
	"bufio"
	"compress/bzip2"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand"
	"os"
	"regexp"
	"strconv"
	"strings"
)

var goroot = "/usr/local/go"

type testCase struct {
	pattern string
	inputs  []string
}

func readRE2(r io.Reader, maxInputs int, every int, rng *rand.Rand) []testCase {
	var cases []testCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var strs []string
	mode := ""
	k := 0
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "strings":
			strs = nil
			mode = "strings"
		case line == "regexps":
			mode = "regexps"
		case strings.HasPrefix(line, "\""):
			s, err := strconv.Unquote(line)
			if err != nil {
				continue
			}
			if mode == "strings" {
				strs = append(strs, s)
			} else if mode == "regexps" {
				k++
				if k%every != 0 {
					continue
				}
				in := strs
				if len(in) > maxInputs {
					in = nil
					for _, i := range rng.Perm(len(strs))[:maxInputs] {
						in = append(in, strs[i])
					}
				}
				cases = append(cases, testCase{s, in})
			}
		}
	}
	return cases
}

func main() {
	rng := rand.New(rand.NewSource(1))
	var cases []testCase
	f, _ := os.Open(goroot + "/src/regexp/testdata/re2-search.txt")
	cases = append(cases, readRE2(f, 1000, 1, rng)...)
	f2, _ := os.Open(goroot + "/src/regexp/testdata/re2-exhaustive.txt.bz2")
	every := 1
	if len(os.Args) > 1 {
		every, _ = strconv.Atoi(os.Args[1])
	}
	cases = append(cases, readRE2(bzip2.NewReader(f2), 12, every, rng)...)

	// Patterns quoted in Go's parser tests (valid and invalid ones).
	src, _ := os.ReadFile(goroot + "/src/regexp/syntax/parse_test.go")
	q := regexp.MustCompile("(?m)^\\s*\\{?\\s*(`[^`]*`|\"(?:[^\"\\\\]|\\\\.)*\")")
	for _, m := range q.FindAllStringSubmatch(string(src), -1) {
		s, err := strconv.Unquote(m[1])
		if err == nil {
			cases = append(cases, testCase{s, []string{"", "abc", "aAbB\n12_ é\u212a\u017f", "xyz"}})
		}
	}
	extra, _ := os.ReadFile("extra_patterns.txt")
	for _, line := range strings.Split(string(extra), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		p, err := strconv.Unquote(parts[0])
		if err != nil {
			panic(line)
		}
		var ins []string
		for _, x := range parts[1:] {
			s, err := strconv.Unquote(x)
			if err != nil {
				panic(line)
			}
			ins = append(ins, s)
		}
		cases = append(cases, testCase{p, ins})
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for _, c := range cases {
		var hs []string
		for _, in := range c.inputs {
			hs = append(hs, hex.EncodeToString([]byte(in)))
		}
		fmt.Fprintf(w, "%s\t%s\n", hex.EncodeToString([]byte(c.pattern)), strings.Join(hs, ","))
	}
}

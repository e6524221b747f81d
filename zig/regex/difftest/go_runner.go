// Differential test runner, Go side: reads a cases file (one case per line:
// hex(pattern) TAB hex(input),hex(input),...) and prints what Go's regexp
// answers, in the format zig_runner.zig prints. See README.md.
package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		parts := strings.SplitN(line, "\t", 2)
		pat, _ := hex.DecodeString(parts[0])
		var inputs [][]byte
		if len(parts) > 1 && parts[1] != "" {
			for _, h := range strings.Split(parts[1], ",") {
				b, _ := hex.DecodeString(h)
				inputs = append(inputs, b)
			}
		}
		fmt.Fprintf(out, "case %d %s\n", n, hex.EncodeToString(pat))
		n++
		_, perr := syntax.Parse(string(pat), syntax.Perl)
		fmt.Fprintf(out, "valid %v\n", perr == nil)
		re, err := regexp.Compile(string(pat))
		if err != nil {
			fmt.Fprintf(out, "err %s\n", hex.EncodeToString([]byte(err.Error())))
			continue
		}
		// Program dump of the same pipeline.
		sre, _ := syntax.Parse(string(pat), syntax.Perl)
		prog, _ := syntax.Compile(sre.Simplify())
		fmt.Fprintf(out, "prog %s\n", strings.ReplaceAll(prog.String(), "\n", "|"))
		fmt.Fprintf(out, "subexp %d names %s\n", re.NumSubexp(), strings.Join(re.SubexpNames(), ","))
		for _, in := range inputs {
			s := string(in)
			fmt.Fprintf(out, "in %s match=%v", hex.EncodeToString(in), re.MatchString(s))
			fmt.Fprintf(out, " all=")
			for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
				fmt.Fprintf(out, "%v", m)
			}
			fmt.Fprintf(out, " two=")
			for _, m := range re.FindAllStringIndex(s, 2) {
				fmt.Fprintf(out, "%v", m)
			}
			fmt.Fprintf(out, " repl=%s", hex.EncodeToString([]byte(re.ReplaceAllString(s, "<$1|$2x|${2}x|$0|$$|$name|$>"))))
			fmt.Fprintf(out, " split=")
			for _, p := range re.Split(s, -1) {
				fmt.Fprintf(out, "%s,", hex.EncodeToString([]byte(p)))
			}
			fmt.Fprintf(out, "\n")
		}
	}
}

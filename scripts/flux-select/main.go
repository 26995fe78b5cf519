// flux-select: the reference `make bench` times `imagebot select --tags-file` against. It does
// what Flux's image-reflector-controller does with a tag list for a semver ImagePolicy, in Go
// with Masterminds/semver (Debian's golang-github-masterminds-semver-dev): drop tags matching
// the exclusion list (default `^.*\.sig$`) and sort the rest in descending string order, as the
// scan stores them (the order decides ties between equal versions); then keep tags with at
// least two dots that Masterminds parses (fluxcd/pkg/version.ParseVersion), keep those the
// constraint admits, and pick the first strictly greatest. Prints the selected tag as written.
//
// Build (GOPATH mode, no network): GOPATH=/usr/share/gocode GO111MODULE=off go build -o BIN scripts/flux-select
//
// Usage: flux-select RANGE TAGS-FILE
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/Masterminds/semver"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: flux-select RANGE TAGS-FILE")
		os.Exit(2)
	}
	constraint, err := semver.NewConstraint(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "flux-select:", err)
		os.Exit(2)
	}
	file, err := os.Open(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "flux-select:", err)
		os.Exit(2)
	}
	defer file.Close()

	exclusion := regexp.MustCompile(`^.*\.sig$`)
	var tags []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		tag := strings.TrimSpace(scanner.Text())
		if tag != "" && !exclusion.MatchString(tag) {
			tags = append(tags, tag)
		}
	}
	if err := scanner.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "flux-select:", err)
		os.Exit(2)
	}

	sort.Sort(sort.Reverse(sort.StringSlice(tags)))

	var latest *semver.Version
	for _, tag := range tags {
		if len(strings.SplitN(tag, ".", 3)) != 3 {
			continue
		}
		version, err := semver.NewVersion(tag)
		if err != nil {
			continue
		}
		if constraint.Check(version) && (latest == nil || version.GreaterThan(latest)) {
			latest = version
		}
	}
	if latest == nil {
		fmt.Fprintln(os.Stderr, "flux-select: unable to determine latest version from provided list")
		os.Exit(1)
	}
	fmt.Println(latest.Original())
}

package main

import (
	"errors"
	"fmt"
	"strings"
)

// addToChangelog returns changelog with entry as the first bullet of the
// "### Changed" subsection of "## [Unreleased]" (Keep a Changelog),
// creating the subsection when it is missing.
func addToChangelog(changelog, entry string) (string, error) {
	const unreleased = "## [Unreleased]"
	i := strings.Index(changelog, unreleased+"\n")
	if i < 0 {
		return "", errors.New(`CHANGELOG.md has no "## [Unreleased]" section; add one (Keep a Changelog) so that specsync can record the update`)
	}
	body := i + len(unreleased) + 1
	end := len(changelog)
	if j := strings.Index(changelog[body:], "\n## "); j >= 0 {
		end = body + j + 1
	}
	bullet := "- " + entry + "\n"
	if j := strings.Index(changelog[body:end], "### Changed\n"); j >= 0 {
		at := body + j + len("### Changed\n")
		if strings.HasPrefix(changelog[at:], "\n") {
			at++
		}
		return changelog[:at] + bullet + changelog[at:], nil
	}
	// No Changed yet: it goes first among the subsections, right
	// under the heading.
	return changelog[:body] + "\n### Changed\n\n" + bullet + changelog[body:], nil
}

// changelogEntry is the bullet specsync adds for an applied spec: the bump
// and the report's summary.
func (r *report) changelogEntry() string {
	level, why := r.bump()
	var b strings.Builder
	fmt.Fprintf(&b, "Flinks spec update from %s (suggested bump: %s; %s). ", r.src, level, why)
	if len(r.wire) == 0 {
		b.WriteString("Wire level: no changes to the API.")
	} else {
		fmt.Fprintf(&b, "Wire level: %d changes, %d breaking", len(r.wire), r.wire.breaking())
		for i, c := range r.wire {
			if i == 3 {
				fmt.Fprintf(&b, "; and %d more", len(r.wire)-i)
				break
			}
			fmt.Fprintf(&b, "; %s", c.Text)
		}
		b.WriteString(".")
	}
	fmt.Fprintf(&b, " Go level: %d incompatible, %d compatible changes.", len(r.goIncompatible()), r.goCompatible())
	for _, n := range r.behaviour {
		b.WriteString(" " + n)
	}
	return printable(b.String(), 2000)
}

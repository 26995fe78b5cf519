// Command oracle renders commit message templates the way Flux's image-automation-controller
// does (Go text/template + sprig.HermeticTxtFuncMap() over Flux's TemplateData), for
// imagebot's differential test (Tests/AutomationTests/TemplateDifferentialTests.swift).
//
// Input (stdin, JSON): {"datasets": {name: Dataset}, "cases": [{"name", "template", "data"}]}.
// Output (stdout, JSON): {"results": [{"name", "orders", "outcomes": [Outcome]}]}: the distinct
// outcomes over every iteration order Flux's maps could take (only templates that mention
// Changes or Objects can observe it; the others are rendered once).
//
// `oracle -functions` prints the names of the function map (JSON array).
//
// Build: GOPATH=<this dir>:/usr/share/gocode GO111MODULE=off go build -o <out> oracle
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"oracle/kyaml/yaml"
	"oracle/source"
	"oracle/types"
	"oracle/update"
)

type change struct {
	File       string `json:"file"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	OldValue   string `json:"oldValue"`
	NewValue   string `json:"newValue"`
	Setter     string `json:"setter"`
}

type dataset struct {
	Automation struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"automation"`
	// Values: null (absent in the spec) stays a nil map, {} an empty one, as Flux decodes them.
	Values  map[string]string `json:"values"`
	Changes []change          `json:"changes"`
}

type testCase struct {
	Name     string `json:"name"`
	Template string `json:"template"`
	Data     string `json:"data"`
}

type input struct {
	Datasets map[string]dataset `json:"datasets"`
	Cases    []testCase         `json:"cases"`
}

type result struct {
	Name     string           `json:"name"`
	Orders   int              `json:"orders"`
	Outcomes []source.Outcome `json:"outcomes"`
}

// prepared is a dataset as Flux's TemplateData plus every iteration order of its maps.
type prepared struct {
	data   source.TemplateData
	orders []update.Order
}

func prepare(d dataset) prepared {
	var p prepared
	p.data.AutomationObject = types.NamespacedName{Namespace: d.Automation.Namespace, Name: d.Automation.Name}
	p.data.Values = d.Values
	var files []string
	objects := map[string][]update.ObjectIdentifier{}
	for _, c := range d.Changes {
		id := update.ObjectIdentifier{ResourceIdentifier: yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: c.APIVersion, Kind: c.Kind},
			NameMeta: yaml.NameMeta{Name: c.Name, Namespace: c.Namespace},
		}}
		if _, ok := objects[c.File]; !ok {
			files = append(files, c.File)
		}
		if _, ok := p.data.Changed.FileChanges[c.File][id]; !ok {
			objects[c.File] = append(objects[c.File], id)
		}
		p.data.Changed.AddChange(c.File, id, update.Change{OldValue: c.OldValue, NewValue: c.NewValue, Setter: c.Setter})
	}
	// Every order: permutations of the files times, per file, permutations of its objects.
	var orders []update.Order
	for _, fp := range permutations(len(files)) {
		partial := []map[string][]update.ObjectIdentifier{{}}
		for _, f := range files {
			var next []map[string][]update.ObjectIdentifier
			for _, m := range partial {
				for _, op := range permutations(len(objects[f])) {
					n := map[string][]update.ObjectIdentifier{}
					for k, v := range m {
						n[k] = v
					}
					ids := make([]update.ObjectIdentifier, len(op))
					for i, j := range op {
						ids[i] = objects[f][j]
					}
					n[f] = ids
					next = append(next, n)
				}
			}
			partial = next
		}
		ordered := make([]string, len(fp))
		for i, j := range fp {
			ordered[i] = files[j]
		}
		for _, m := range partial {
			orders = append(orders, update.Order{Files: ordered, Objects: m})
		}
	}
	p.orders = orders
	return p
}

func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	for _, rest := range permutations(n - 1) {
		for pos := 0; pos <= len(rest); pos++ {
			p := append(append(append([]int{}, rest[:pos]...), n-1), rest[pos:]...)
			out = append(out, p)
		}
	}
	return out
}

func run(c testCase, p prepared) (r result) {
	r.Name = c.Name
	defer func() {
		if e := recover(); e != nil {
			r.Outcomes = []source.Outcome{{Stage: "execute", Error: fmt.Sprintf("oracle panic: %v", e)}}
		}
	}()
	t, failed := source.Parse(c.Template)
	if failed != nil {
		r.Orders = 1
		r.Outcomes = []source.Outcome{*failed}
		return r
	}
	orders := p.orders
	if !strings.Contains(c.Template, "Changes") && !strings.Contains(c.Template, "Objects") {
		orders = orders[:1]
	}
	seen := map[source.Outcome]bool{}
	for i := range orders {
		update.IterationOrder = &orders[i]
		o := source.Execute(t, &p.data)
		if !seen[o] {
			seen[o] = true
			r.Outcomes = append(r.Outcomes, o)
		}
	}
	r.Orders = len(orders)
	return r
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-functions" {
		// The names of the function map, for the test's coverage check.
		var names []string
		for name := range source.FuncMap() {
			names = append(names, name)
		}
		sort.Strings(names)
		if err := json.NewEncoder(os.Stdout).Encode(names); err != nil {
			os.Exit(2)
		}
		return
	}
	var in input
	dec := json.NewDecoder(os.Stdin)
	if err := dec.Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "oracle: reading cases:", err)
		os.Exit(2)
	}
	prepared := map[string]prepared{}
	for name, d := range in.Datasets {
		prepared[name] = prepare(d)
	}
	out := struct {
		Results []result `json:"results"`
	}{}
	for _, c := range in.Cases {
		name := c.Data
		if name == "" {
			name = "standard"
		}
		p, ok := prepared[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "oracle: case %q: no dataset %q\n", c.Name, name)
			os.Exit(2)
		}
		out.Results = append(out.Results, run(c, p))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, "oracle: writing results:", err)
		os.Exit(2)
	}
}
